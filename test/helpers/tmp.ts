// Temporary directories of a test file, removed when the file's tests end
// (test/helpers/tmp-cleanup.ts registers the hook for every file), so a run
// of the suite leaves nothing behind in $TMPDIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh directory $TMPDIR/xen-sev-<prefix>-XXXXXX, removed after the test file. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xen-sev-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory testTempDir() made so far. */
export function removeTestTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
