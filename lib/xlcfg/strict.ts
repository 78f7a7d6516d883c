// Checks xl itself does not make but a user wants: a misspelled coco option
// (xl ignores unknown keys, so `coco_polcy = 0x1` silently means the default
// policy), a key assigned twice (xl silently keeps the last), and a file with
// no settings at all.
import type { XlConfig } from './parse.ts';
import type { CocoRules } from './ruleset.ts';
import type { CheckError } from './settings.ts';
import { didYouMean } from '../text.ts';

export function strictChecks(cfg: XlConfig, rules: CocoRules): CheckError[] {
  const errors: CheckError[] = [];
  if (cfg.settings.size === 0) {
    errors.push({ option: '-', rule: 'xen-sev', message: 'the file sets nothing (empty, or only comments): not a domain configuration' });
    return errors;
  }
  const known = ['coco', ...rules.options.map((o) => o.key)];
  for (const [key, s] of cfg.settings) {
    if (!key.startsWith('coco') || known.includes(key)) continue;
    const near = didYouMean(key, known);
    errors.push({
      option: key,
      rule: 'xen-sev',
      message: `line ${s.line}: unknown option ${key} (xl would ignore it); ${near !== null ? `did you mean ${near}?` : `the coco options are ${known.join(', ')}`}`,
    });
  }
  for (const [key, lines] of cfg.duplicates) {
    errors.push({ option: key, rule: 'xen-sev', message: `${key} is set ${lines.length} times (lines ${lines.join(', ')}); xl would silently use the last one` });
  }
  return errors;
}
