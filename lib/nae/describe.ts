// Readable and JSON forms of the NAE/AE table (`nae list`).
import { hex } from '../../generators/emit/common.ts';
import { naeTables, type NaeTables } from './table.ts';

export function listJson(t: NaeTables = naeTables()) {
  const nae = t.nae.map((e) => ({
    name: e.name,
    exit_code: hex(e.exitCode),
    kind: 'nae' as const,
    snp_only: e.snpOnly,
    min_version: e.minVersion,
    feature: e.src.feature ?? null,
    inputs: {
      required: e.required.map((f) => f.name),
      conditional: e.conditional.map((c) => ({ fields: c.fields.map((f) => f.name), when: c.when.text, ...(c.guestRule ? { guest_rule: c.guestRule } : {}) })),
      optional: e.optional.map((f) => f.name),
    },
    exit_info_1: e.src.exitInfo1,
    exit_info_2: e.src.exitInfo2,
    scratch: e.scratch ? { kind: e.scratch.kind, direction: e.scratch.direction, length: e.scratch.length, ...(e.scratch.when ? { when: e.scratch.when.text } : {}) } : null,
    rules: e.rules,
    outputs: e.outputs.map((f) => f.name),
    output_exit_info_2: e.src.outputs.exitInfo2,
    errors: e.src.errors.map((x) => `GHCB_ERR_${x}`),
    ...(e.src.otherResponses ? { other_responses: e.src.otherResponses } : {}),
    ...(e.src.kvm ? { kvm: e.src.kvm } : {}),
  }));
  const ae = t.ae.map((a) => ({ name: a.name, exit_code: hex(a.exitCode), kind: 'ae' as const, nature: a.nature, description: a.description }));
  const none = t.all.filter((c) => c.kind === 'none').map((c) => ({ name: c.name, exit_code: hex(c.exitCode), kind: 'none' as const, why: c.why }));
  return { events: [...nae, ...ae, ...none] };
}

export function listText(t: NaeTables = naeTables()): string {
  const lines: string[] = ['Non-automatic events (the guest asks through the GHCB and VMGEXIT):', ''];
  const w = Math.max(...t.nae.map((e) => e.name.length));
  for (const e of t.nae) {
    const inputs = [
      ...e.required.map((f) => f.name),
      ...e.conditional.map((c) => `${c.fields.map((f) => f.name).join('+')} if ${c.when.text}`),
    ];
    const flags = [e.snpOnly ? 'SNP' : 'ES', `v${e.minVersion}+`, ...(e.src.feature ? [`feature ${e.src.feature}`] : [])].join(' ');
    lines.push(`  ${hex(e.exitCode).padEnd(12)} ${e.name.padEnd(w)}  ${flags.padEnd(14)} in: ${inputs.join(', ') || '-'}; out: ${e.outputs.map((f) => f.name).join(', ') || '-'}${e.scratch ? `; scratch: ${e.scratch.kind}` : ''}`);
  }
  lines.push('', 'Automatic exits (reach the hypervisor directly; the GHCB is not involved):', '');
  for (const a of t.ae) lines.push(`  ${hex(a.exitCode).padEnd(20)} ${a.name.padEnd(26)} ${a.nature.padEnd(12)} ${a.description}`);
  const none = t.all.filter((c) => c.kind === 'none');
  lines.push('', `Neither (${none.length} codes: intercepts with no GHCB event, or not exits at all): ${none.map((c) => c.name).join(', ')}`);
  return lines.join('\n');
}
