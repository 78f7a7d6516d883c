// The only code that touches generated/: writes all outputs atomically, or
// compares them with what is on disk for `generate --check`.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { errnoWords, isErrnoError } from '../lib/io.ts';
import type { OutputFile } from './emit/common.ts';

export interface Drift {
  /** On disk but with other contents. */
  changed: string[];
  /** Produced but not on disk. */
  missing: string[];
  /** On disk under an owned directory but no longer produced. */
  stale: string[];
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)));
}

function readOrFail(abs: string, path: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (e) {
    if (isErrnoError(e)) throw new UserError(`generate: cannot read ${path}: ${errnoWords(e)}`);
    throw e;
  }
}

export function findDrift(root: string, files: readonly OutputFile[], ownedDirs: readonly string[]): Drift {
  const drift: Drift = { changed: [], missing: [], stale: [] };
  const produced = new Set(files.map((f) => f.path));
  for (const f of files) {
    const abs = join(root, f.path);
    if (!existsSync(abs)) drift.missing.push(f.path);
    else if (!statSync(abs).isFile() || readOrFail(abs, f.path) !== f.contents) drift.changed.push(f.path);
  }
  for (const dir of ownedDirs) {
    for (const p of listFiles(root, dir)) if (!produced.has(p)) drift.stale.push(p);
  }
  return drift;
}

export function driftCount(d: Drift): number {
  return d.changed.length + d.missing.length + d.stale.length;
}

/**
 * Writes every file to a temporary sibling first and renames only once all
 * writes succeeded, so a failure leaves the previous generation intact. A
 * failure of the file system (a read-only or unwritable generated/, a full
 * disk) is a UserError naming the file and the cause, and no temporary file
 * is left behind.
 */
export function writeOutputs(root: string, files: readonly OutputFile[], ownedDirs: readonly string[]): Drift {
  const drift = findDrift(root, files, ownedDirs);
  const toWrite = files.filter((f) => drift.changed.includes(f.path) || drift.missing.includes(f.path));
  const temps: { tmp: string; dest: string; path: string }[] = [];
  let at = '';
  try {
    for (const f of toWrite) {
      const dest = join(root, f.path);
      at = f.path;
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.tmp-${process.pid}`;
      temps.push({ tmp, dest, path: f.path });
      writeFileSync(tmp, f.contents);
    }
    while (temps.length > 0) {
      const t = temps[0]!;
      at = t.path;
      renameSync(t.tmp, t.dest);
      temps.shift();
    }
    for (const p of drift.stale) {
      at = p;
      rmSync(join(root, p));
    }
  } catch (e) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    if (isErrnoError(e)) throw new UserError(`generate: cannot write ${at}: ${errnoWords(e)}`);
    throw e;
  }
  return drift;
}

export function assertUniquePaths(files: readonly OutputFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two emitters produce ${f.path}`);
    seen.add(f.path);
  }
}
