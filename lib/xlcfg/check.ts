// `xen-sev xlcfg check`: parse an xl.cfg and apply the coco rule set, the xl
// parser's checks first and then libxl's, collecting every error.
import type { EModel } from '../../generators/elaborate/model.ts';
import { parseXlConfig } from './parse.ts';
import { resolveCocoRules, type CocoRules } from './ruleset.ts';
import { readSettings, type CheckError } from './settings.ts';
import { strictChecks } from './strict.ts';
import { validateSettings } from './validate.ts';

export interface CheckResult {
  ok: boolean;
  errors: CheckError[];
}

let cachedRules: { model: EModel; rules: CocoRules } | undefined;

export function rulesFor(model: EModel): CocoRules {
  if (cachedRules?.model !== model) cachedRules = { model, rules: resolveCocoRules(model) };
  return cachedRules.rules;
}

/** Throws XlParseError (a UserError with file:line:col) when the text is not xl.cfg. */
export function checkXlConfigText(text: string, source: string, rules: CocoRules): CheckResult {
  const cfg = parseXlConfig(text, source);
  const errors: CheckError[] = strictChecks(cfg, rules);
  const settings = readSettings(cfg, rules, errors);
  errors.push(...validateSettings(settings, rules));
  return { ok: errors.length === 0, errors };
}
