// What xl hands to libxl: the coco settings as libxl_domain_build_info holds
// them, read from a parsed xl.cfg with xl's own rules (xlu_cfg_get_long is
// strtol base 0, booleans are numbers, `type` matches by prefix).
import type { RuleId } from '../../schema/coco-model.ts';
import { fillMessage } from './messages.ts';
import type { CocoRules, ResolvedOption } from './ruleset.ts';
import { kindList } from './ruleset.ts';
import type { XlConfig, XlSetting } from './parse.ts';

export type DomainType = 'hvm' | 'pv' | 'pvh';

/** libxl's view: null is "not given" (NULL, LIBXL_COCO_POLICY_DEFAULT, 0, a default defbool). */
export interface CocoSettings {
  kind: string;
  type: DomainType;
  /** The firmware after libxl's defaults (SeaBIOS for HVM unless told). */
  bios: string;
  values: Map<string, bigint | number | boolean | string>;
}

export interface CheckError {
  option: string;
  message: string;
  /** 'xl': xl's own parsing; 'xen-sev': a check of this tool that xl does not make (typos, duplicates). */
  rule: RuleId | 'xl' | 'xen-sev';
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** strtol(s, &end, 0) with libxlu's checks: the whole text, in range; null otherwise. */
export function xlLong(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const digits = m[2]!;
  const mag = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const v = m[1] === '-' ? -mag : mag;
  return v < LONG_MIN || v > LONG_MAX ? null : v;
}

const BIOS_NAMES = ['unknown', 'rombios', 'seabios', 'ovmf'];

/** Reads the coco options plus type/bios the way xl_parse.c does; parse errors go to `errors`. */
export function readSettings(cfg: XlConfig, rules: CocoRules, errors: CheckError[]): CocoSettings {
  const msg = (id: RuleId, vars: Record<string, string>) => fillMessage(rules.messages[id], vars);
  const atom = (key: string): string | null => {
    const s = cfg.settings.get(key);
    if (s === undefined) return null;
    if (s.value.kind !== 'atom') {
      errors.push({ option: key, rule: key.startsWith('coco') ? 'parse_single' : 'xl', message: msg('parse_single', { option: key }) });
      return null;
    }
    return s.value.text;
  };

  let type: DomainType | null = null;
  const typeText = atom('type');
  if (typeText !== null) {
    // xl compares with strncmp(buf, name, strlen(buf)): any prefix selects.
    type = (['hvm', 'pv', 'pvh'] as const).find((t) => t.startsWith(typeText)) ?? null;
    if (type === null) errors.push({ option: 'type', rule: 'xl', message: `Invalid domain type ${typeText}.` });
  }
  const builder = atom('builder');
  if (builder !== null && typeText === null) {
    if ('hvm'.startsWith(builder)) type = 'hvm';
    else if ('generic'.startsWith(builder)) type = 'pv';
    else errors.push({ option: 'builder', rule: 'xl', message: `Invalid domain type ${builder}.` });
  }
  type ??= 'pv';

  let bios = rules.config.bios.default;
  const biosText = type === 'hvm' ? atom('bios') : null;
  if (biosText !== null) {
    const b = BIOS_NAMES.find((n) => n === biosText.toLowerCase());
    if (b === undefined) errors.push({ option: 'bios', rule: 'xl', message: `invalid value "${biosText}" for "bios"` });
    else if (b !== 'unknown') bios = b;
  }

  let kind = 'none';
  const kindText = atom('coco');
  if (kindText !== null) {
    if (rules.kinds.some((k) => k.name === kindText)) kind = kindText;
    else errors.push({ option: 'coco', rule: 'parse_kind', message: msg('parse_kind', { value: kindText, kinds: kindList(rules.kinds.map((k) => k.name)) }) });
  }

  const values = new Map<string, bigint | number | boolean | string>();
  for (const o of rules.options) {
    const text = atom(o.key);
    if (text === null) continue;
    const v = readOption(o, text, cfg.settings.get(o.key)!, msg, errors);
    if (v !== null) values.set(o.key, v);
  }
  return { kind, type, bios, values };
}

function readOption(
  o: ResolvedOption,
  text: string,
  _setting: XlSetting,
  msg: (id: RuleId, vars: Record<string, string>) => string,
  errors: CheckError[],
): bigint | number | boolean | string | null {
  if (o.type === 'base64') return text;
  const n = xlLong(text);
  if (n === null) {
    errors.push({ option: o.key, rule: 'parse_number', message: msg('parse_number', { option: o.key, value: text }) });
    return null;
  }
  if (o.type === 'boolean') return n !== 0n;
  if (o.type === 'policy') {
    if (n < 0n) {
      errors.push({ option: o.key, rule: 'parse_negative', message: msg('parse_negative', { option: o.key, value: n.toString() }) });
      return null;
    }
    return n;
  }
  if (n < BigInt(o.min) || n > BigInt(o.max)) {
    errors.push({ option: o.key, rule: 'parse_range', message: msg('parse_range', { option: o.key, value: n.toString(), min: String(o.min), max: String(o.max) }) });
    return null;
  }
  return Number(n);
}
