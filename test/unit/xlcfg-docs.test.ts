// docs/coco.md (README text) stays in step with the rule set: every option
// documented, the defaults it states are the schema's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { rulesFor } from '../../lib/xlcfg/check.ts';
import { checkXlConfigText } from '../../lib/xlcfg/check.ts';

const doc = readFileSync(join(REPO_ROOT, 'docs/coco.md'), 'utf8');
const rules = rulesFor(projectModel());

describe('docs/coco.md', () => {
  it('documents every option with its blob size', () => {
    for (const o of rules.options) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${o.key} =`));
      expect(row, o.key).toBeDefined();
      if (o.type === 'base64') expect(row).toContain(`(${o.size} bytes)`);
    }
  });

  it('states the default policies of the schema', () => {
    for (const k of rules.kinds) if (k.policy) expect(doc).toContain(`\`0x${k.policy.defaultValue.toString(16)}\` ${k.name}`);
  });

  it('its encrypted-qube example passes the checker', () => {
    const example = /### An encrypted qube[\s\S]*?```\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(checkXlConfigText(example, 'docs/coco.md', rules)).toEqual({ ok: true, errors: [] });
  });
});
