// Bounded file input for the firmware commands (sequences, logs).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.ts';

/** Read at most `limit` bytes of a file ('-' is stdin); larger input is an error naming the file. */
export function readBounded(file: string, limit: number): Buffer {
  const name = file === '-' ? 'stdin' : file;
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new UserError(`${name}: cannot read: ${why}`);
  }
  try {
    if (file !== '-') {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new UserError(`${name}: cannot read: is a directory`);
      if (st.isFile() && st.size > limit) throw new UserError(`${name}: ${st.size} bytes, more than the ${limit}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(65536);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw new UserError(`${name}: cannot read: ${(e as Error).message}`);
      }
      if (n === 0) break;
      total += n;
      if (total > limit) throw new UserError(`${name}: more than the ${limit}-byte limit`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  } finally {
    if (file !== '-') closeSync(fd);
  }
}
