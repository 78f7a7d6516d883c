// Bounded reads and atomic writes for everything the CLI reads or writes on a
// user's behalf. Every read stops at a cap (a GHCB page is 4 KiB; configs and
// XML are small), so /dev/zero or a wrong file fails at once instead of
// filling memory; every failure is a UserError that names the cause in words
// (no raw errno text) and leaves no temporary file.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.ts';

/** Input caps: generous for what each input really is, small enough to fail fast. */
export const CAPS = {
  /** A GHCB page as raw bytes (4096) or as a text dump (hex, xxd, hexdump -C, od): at most ~25 KiB in any of them. */
  page: 64 * 1024,
  /** A JSON page description (`ghcb decode --json` output, at most a few KiB). */
  pageJson: 1024 * 1024,
  /** An xl.cfg (a 4 KiB ID auth in base64 is the largest coco value). */
  xlcfg: 1024 * 1024,
  /** A libvirt domain XML. */
  xml: 4 * 1024 * 1024,
  /** A coverage report written by `coverage --json` (about 1 MiB today). */
  report: 64 * 1024 * 1024,
} as const;

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'busy',
  ETXTBSY: 'busy',
  EIO: 'input/output error',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'cannot be read as a file',
  EAGAIN: 'would block',
  EFBIG: 'file too large',
};

/** An errno error in words: "permission denied", not "EACCES: permission denied, open '...'". */
export function errnoWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return WORDS[code] ?? `system error ${code}`;
  return 'unexpected error';
}

/** True for the errors of the file system (as opposed to bugs). */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

export function sizeWords(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** What a read over its cap says. */
export function tooLarge(max: number): string {
  return `larger than ${sizeWords(max)}`;
}

/**
 * Reads at most `max` bytes of `path`; more is an error (the file is never
 * read further). `fail(why)` builds the error for a cause in words.
 */
export function readBoundedSync(path: string, max: number, fail: (why: string) => Error): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fail(errnoWords(e));
  }
  try {
    if (fstatSync(fd).isDirectory()) throw fail('is a directory');
    const buf = Buffer.allocUnsafe(max + 1);
    let got = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, got, buf.length - got, null);
      } catch (e) {
        throw fail(errnoWords(e));
      }
      if (n === 0) break;
      got += n;
      if (got > max) throw fail(tooLarge(max));
    }
    return Buffer.from(buf.subarray(0, got));
  } finally {
    closeSync(fd);
  }
}

/** Like readBoundedSync, for stdin ("-") read as a stream (a pipe from node is non-blocking). */
export async function readBoundedStdin(max: number, fail: (why: string) => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got > max) break;
    }
  } catch (e) {
    throw fail(errnoWords(e));
  }
  if (got > max) {
    process.stdin.destroy();
    throw fail(tooLarge(max));
  }
  return Buffer.concat(chunks);
}

/** A file, or stdin for "-", read with a cap. */
export async function readBounded(file: string, max: number, fail: (why: string) => Error): Promise<Buffer> {
  return file === '-' ? readBoundedStdin(max, fail) : readBoundedSync(file, max, fail);
}

/**
 * Writes the whole file or nothing: a temporary sibling, renamed over the
 * target. A directory as target, an unwritable directory or a full disk is a
 * UserError naming the file and the cause; the temporary file is removed.
 */
export function writeAtomically(path: string, data: string | Uint8Array, what: string): void {
  const fail = (why: string) => new UserError(`${what}: cannot write ${path}: ${why}`);
  try {
    if (statSync(path).isDirectory()) throw fail('is a directory');
  } catch (e) {
    if (e instanceof UserError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(errnoWords(e));
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'its directory does not exist' : errnoWords(e));
  }
}
