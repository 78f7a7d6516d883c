// Running the probe with Kbuild against the installed Linux headers, and
// finding where (whether) the installed headers define a name.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { type ProbeExpr, parseDiagnostics, parseProbeAsm, renderProbeSource } from './probe.ts';

/** The headers every probe includes. Kernel-internal headers need the first few for their types. */
export const PROBE_HEADERS: readonly string[] = [
  'linux/kernel.h',
  'linux/types.h',
  'linux/stddef.h',
  'linux/fs.h',
  'linux/mm.h',
  'linux/kvm.h',
  'asm/msr-index.h',
  'asm/svm.h',
  'asm/sev-common.h',
  'asm/sev.h',
  'linux/psp-sev.h',
  'uapi/linux/psp-sev.h',
  'uapi/linux/sev-guest.h',
];

/** An installed Linux header tree usable for out-of-tree builds. */
export interface LinuxHeaders {
  /** The build directory (…-amd64) that `make -C` takes. */
  buildDir: string;
  /** Its source directory (…-common on Debian; the same directory elsewhere). */
  sourceDir: string;
  /** UTS release, e.g. "6.1.0-56-amd64". */
  release: string;
}

function versionKey(s: string): number[] {
  return (s.match(/[0-9]+/g) ?? []).map(Number);
}

function compareVersions(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Find the installed headers: $LINUX_HEADERS_DIR if set (a build directory),
 * else the newest /usr/src/linux-headers-*-amd64 (Debian's layout, whose
 * Makefile includes the matching -common directory).
 */
export function findLinuxHeaders(root = '/usr/src'): LinuxHeaders | undefined {
  const candidates: string[] = [];
  const env = process.env['LINUX_HEADERS_DIR'];
  if (env !== undefined && env !== '') candidates.push(env);
  else if (existsSync(root)) {
    const dirs = readdirSync(root)
      .filter((d) => /^linux-headers-.*-amd64$/.test(d))
      .sort(compareVersions)
      .reverse();
    candidates.push(...dirs.map((d) => join(root, d)));
  }
  for (const buildDir of candidates) {
    const makefile = join(buildDir, 'Makefile');
    if (!existsSync(makefile)) continue;
    // Debian: "include /usr/src/linux-headers-X-common/Makefile"
    const inc = /^include\s+(\S+)\/Makefile\s*$/m.exec(readFileSync(makefile, 'utf8'));
    const sourceDir = inc?.[1] ?? buildDir;
    if (!existsSync(join(sourceDir, 'arch/x86/include/asm/svm.h'))) continue;
    let release = buildDir.replace(/^.*linux-headers-/, '');
    const uts = join(buildDir, 'include/generated/utsrelease.h');
    if (existsSync(uts)) release = /UTS_RELEASE\s+"([^"]+)"/.exec(readFileSync(uts, 'utf8'))?.[1] ?? release;
    return { buildDir, sourceDir, release };
  }
  return undefined;
}

export interface ProbeRun {
  /** Probe index -> Linux value. */
  values: Map<number, bigint>;
  /** Probe index -> compiler error that kept it out. */
  failed: Map<number, string>;
  /** Number of Kbuild compiles it took. */
  compiles: number;
}

const MAX_ROUNDS = 4;

/**
 * Evaluate expressions with the kernel's own build system: write probe.c and
 * a Kbuild file into a temporary directory, `make -C BUILD M=DIR probe.s`,
 * read the values from probe.s. Expressions that do not compile are dropped
 * and the rest compiled again, until it compiles.
 */
export async function runProbe(exprs: readonly ProbeExpr[], headers: LinuxHeaders): Promise<ProbeRun> {
  const failed = new Map<number, string>();
  let pending = exprs.filter((c) => c.expr !== undefined);
  if (pending.length === 0) return { values: new Map(), failed, compiles: 0 };
  const dir = await mkdtemp(join(tmpdir(), 'xen-sev-linux-probe-'));
  const env: Record<string, string | undefined> = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  delete env['MAKEFLAGS'];
  delete env['MFLAGS'];
  delete env['MAKELEVEL'];
  try {
    // -Wno-error: a kernel configured with CONFIG_WERROR must not turn the probe's harmless warnings into failures.
    await writeFile(join(dir, 'Kbuild'), 'obj-m := probe.o\nccflags-y += -Wno-error\n');
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      await writeFile(join(dir, 'probe.c'), renderProbeSource(pending, PROBE_HEADERS));
      await rm(join(dir, 'probe.s'), { force: true });
      const r = await execa('make', ['-C', headers.buildDir, `M=${dir}`, 'probe.s'], {
        reject: false,
        env,
        extendEnv: false,
        stdin: 'ignore',
      });
      if (r.exitCode === 0) {
        const values = parseProbeAsm(await readFile(join(dir, 'probe.s'), 'utf8'));
        const lost = pending.filter((c) => !values.has(c.index));
        if (lost.length > 0) {
          throw new Error(`probe.s lacks values for ${lost.length} expressions, e.g. ${lost[0]?.expr}`);
        }
        return { values, failed, compiles: round };
      }
      const diag = parseDiagnostics(r.stderr);
      if (diag.unattributed.length > 0 || diag.failed.size === 0) {
        throw new Error(
          `Kbuild could not compile the probe (not because of a probed name):\n` +
            (diag.unattributed.length > 0 ? diag.unattributed.slice(0, 20).join('\n') : tail(r.stderr + '\n' + r.stdout)),
        );
      }
      for (const [i, msg] of diag.failed) failed.set(i, msg);
      pending = pending.filter((c) => !diag.failed.has(c.index));
    }
    throw new Error(`the probe still did not compile after ${MAX_ROUNDS} rounds`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function tail(s: string, lines = 40): string {
  return s.trim().split('\n').slice(-lines).join('\n');
}

/** Where the installed headers define a name. */
export interface Definition {
  file: string;
  line: number;
  how: 'macro' | 'function-like macro' | 'enumerator' | 'struct';
  /** Number of parameters of a function-like macro. */
  params?: number;
}

/** What the installed headers say about a set of identifiers. */
export interface HeaderIndex {
  /** Names that occur anywhere in the headers as a whole word. */
  seen: Set<string>;
  /** Name -> the lines that look like its definition. */
  defs: Map<string, Definition[]>;
}

/** The header directories searched for definitions. */
function headerDirs(h: LinuxHeaders): string[] {
  return [
    join(h.sourceDir, 'include'),
    join(h.sourceDir, 'arch/x86/include'),
    join(h.buildDir, 'include/generated'),
    join(h.buildDir, 'arch/x86/include/generated'),
  ].filter((d) => existsSync(d));
}

async function listHeaders(dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await listHeaders(p, out);
    else if (e.name.endsWith('.h') && (e.isFile() || statSync(p).isFile())) out.push(p);
  }
}

/** Header files that contain any of the names as a whole word: grep when it is there, else all headers. */
async function candidateFiles(names: readonly string[], h: LinuxHeaders, dir: string): Promise<string[]> {
  const dirs = headerDirs(h);
  const list = join(dir, 'names.txt');
  await writeFile(list, names.join('\n') + '\n');
  const r = await execa('grep', ['-rlwF', '--include=*.h', '-f', list, ...dirs], { reject: false, stdin: 'ignore' });
  // grep: 0 = found, 1 = nothing found, anything else = no usable grep.
  if (r.exitCode === 0) return r.stdout.split('\n').filter((f) => f !== '');
  if (r.exitCode === 1) return [];
  const files: string[] = [];
  for (const d of dirs) await listHeaders(d, files);
  return files;
}

/**
 * Search the installed headers for the given identifiers: whether they occur
 * at all, and the lines that define them (a macro, an enumerator, a struct
 * tag). A name that occurs nowhere is not in this Linux; one that is defined
 * but does not compile in the probe is a problem of the probe.
 */
export async function indexHeaders(names: readonly string[], headers: LinuxHeaders): Promise<HeaderIndex> {
  const seen = new Set<string>();
  const defs = new Map<string, Definition[]>();
  const wanted = [...new Set(names)].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (wanted.length === 0) return { seen, defs };
  const wantedSet = new Set(wanted);
  const dir = await mkdtemp(join(tmpdir(), 'xen-sev-linux-names-'));
  let files: string[];
  try {
    files = await candidateFiles(wanted, headers, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const define = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?/;
  const struct = /^\s*struct\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/;
  const enumerator = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=(?!=)|,|$)/;
  const word = /[A-Za-z_][A-Za-z0-9_]*/g;
  const add = (name: string, d: Definition): void => {
    const list = defs.get(name) ?? [];
    list.push(d);
    defs.set(name, list);
  };
  const batch = 64;
  for (let i = 0; i < files.length; i += batch) {
    const texts = await Promise.all(files.slice(i, i + batch).map(async (f) => [f, await readFile(f, 'utf8')] as const));
    for (const [file, text] of texts) {
      const rel = relative(file, headers);
      text.split('\n').forEach((line, ln) => {
        let hit = false;
        for (const m of line.matchAll(word)) {
          if (wantedSet.has(m[0])) {
            seen.add(m[0]);
            hit = true;
          }
        }
        if (!hit) return;
        const d = define.exec(line);
        if (d !== null) {
          const name = d[1] ?? '';
          if (!wantedSet.has(name)) return;
          if (d[2] === undefined) add(name, { file: rel, line: ln + 1, how: 'macro' });
          else {
            const params = (d[3] ?? '').trim();
            add(name, { file: rel, line: ln + 1, how: 'function-like macro', params: params === '' ? 0 : params.split(',').length });
          }
          return;
        }
        const st = struct.exec(line);
        if (st !== null) {
          if (wantedSet.has(st[1] ?? '')) add(st[1] ?? '', { file: rel, line: ln + 1, how: 'struct' });
          return;
        }
        const en = enumerator.exec(line);
        if (en !== null && wantedSet.has(en[1] ?? '')) add(en[1] ?? '', { file: rel, line: ln + 1, how: 'enumerator' });
      });
    }
  }
  return { seen, defs };
}

function relative(file: string, h: LinuxHeaders): string {
  for (const base of [h.sourceDir, h.buildDir]) {
    if (file.startsWith(base + '/')) return file.slice(base.length + 1);
  }
  return file;
}
