// `nae simulate`: one round trip through the guest model, the hypervisor
// model and back, as a readable trace.
import { GhcbView } from '../../generated/ts/ghcb-codec.ts';
import { hex } from '../../generators/emit/common.ts';
import { ModelBackend } from './backend.ts';
import { buildRequest, consumeResponse, defaultVcpu, type Completion, type GuestRequest, type Vcpu } from './guest.ts';
import { GhcbErr, handleVmgexit, type Outcome } from './hypervisor.ts';
import { naeTables } from './table.ts';

export interface SimulateOptions {
  event: string;
  snp: boolean;
  osxsave: boolean;
  regs: Partial<Record<keyof Vcpu['regs'], bigint | undefined>>;
  exitInfo1?: bigint | undefined;
  exitInfo2?: bigint | undefined;
  data?: Uint8Array | undefined;
  len?: number | undefined;
}

export interface Trip {
  cpu: Vcpu;
  request: Record<string, string>;
  outcome: Outcome;
  response: Record<string, string>;
  completion: Completion;
  json: Record<string, unknown>;
}

/** Every field whose valid bit is set, plus the page header. */
function validFields(page: Uint8Array): Record<string, string> {
  const t = naeTables();
  const v = new GhcbView(page);
  const dv = new DataView(page.buffer, page.byteOffset, 4096);
  const out: Record<string, string> = {};
  for (const f of [...t.fields.values()].sort((a, b) => a.validBit - b.validBit)) {
    if (!v.isValid(f.validBit)) continue;
    out[f.name] = f.name === 'cpl' ? hex(v.cpl) : hex(dv.getBigUint64(f.offset, true));
  }
  return out;
}

const jsonable = (x: unknown): unknown =>
  typeof x === 'bigint' ? hex(x) : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : Array.isArray(x) ? x.map(jsonable) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, jsonable(v)])) : x;

export function simulate(o: SimulateOptions): Trip {
  const cpu = defaultVcpu(o.snp);
  cpu.osxsave = o.osxsave;
  for (const [k, v] of Object.entries(o.regs)) if (v !== undefined) cpu.regs[k as keyof Vcpu['regs']] = v;
  // MMIO Read/Write: sw_exit_info_2 is the access length (the NAE table), so --len (or the data written) sets it.
  const mmio = naeTables().nae.find((e) => e.name === o.event)?.scratch?.kind === 'mmio';
  const mmioLen = mmio ? (o.len ?? o.data?.length) : undefined;
  const exitInfo2 = o.exitInfo2 ?? (mmioLen === undefined ? undefined : BigInt(mmioLen));
  const req: GuestRequest = { event: o.event, exitInfo1: o.exitInfo1, exitInfo2, scratch: o.data, scratchLen: o.len };
  const page = new Uint8Array(4096);
  const ev = buildRequest(page, cpu, req);
  const request = { protocol_version: String(new GhcbView(page).protocolVersion), ...validFields(page) };
  const outcome = handleVmgexit(page, cpu.ghcbGpa, { snp: o.snp, registeredGpa: cpu.ghcbGpa }, new ModelBackend());
  const response = outcome.verdict === 'terminate' ? {} : validFields(page);
  const completion = consumeResponse(page, ev, req);
  return {
    cpu,
    request,
    outcome,
    response,
    completion,
    json: {
      event: ev.name,
      exit_code: hex(ev.exitCode),
      guest: o.snp ? 'sev-snp' : 'sev-es',
      request,
      hypervisor: { verdict: outcome.verdict, violation: outcome.violation, exit_info_1: outcome.exitInfo1 === null ? null : hex(outcome.exitInfo1), exit_info_2: outcome.exitInfo2 === null ? null : hex(outcome.exitInfo2) },
      response,
      completion: outcome.verdict === 'terminate' ? { kind: 'terminated' } : completion.kind === 'error' ? { ...(jsonable(completion) as object), reason_name: errName(completion.reason) } : jsonable(completion),
    },
  };
}

/** GHCB_ERR_<NAME> for a MALFORMED_INPUT reason, or null for a number the spec does not define. */
export function errName(reason: number): string | null {
  const e = Object.entries(GhcbErr).find(([, v]) => v === reason);
  return e === undefined ? null : `GHCB_ERR_${e[0]}`;
}

export function simulateText(t: Trip): string {
  const j = t.json as { event: string; exit_code: string; guest: string };
  const kv = (r: Record<string, string>) => Object.entries(r).map(([k, v]) => `    ${k.padEnd(16)} ${v}`);
  const lines = [`${j.event} (${j.exit_code}), ${j.guest} guest, GHCB at ${hex(t.cpu.ghcbGpa)}`, '', '1. guest #VC handler fills the GHCB (valid fields):', ...kv(t.request), ''];
  const o = t.outcome;
  lines.push('2. hypervisor: snapshot, validate, dispatch:');
  if (o.verdict === 'malformed') lines.push(`    MALFORMED_INPUT: GHCB_ERR_${o.violation!.code} (${o.violation!.message})`);
  else if (o.verdict === 'exception') lines.push(`    ISSUE_EXCEPTION: event injection ${hex(o.exitInfo2!)}`);
  else if (o.verdict === 'terminate') lines.push('    the guest asked to be terminated (or reported an unsupported event): no response');
  else lines.push('    NO_ACTION: handled');
  if (o.verdict !== 'terminate') lines.push('', '3. response (valid fields):', ...kv(t.response));
  const c = t.completion;
  lines.push('', `${o.verdict === 'terminate' ? '3' : '4'}. guest completes the #VC:`);
  if (o.verdict === 'terminate') lines.push('    (none: the guest is gone)');
  else if (c.kind === 'done') {
    const regs = Object.entries(c.regs).map(([k, v]) => `${k} = ${hex(v!)}`);
    lines.push(`    ${regs.length ? regs.join(', ') : 'no registers returned'}; sw_exit_info_2 = ${hex(c.exitInfo2)}${c.scratch ? `; shared buffer: ${Buffer.from(c.scratch).toString('hex')}` : ''}`);
  } else if (c.kind === 'exception') lines.push(`    raise exception vector ${c.vector}`);
  else if (c.kind === 'error') lines.push(`    the request failed: ${errName(c.reason) ?? 'undefined reason'} (${c.reason}); Linux terminates the guest`);
  else lines.push(`    unknown response ${hex(c.exitInfo1)}`);
  return lines.join('\n');
}
