// The hypervisor side of a VMGEXIT: snapshot the GHCB page, validate the
// request against the NAE table, dispatch it to a backend and write the
// response. The guest can change the live page at any time, so every decision
// and every value passed on is taken from the snapshot; the live page is only
// written. The generated C (generators/emit/c-vmgexit) follows the same steps
// in the same order; test/unit/nae-crosstest.test.ts holds the two together.
import { GHCB_SIZE, GhcbView } from '../../generated/ts/ghcb-codec.ts';
import type { Backend } from './backend.ts';
import type { GhcbField } from '../../schema/nae-model.ts';
import { holds, naeTables, type ENaeEvent, type FieldRef, type NaeTables } from './table.ts';
import { checkRule } from './rules.ts';
import { dispatch } from './dispatch.ts';

export const GhcbErr = { NOT_REGISTERED: 1, INVALID_USAGE: 2, INVALID_SCRATCH_AREA: 3, MISSING_INPUT: 4, INVALID_INPUT: 5, INVALID_EVENT: 6 } as const;
export type GhcbErrName = keyof typeof GhcbErr;
export const HvResp = { NO_ACTION: 0, ISSUE_EXCEPTION: 1, MALFORMED_INPUT: 2 } as const;


export interface GuestInfo {
  snp: boolean;
  /**
   * SEV-SNP: the GHCB GPA the guest registered through the MSR protocol.
   * Absent: none registered, and every VMGEXIT is NOT_REGISTERED (fail closed).
   */
  registeredGpa?: bigint;
  /**
   * SEV_FEATURES of the guest's VMSAs: AP_CREATION must pass the same value
   * in RAX (KVM sev_snp_ap_creation). Absent: not known, the check is skipped
   * (only for checking a page offline, like an unknown `ghcbGpa`).
   */
  sevFeatures?: bigint;
}

export interface Violation {
  code: GhcbErrName;
  field: string | null;
  offset: number | null;
  message: string;
}

export type Verdict = 'no_action' | 'exception' | 'malformed' | 'terminate';

export interface Outcome {
  verdict: Verdict;
  event: ENaeEvent | null;
  /** SW_EXITINFO1 written (absent for terminate). */
  exitInfo1: bigint | null;
  exitInfo2: bigint | null;
  violation: Violation | null;
}

/** Where a validated scratch area lives: an offset in the snapshot, or a copy of guest memory. */
export type Scratch = { inGhcb: true; gpa: bigint; offset: number; len: number } | { inGhcb: false; gpa: bigint; len: number; data: Uint8Array };

/** Thrown inside validation and dispatch; deliberately not an Error (no stack capture on the hot path). */
export class Malformed {
  constructor(readonly v: Violation) {}
}

/** A read-only view of the snapshot with the reads the validator needs. */
export class Request {
  readonly view: GhcbView;
  readonly dv: DataView;
  constructor(readonly snap: Uint8Array, readonly t: NaeTables) {
    this.view = new GhcbView(snap);
    this.dv = new DataView(snap.buffer, snap.byteOffset, GHCB_SIZE);
  }
  get(f: FieldRef): bigint {
    return this.dv.getBigUint64(f.offset, true);
  }
  valid(f: FieldRef): boolean {
    return this.view.isValid(f.validBit);
  }
  field(name: GhcbField): FieldRef {
    return this.t.fields.get(name)!;
  }
  /** Bound once per request so hot code can pass them around without creating closures. */
  readonly fieldOf = (name: GhcbField): FieldRef => this.t.fields.get(name)!;
  readonly valueOf = (name: GhcbField): bigint => this.dv.getBigUint64(this.t.fields.get(name)!.offset, true);
}

export function malformed(code: GhcbErrName, f: FieldRef | { name: string; offset: number } | null, message: string): Malformed {
  return new Malformed({ code, field: f?.name ?? null, offset: f?.offset ?? null, message });
}

/**
 * Checks a scratch area of `len` bytes at sw_scratch, without overflow:
 * inside the GHCB page it must lie in the shared buffer; elsewhere it must
 * not exceed the policy limit. Returns null when `ghcbGpa` is unknown.
 */
export function checkScratch(req: Request, len: bigint, ghcbGpa: bigint | null): { inGhcb: boolean; gpa: bigint } | null {
  const f = req.field('sw_scratch');
  const gpa = req.get(f);
  const end = gpa + len;
  // KVM setup_vmgexit_scratch(): "scratch gpa not provided" -> GHCB_ERR_INVALID_SCRATCH_AREA.
  if (gpa === 0n) throw malformed('INVALID_SCRATCH_AREA', f, 'sw_scratch is 0: no scratch area given');
  if (end > 0xffff_ffff_ffff_ffffn) throw malformed('INVALID_SCRATCH_AREA', f, `scratch area 0x${gpa.toString(16)} + ${len} bytes wraps around the address space`);
  if (ghcbGpa === null) return null;
  if ((gpa & ~0xfffn) === ghcbGpa) {
    const lo = ghcbGpa + BigInt(req.t.page.sharedBuffer.start);
    const hi = ghcbGpa + BigInt(req.t.page.sharedBuffer.end);
    if (gpa < lo || end > hi) {
      throw malformed('INVALID_SCRATCH_AREA', f, `scratch area [0x${gpa.toString(16)}, 0x${end.toString(16)}) is in the GHCB page but not inside its shared buffer [0x${lo.toString(16)}, 0x${hi.toString(16)})`);
    }
    return { inGhcb: true, gpa };
  }
  if (len > BigInt(req.t.policy.scratchOutsideLimit)) {
    throw malformed('INVALID_SCRATCH_AREA', f, `scratch area of ${len} bytes outside the GHCB page exceeds the limit of ${req.t.policy.scratchOutsideLimit} bytes`);
  }
  return { inGhcb: false, gpa };
}

/**
 * Every check before dispatch, in the order the C validator applies them.
 * `ghcbGpa` null: the page's address is unknown and scratch bounds are not checked.
 */
export function validate(req: Request, ghcbGpa: bigint | null, guest: GuestInfo, features: bigint): ENaeEvent {
  const t = req.t;
  const v = req.view;
  // SEV-SNP: only the GHCB registered through the MSR protocol is used (AMD 56421 2.3.2; KVM refuses any other GPA).
  if (guest.snp && ghcbGpa !== null && (guest.registeredGpa === undefined || ghcbGpa !== guest.registeredGpa)) {
    const what = guest.registeredGpa === undefined ? 'has registered none' : `registered 0x${guest.registeredGpa.toString(16)}`;
    throw malformed('NOT_REGISTERED', null, `SEV-SNP guest used GHCB at 0x${ghcbGpa.toString(16)}, but ${what}`);
  }
  const usage = v.ghcbUsage;
  if (usage !== 0) throw malformed('INVALID_USAGE', { name: 'ghcb_usage', offset: t.page.ghcbUsage }, `ghcb_usage is ${usage}; only 0 (standard format) is supported`);
  const version = v.protocolVersion;
  const minVersion = guest.snp ? t.policy.snpMinVersion : t.policy.minVersion;
  if (version < minVersion || version > t.policy.maxVersion) {
    throw malformed('INVALID_INPUT', { name: 'protocol_version', offset: t.page.protocolVersion }, `protocol_version ${version} is outside the ${minVersion}..${t.policy.maxVersion} this hypervisor offers${guest.snp ? ' to SEV-SNP guests' : ''}`);
  }
  for (const name of ['sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2'] as const) {
    const f = req.field(name);
    if (!req.valid(f)) throw malformed('MISSING_INPUT', f, `${name} is not marked valid (valid bit ${f.validBit})`);
  }
  const codeField = req.field('sw_exit_code');
  const code = req.get(codeField);
  const ev = t.byCode.get(code);
  const hex = `0x${code.toString(16)}`;
  if (!ev) {
    const known = t.all.find((c) => c.exitCode === code);
    const what = known ? `${known.name} is ${known.kind === 'ae' ? 'an automatic exit' : 'not a GHCB event'}` : 'unknown exit code';
    throw malformed('INVALID_EVENT', codeField, `sw_exit_code ${hex}: ${what}`);
  }
  if (ev.snpOnly && !guest.snp) throw malformed('INVALID_EVENT', codeField, `${ev.name} (${hex}) is for SEV-SNP guests only`);
  if (version < ev.minVersion) throw malformed('INVALID_EVENT', codeField, `${ev.name} needs GHCB protocol version ${ev.minVersion}, the request uses ${version}`);
  if (ev.featureBit !== null && ((features >> BigInt(ev.featureBit)) & 1n) === 0n) {
    throw malformed('INVALID_EVENT', codeField, `${ev.name} needs hypervisor feature ${ev.src.feature}, which is not offered`);
  }
  for (const f of ev.required) if (!req.valid(f)) throw malformed('MISSING_INPUT', f, `${ev.name} needs ${f.name} (valid bit ${f.validBit})`);
  for (const c of ev.conditional) {
    if (!holds(c.when, req.dv.getBigUint64(c.when.offset, true))) continue;
    for (const f of c.fields) if (!req.valid(f)) throw malformed('MISSING_INPUT', f, `${ev.name} needs ${f.name} when ${c.when.text}`);
  }
  for (const r of ev.rules) checkRule(r, req, ev, guest);
  return ev;
}

/** The scratch area an event uses, validated and (outside the GHCB) copied once. */
export function scratchFor(req: Request, ev: ENaeEvent, ghcbGpa: bigint, backend: Backend | null): Scratch | null {
  const s = ev.scratch;
  if (!s) return null;
  if (s.whenE && !holds(s.whenE, req.dv.getBigUint64(s.whenE.offset, true))) return null;
  let len = scratchLength(req, ev);
  if (s.kind === 'psc' && !checkScratch(req, len, ghcbGpa)!.inGhcb) len = BigInt(req.t.psc.descSize);
  const where = checkScratch(req, len, ghcbGpa)!;
  const n = Number(len);
  if (where.inGhcb) return { inGhcb: true, gpa: where.gpa, offset: Number(where.gpa - ghcbGpa), len: n };
  return { inGhcb: false, gpa: where.gpa, len: n, data: backend ? backend.readGuest(where.gpa, n) : new Uint8Array(n) };
}

const IOIO_SIZE = [[0x10n, 1n], [0x20n, 2n], [0x40n, 4n]] as const;

/** Bytes of scratch the event needs (PSC: the largest descriptor; its entries are bounded later). */
export function scratchLength(req: Request, ev: ENaeEvent): bigint {
  const info2 = req.get(req.field('sw_exit_info_2'));
  switch (ev.scratch!.kind) {
    case 'mmio':
      return info2;
    case 'string_io': {
      const info1 = req.get(req.field('sw_exit_info_1'));
      return info2 * BigInt(ioioSize(info1)); // exact in BigInt; overflow shows as an area past 2^64 in checkScratch
    }
    case 'psc':
      return 8n;
  }
}

export function ioioSize(info1: bigint): number {
  for (const [m, s] of IOIO_SIZE) if ((info1 & m) !== 0n) return Number(s);
  return 0;
}

/** Writes the response: the valid bitmap is cleared, then outputs and SW_EXITINFO1/2 are set and marked valid. */
function respond(live: GhcbView, exitInfo1: bigint, exitInfo2: bigint): void {
  live.setSwExitInfo1(exitInfo1);
  live.setSwExitInfo2(exitInfo2);
}

export function clearValidBitmap(page: Uint8Array, t: NaeTables = naeTables()): void {
  page.fill(0, t.page.validBitmap.start, t.page.validBitmap.end);
}

/**
 * Handles one VMGEXIT whose GHCB page is `page` (the live, guest-shared page)
 * at guest-physical `ghcbGpa`. Writes the response into `page`.
 */
export function handleVmgexit(
  page: Uint8Array,
  ghcbGpa: bigint,
  guest: GuestInfo,
  backend: Backend,
  t: NaeTables = naeTables(),
  /** A reusable private buffer for the snapshot (like the C side's work area). */
  snapBuf?: Uint8Array,
): Outcome {
  const snap = snapBuf ?? new Uint8Array(GHCB_SIZE);
  snap.set(page.subarray(0, GHCB_SIZE));
  const req = new Request(snap, t);
  const live = new GhcbView(page);
  let ev: ENaeEvent | null = null;
  try {
    ev = validate(req, ghcbGpa, guest, backend.features);
    const scratch = scratchFor(req, ev, ghcbGpa, backend);
    const r = dispatch(ev, req, scratch, backend, page);
    if (r.kind === 'terminate') return { verdict: 'terminate', event: ev, exitInfo1: null, exitInfo2: null, violation: null };
    clearValidBitmap(page, t);
    if (r.kind === 'exception') {
      respond(live, BigInt(HvResp.ISSUE_EXCEPTION), r.event);
      return { verdict: 'exception', event: ev, exitInfo1: BigInt(HvResp.ISSUE_EXCEPTION), exitInfo2: r.event, violation: null };
    }
    const dv = new DataView(page.buffer, page.byteOffset, GHCB_SIZE);
    for (const [f, value] of r.outputs) {
      dv.setBigUint64(f.offset, value, true);
      live.setValid(f.validBit);
    }
    respond(live, BigInt(HvResp.NO_ACTION), r.exitInfo2);
    return { verdict: 'no_action', event: ev, exitInfo1: 0n, exitInfo2: r.exitInfo2, violation: null };
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    clearValidBitmap(page, t);
    const info2 = BigInt(GhcbErr[e.v.code]);
    respond(live, BigInt(HvResp.MALFORMED_INPUT), info2);
    return { verdict: 'malformed', event: ev, exitInfo1: BigInt(HvResp.MALFORMED_INPUT), exitInfo2: info2, violation: e.v };
  }
}
