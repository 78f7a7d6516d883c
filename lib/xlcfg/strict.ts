// Checks xl itself does not make but a user wants: a misspelled coco option
// (xl ignores unknown keys, so `coco_polcy = 0x1` silently means the default
// policy), a key assigned twice (xl silently keeps the last), and a file with
// no settings at all.
import type { XlConfig } from './parse.ts';
import type { CocoRules } from './ruleset.ts';
import type { CheckError } from './settings.ts';

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `known` to `name` when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | null {
  let best: { k: string; d: number } | null = null;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (best === null || d < best.d) best = { k, d };
  }
  return best !== null && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.k : null;
}

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
