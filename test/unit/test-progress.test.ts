// Long test steps report progress while they run (test/helpers/progress.ts):
// a step line reaches stderr before the command has finished, not at the end.
import { describe, expect, it } from 'vitest';
import { runWithProgress } from '../helpers/progress.ts';

describe('progress of long test steps', () => {
  it('passes step lines on as they come, and still returns all the output', async () => {
    const seen: { line: string; at: number }[] = [];
    const t0 = Date.now();
    const script = 'echo "xen-check: ok   step one"; echo "make noise"; echo "xen-check: ok   step two" >&2; sleep 1; echo "xen-check: PASS"';
    const r = await runWithProgress('sh', ['-c', script], { reject: false }, { show: (l) => l.startsWith('xen-check: '), write: (line) => seen.push({ line, at: Date.now() - t0 }) });
    const ended = Date.now() - t0;
    expect(r.exitCode).toBe(0);
    expect(seen.map((s) => s.line)).toEqual(['xen-check: ok   step one', 'xen-check: ok   step two', 'xen-check: PASS']);
    // The first steps arrived a second before the end (the sleep), not with it.
    expect(seen[0]!.at).toBeLessThan(ended - 500);
    expect(r.all).toContain('make noise');
  });
});
