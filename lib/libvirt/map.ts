// libvirt's <launchSecurity> <-> the xl.cfg coco options, both ways, driven by
// the libvirt names in schema/coco-config.ts. libvirt has one type 'sev' for
// SEV and SEV-ES (the ES policy bit tells them apart) and 'sev-snp'.
import { UserError } from '../errors.ts';
import { quoteArg } from '../text.ts';
import { parseXlConfig } from '../xlcfg/parse.ts';
import type { CocoRules, ResolvedKind, ResolvedOption } from '../xlcfg/ruleset.ts';
import { readSettings, type CheckError } from '../xlcfg/settings.ts';
import { strictChecks } from '../xlcfg/strict.ts';
import { validateSettings } from '../xlcfg/validate.ts';
import { child, escapeXml, parseXml, type XmlElement } from './xml.ts';

export interface ToXlResult {
  /** xl.cfg lines (type, bios, coco and the coco_* options). */
  text: string;
  kind: string;
}

function launchSecurity(root: XmlElement, source: string): XmlElement {
  if (root.name === 'launchSecurity') return root;
  if (root.name === 'domain') {
    const ls = child(root, 'launchSecurity');
    if (ls) return ls;
    throw new UserError(`${source}: the domain has no <launchSecurity>: nothing to map`);
  }
  throw new UserError(`${source}: expected a <domain> or <launchSecurity> document, found <${root.name}>`);
}

/** libvirt's hexuint: hex digits with an optional 0x, read as hex either way. */
function parseHex(text: string, where: string): bigint {
  const m = /^(0[xX])?([0-9a-fA-F]{1,16})$/.exec(text.trim());
  if (!m) throw new UserError(`${where}: '${text}' is not a hexadecimal number`);
  return BigInt(`0x${m[2]}`);
}

function policyFits(k: ResolvedKind, policy: bigint): boolean {
  const p = k.policy!;
  return p.required.every((b) => (policy & b.mask) !== 0n) && p.forbidden.every((b) => (policy & b.mask) === 0n);
}

function xlValue(o: ResolvedOption, v: bigint | number | boolean | string): string {
  if (o.type === 'policy') return `0x${(v as bigint).toString(16)}`;
  if (o.type === 'boolean') return v ? '1' : '0';
  if (o.type === 'base64') return `"${v as string}"`;
  return String(v);
}

export function libvirtToXl(xml: string, source: string, rules: CocoRules): ToXlResult {
  const ls = launchSecurity(parseXml(xml, source), source);
  const where = `${source}: <launchSecurity>`;
  const type = ls.attrs.type;
  const candidates = rules.kinds.filter((k) => rules.config.libvirtTypes[k.name] === type);
  if (candidates.length === 0) {
    const known = [...new Set(Object.values(rules.config.libvirtTypes))].map((t) => `'${t}'`).join(', ');
    throw new UserError(`${where}: type '${type ?? ''}' has no Xen equivalent (known: ${known})`);
  }

  const values = new Map<string, bigint | number | boolean | string>();
  const notes: string[] = [];
  const used = new Set<string>();
  for (const o of rules.options) {
    if ('attribute' in o.libvirt) {
      const a = ls.attrs[o.libvirt.attribute];
      if (a === undefined) continue;
      if (a !== 'yes' && a !== 'no') throw new UserError(`${where}: ${o.libvirt.attribute}='${a}' must be 'yes' or 'no'`);
      values.set(o.key, a === 'yes');
      continue;
    }
    const e = child(ls, o.libvirt.element);
    if (e === undefined) continue;
    used.add(e.name);
    const text = e.text.trim();
    const at = `${where} <${e.name}>`;
    if (o.type === 'policy') values.set(o.key, parseHex(text, at));
    else if (o.type === 'integer') {
      if (!/^[0-9]+$/.test(text)) throw new UserError(`${at}: ${quoteArg(text)} is not a number`);
      // Exact: a number past 2^53 would turn into a float (1e+25) in the xl.cfg written.
      const n = text.length > 20 ? null : BigInt(text);
      if (n === null || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new UserError(`${at}: ${quoteArg(text)} is far outside ${o.min}..${o.max}`);
      values.set(o.key, Number(n));
    } else values.set(o.key, text);
  }
  for (const e of ls.children) {
    if (used.has(e.name)) continue;
    const skipped = rules.config.notMirrored.find((n) => n.name.includes(`<${e.name}>`));
    if (skipped === undefined) throw new UserError(`${where}: unknown element <${e.name}>`);
    notes.push(`# libvirt <${e.name}> is not mapped: ${skipped.why}`);
  }
  const known = new Set(['type', ...rules.options.flatMap((o) => ('attribute' in o.libvirt ? [o.libvirt.attribute] : []))]);
  for (const a of Object.keys(ls.attrs)) {
    if (known.has(a)) continue;
    const skipped = rules.config.notMirrored.find((n) => n.name.includes(`libvirt ${a}=`));
    if (skipped === undefined) throw new UserError(`${where}: unknown attribute ${a}`);
    notes.push(`# libvirt ${a}= is not mapped: ${skipped.why}`);
  }

  const policy = values.get('coco_policy') as bigint | undefined;
  const kind = candidates.find((k) => policy === undefined ? k === candidates[0] : policyFits(k, policy)) ?? candidates[0]!;
  const lines = [`type = "${rules.config.domainTypes.required.value}"`, `bios = "${rules.config.bios.required.value}"`, `coco = "${kind.name}"`];
  for (const o of rules.options) {
    const v = values.get(o.key);
    if (v !== undefined) lines.push(`${o.key} = ${xlValue(o, v)}`);
  }
  return { text: `${[...notes, ...lines].join('\n')}\n`, kind: kind.name };
}

/** The <launchSecurity> element for an xl.cfg; the configuration must pass the coco rules. */
export function xlToLibvirt(cfgText: string, source: string, rules: CocoRules): string {
  const cfg = parseXlConfig(cfgText, source);
  const errors: CheckError[] = strictChecks(cfg, rules);
  const s = readSettings(cfg, rules, errors);
  errors.push(...validateSettings(s, rules));
  if (errors.length > 0) throw new UserError(`${source}: ${errors[0]!.message} (${errors.length} error${errors.length > 1 ? 's' : ''}; see \`xen-sev xlcfg check\`)`);
  const kind = rules.kinds.find((k) => k.name === s.kind)!;
  if (kind.policy === null) throw new UserError(`${source}: no coco option: nothing to map`);

  const attrs = [`type='${rules.config.libvirtTypes[kind.name]}'`];
  const elems: string[] = [];
  for (const o of rules.options) {
    let v = s.values.get(o.key);
    if (o.type === 'policy') v ??= kind.policy.defaultValue;
    if (v === undefined || !o.kinds.includes(kind.name)) continue;
    if ('attribute' in o.libvirt) {
      attrs.push(`${o.libvirt.attribute}='${v ? 'yes' : 'no'}'`);
      continue;
    }
    const text = o.type === 'policy' ? `0x${(v as bigint).toString(16).padStart(4, '0')}` : String(v);
    elems.push(`  <${o.libvirt.element}>${escapeXml(text)}</${o.libvirt.element}>`);
  }
  return `<launchSecurity ${attrs.join(' ')}>\n${elems.join('\n')}\n</launchSecurity>\n`;
}
