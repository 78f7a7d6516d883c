// xen-sev msr decode|encode|list: the GHCB MSR protocol, with the generated codec.
import type { Command } from 'commander';
import type { EModel } from '../../../generators/elaborate/model.ts';
import { projectModel } from '../../../generators/model.ts';
import { decodeGhcbMsr, encodeGhcbMsr, GHCB_MSR_MESSAGES, type GhcbMsrMessage } from '../../../generated/ts/ghcb-msr-codec.ts';
import { UserError } from '../../errors.ts';
import { bitGroup, enumName, enumValue } from '../../ghcb/names.ts';
import { maxOfBits, parseUnsigned } from '../../numbers.ts';
import { quoteArg } from '../../text.ts';

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

function parseU64(text: string, what: string): bigint {
  return parseUnsigned(text, maxOfBits(64), what);
}

/** A message by schema name (ghcb_msr_cpuid_req), GHCBInfo name (CPUID_REQ), short name (cpuid_req) or code (0x004). */
function findMessage(name: string): GhcbMsrMessage {
  const n = name.toLowerCase().replace(/-/g, '_');
  const m = GHCB_MSR_MESSAGES.find(
    (x) => x.layout === n || `ghcb_msr_${n}` === x.layout || x.info?.toLowerCase() === n || (/^(0x)?[0-9a-f]+$/.test(n) && x.code === Number(n.startsWith('0x') ? n : `0x${n}`)),
  );
  if (!m) throw new UserError(`msr encode: no message ${quoteArg(name)} (see \`xen-sev msr list\`)`);
  return m;
}

/** The name of a field's value: its enum, or a reason code named by its reason code set. */
function fieldMeaning(model: EModel, m: GhcbMsrMessage | null, name: string, v: bigint, whole: bigint): string | null {
  const layout = m === null ? undefined : model.layouts.get(m.layout);
  if (layout === undefined) {
    const f = m?.fields.find((x) => x.name === name);
    return f?.enum ? enumName(model.groups.get(f.enum), v) : null;
  }
  return enumName(bitGroup(model, layout, name, whole), v);
}

export function msrCommand(program: Command): void {
  const msr = program.command('msr').description('GHCB MSR protocol values: decode, encode, list the messages');

  msr
    .command('decode')
    .description('split a GHCB MSR value into its message and fields')
    .argument('<value>', '64-bit value, decimal or 0x-hex')
    .option('--json', 'print JSON')
    .action((text: string, opts: { json?: boolean }) => {
      const model = projectModel();
      const d = decodeGhcbMsr(parseU64(text, 'msr decode'));
      const meanings = Object.fromEntries(
        Object.entries(d.fields)
          .map(([k, v]) => [k, fieldMeaning(model, d.message, k, v, d.value)] as const)
          .filter(([, m]) => m !== null),
      );
      if (opts.json) {
        console.log(
          JSON.stringify({
            value: hex(d.value),
            code: hex(d.code),
            info: d.message?.info ?? null,
            message: d.message?.layout ?? null,
            direction: d.message?.direction ?? null,
            fields: Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k, hex(v)])),
            field_names: meanings,
          }),
        );
        return;
      }
      const head = d.message
        ? `${hex(d.value)}: ${d.message.info ?? d.message.layout} (${d.message.layout}, ${d.message.direction}, GHCBInfo ${hex(d.code)})`
        : `${hex(d.value)}: unknown GHCBInfo code ${hex(d.code)}`;
      const lines = [head];
      const bits = (k: string) => {
        const f = d.message?.fields.find((x) => x.name === k);
        return f ? (f.msb === f.lsb ? `${f.lsb}` : `${f.msb}:${f.lsb}`) : k === 'ghcb_info' ? '11:0' : '63:12';
      };
      for (const [k, v] of Object.entries(d.fields)) {
        const m = meanings[k];
        lines.push(`  ${bits(k).padStart(5)}  ${k.padEnd(16)} ${hex(v)}${m ? `  ${m}` : ''}`);
      }
      const reservedSet = d.message?.fields.filter((f) => f.reserved && d.fields[f.name] !== 0n) ?? [];
      for (const f of reservedSet) lines.push(`warning: reserved bits ${f.msb}:${f.lsb} are not zero`);
      console.log(lines.join('\n'));
    });

  msr
    .command('encode')
    .description('build a GHCB MSR value: msr encode cpuid_req function=0x8000001f reg=1')
    .argument('<name>', 'message: ghcb_msr_cpuid_req, CPUID_REQ, cpuid_req or its code')
    .argument('[fields...]', 'field=value pairs; fields not given are 0, GHCBInfo is the code')
    .option('--json', 'print JSON')
    .action((name: string, pairs: string[], opts: { json?: boolean }) => {
      const model = projectModel();
      const m = findMessage(name);
      const layout = model.layouts.get(m.layout);
      const fields: Record<string, bigint> = {};
      const named: [string, string][] = [];
      for (const p of pairs) {
        const eq = p.indexOf('=');
        if (eq <= 0) throw new UserError(`msr encode: ${quoteArg(p)} is not field=value`);
        const k = p.slice(0, eq);
        const f = m.fields.find((x) => x.name === k);
        if (!f) throw new UserError(`msr encode: ${m.layout} has no field ${quoteArg(k)} (fields: ${m.fields.map((x) => x.name).join(', ')})`);
        const text = p.slice(eq + 1);
        // A name as `msr decode` prints it (reg=ebx, reason_set=LINUX) is resolved below, once the other fields are known.
        if (/^[a-z_][a-z0-9_-]*$/i.test(text.trim()) && layout !== undefined) named.push([k, text.trim()]);
        else fields[k] = parseU64(text, `msr encode: ${k}`);
      }
      // Enum fields first: a reason code's names depend on the reason code set.
      named.sort(([a], [b]) => (layout!.bits.find((x) => x.name === a)?.enum ? 0 : 1) - (layout!.bits.find((x) => x.name === b)?.enum ? 0 : 1));
      for (const [k, text] of named) {
        const partial = layout!.bits.reduce((acc, b) => acc | ((fields[b.name] ?? 0n) << BigInt(b.lsb)), 0n);
        const group = bitGroup(model, layout!, k, partial);
        const v = enumValue(group, text);
        if (v === null) {
          const names = group?.values.map((x) => x.name).join(', ');
          throw new UserError(`msr encode: ${k}: ${quoteArg(text)} is not a number${names ? ` or a name (${names})` : ''}`);
        }
        fields[k] = v;
      }
      let value: bigint;
      try {
        value = encodeGhcbMsr(m.layout, fields);
      } catch (e) {
        if (e instanceof RangeError) throw new UserError(`msr encode: ${e.message}`);
        throw e;
      }
      console.log(opts.json ? JSON.stringify({ value: hex(value), message: m.layout, info: m.info }) : hex(value));
    });

  msr
    .command('list')
    .description('list the GHCB MSR protocol messages the schema defines')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        console.log(JSON.stringify(GHCB_MSR_MESSAGES.map((m) => ({ code: hex(m.code), info: m.info, message: m.layout, direction: m.direction, fields: m.fields.filter((f) => !f.reserved && f.name !== 'ghcb_info').map((f) => f.name) }))));
        return;
      }
      const lines = GHCB_MSR_MESSAGES.map((m) => {
        const fields = m.fields.filter((f) => !f.reserved && f.name !== 'ghcb_info').map((f) => `${f.name}[${f.msb}:${f.lsb}]`);
        return `${hex(m.code).padEnd(6)} ${(m.info ?? '').padEnd(20)} ${m.direction.padEnd(9)} ${fields.join(' ')}`.trimEnd();
      });
      console.log(lines.join('\n'));
    });
}
