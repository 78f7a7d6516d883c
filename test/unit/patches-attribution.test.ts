// Attribution (Xen's docs/process/sending-patches.pandoc): a Signed-off-by is
// a person's DCO certification, so a commit message carries one only for the
// identity asked for, and the CLI's help says how to ask.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitMessage } from '../../lib/patches/commit-message.ts';
import { REPO_ROOT } from '../../lib/paths.ts';

describe('patch attribution', () => {
  it('writes no Signed-off-by unless one is asked for', () => {
    const msg = commitMessage('x86/svm: subject', ['Why.'], null, ['Jan Beulich <jbeulich@suse.com>']);
    expect(msg).toBe('x86/svm: subject\n\nWhy.\n\nCc: Jan Beulich <jbeulich@suse.com>\n');
    expect(commitMessage('x86/svm: subject', ['Why.'], null)).toBe('x86/svm: subject\n\nWhy.\n');
  });

  it("writes exactly the requested person's Signed-off-by before the Cc lines", () => {
    const msg = commitMessage('x86/svm: subject', ['Why.'], { name: 'Ada Lovelace', email: 'ada@example.org' }, ['A <a@example.org>']);
    expect(msg).toBe('x86/svm: subject\n\nWhy.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\nCc: A <a@example.org>\n');
  });

  it('--help offers --author and --signoff and says what signing off means', async () => {
    const r = await execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'patches', '--help']);
    expect(r.stdout).toMatch(/--author <identity>/);
    expect(r.stdout).toMatch(/--signoff \[identity\]/);
    expect(r.stdout).toMatch(/DCO/);
  });
});
