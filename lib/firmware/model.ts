// A reference model of the AMD Secure Processor's SEV firmware, as seen
// through its mailbox: `execute(cmdId, buffer)` takes a command id and the
// bytes of its command buffer and returns the status the firmware would write
// to CmdResp and the buffer as the firmware leaves it. Host memory the
// buffers point at (guest pages, measurement buffers) is a sparse memory the
// caller fills, so a long-lived process can serve a C driver's mailbox.
//
// What a command is accepted in, what it returns otherwise and the state it
// moves to come from the firmware table (schema/fw.ts via table.ts); the
// per-command handlers below add the buffer checks, the ASID bookkeeping and
// the launch measurement. Commands without a handler are modelled at the
// state-machine level only (states, handle, transitions): `modelled()` says
// which commands have full behaviour.
import { createHash, createHmac } from 'node:crypto';
import { projectModel } from '../../generators/model.ts';
import type { EModel, EStruct } from '../../generators/elaborate/model.ts';
import { readU, reservedClear, writeBytes, writeU } from './buffer.ts';
import { fwTables, type EFwCommand, type FwTables } from './table.ts';
import { snpLaunchDigestStep } from './snp-digest.ts';

export interface HostConfig {
  /** SYSCFG MemEncryptionModEn and SME on every core: without it INIT fails with HWERROR_PLATFORM. */
  memoryEncryption: boolean;
  /** SYSCFG.SNPEn on every core and an RMP: without it SNP_INIT fails with INVALID_CONFIG. */
  snpEnabled: boolean;
  apiMajor: number;
  apiMinor: number;
  build: number;
  /** Highest SEV ASID (CPUID Fn8000_001F ECX). */
  maxAsid: number;
  /** Lowest ASID of a non-ES guest (CPUID Fn8000_001F EDX); SEV-ES guests use 1..minSevAsid-1. */
  minSevAsid: number;
  /** The transport integrity key LAUNCH_START derives from the owner's session (a test key). */
  tik: Uint8Array;
  /** The MNONCE LAUNCH_MEASURE returns (deterministic for tests; the firmware draws it from its TRNG). */
  mnonce: Uint8Array;
  /** Command names that never complete (the mailbox never signals ready): a stalled PSP. */
  stall: string[];
  /** Whether every core has executed WBINVD since the ASIDs were marked dirty. */
  wbinvdDone: boolean;
}

export const DEFAULT_HOST: HostConfig = {
  memoryEncryption: true,
  snpEnabled: true,
  apiMajor: 1,
  apiMinor: 52,
  build: 4,
  maxAsid: 15,
  minSevAsid: 5,
  tik: Uint8Array.from({ length: 16 }, (_, i) => i),
  mnonce: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
  stall: [],
  wbinvdDone: false,
};

// Address limits of the firmware's validate_address_range() (amd/AMD-ASPFW x86_copy.c).
const CBIT = 1n << 51n;
const MAX_PHYS = 0x3ffcffffffffn;
const ASEG = [0xa0000n, 0xbffffn] as const;
const SEV_MEASUREMENT_CTX = 0x04;

export class SparseMemory {
  private pages = new Map<bigint, Uint8Array>();
  read(addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; ) {
      const a = addr + BigInt(i);
      const page = a >> 12n;
      const off = Number(a & 0xfffn);
      const n = Math.min(len - i, 4096 - off);
      const p = this.pages.get(page);
      if (p !== undefined) out.set(p.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }
  write(addr: bigint, data: Uint8Array): void {
    for (let i = 0; i < data.length; ) {
      const a = addr + BigInt(i);
      const page = a >> 12n;
      const off = Number(a & 0xfffn);
      const n = Math.min(data.length - i, 4096 - off);
      let p = this.pages.get(page);
      if (p === undefined) this.pages.set(page, (p = new Uint8Array(4096)));
      p.set(data.subarray(i, i + n), off);
      i += n;
    }
  }
}

export type AsidState = 'dirty' | 'clean' | 'allocated' | 'in_use';

export interface SevGuest {
  handle: number;
  state: string;
  policy: number;
  asid: number;
  /** Activated before LAUNCH_FINISH: the ASID is bound but not yet in use. */
  pending: boolean;
  es: boolean;
  digest: ReturnType<typeof createHash> | null;
  launchDigest: Uint8Array | null;
  measurement: Uint8Array | null;
  tik: Uint8Array;
}

export interface SnpGuest {
  gctx: bigint;
  state: string;
  policy: bigint;
  asid: number;
  launchDigest: Uint8Array;
}

export type RmpState = 'firmware' | 'pre_guest' | 'context';
export interface RmpEntry {
  state: RmpState;
  asid: number;
  gpa: bigint;
}

export interface ExecResult {
  /** The status written to CmdResp, or null when the command never completes. */
  status: number | null;
  statusName: string | null;
  buffer: Uint8Array;
  /** The SEV launch measurement (LAUNCH_MEASURE) or SNP launch digest (SNP_LAUNCH_FINISH), hex. */
  measurement?: string;
}

export interface Snapshot {
  platform: string;
  snpPlatform: string;
  guestCount: number;
  guests: { handle: number; state: string; asid: number; policy: number }[];
  snpGuests: { gctx: string; state: string; asid: number }[];
  asids: Record<number, AsidState>;
  wbinvdDone: boolean;
  stalled: boolean;
}

interface Ctx {
  cmd: EFwCommand;
  s: EStruct | null;
  buf: Uint8Array;
  guest: SevGuest | null;
  snpGuest: SnpGuest | null;
  measurement?: string;
}

type Handler = {
  /** Checks the firmware makes before the guest-state check. */
  pre?: (this: FirmwareModel, c: Ctx) => string | undefined;
  run: (this: FirmwareModel, c: Ctx) => string | undefined;
};

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** A state's value in the model's state enums (sev_platform_state, sev_guest_state, snp_guest_state, ...). */
function stateValue(group: string, name: string): bigint {
  const v = projectModel().groups.get(group)?.values.find((x) => x.name === name);
  if (v === undefined) throw new Error(`fw model: no ${name} in ${group}`);
  return v.value;
}

export class FirmwareModel {
  readonly host: HostConfig;
  readonly memory: SparseMemory;
  private readonly t: FwTables;
  private readonly model: EModel;
  platform = 'UNINIT';
  snpPlatform = 'UNINIT';
  esConfigured = false;
  guests = new Map<number, SevGuest>();
  snpGuests = new Map<bigint, SnpGuest>();
  asids = new Map<number, AsidState>();
  rmp = new Map<bigint, RmpEntry>();
  stalled = false;
  nextHandle = 1;

  constructor(host: Partial<HostConfig> = {}, memory = new SparseMemory()) {
    this.host = { ...DEFAULT_HOST, ...host };
    this.memory = memory;
    this.t = fwTables();
    this.model = projectModel();
  }

  /** WBINVD on every core (the host's part of the DF_FLUSH protocol). */
  wbinvd(): void {
    this.host.wbinvdDone = true;
  }

  /** Host RMPUPDATE of a 4 KiB page (SNP): the hypervisor assigns pages before the firmware uses them. */
  rmpUpdate(addr: bigint, state: RmpState | 'hypervisor', asid = 0, gpa = 0n): void {
    const page = addr & ~0xfffn & ~CBIT;
    if (state === 'hypervisor') this.rmp.delete(page);
    else this.rmp.set(page, { state, asid, gpa });
  }

  /** Commands with full behaviour (buffer checks and effects), beyond the state machine. */
  static modelled(): string[] {
    return Object.keys(HANDLERS);
  }

  snapshot(): Snapshot {
    return {
      platform: this.platform,
      snpPlatform: this.snpPlatform,
      guestCount: this.guests.size,
      guests: [...this.guests.values()].map((g) => ({ handle: g.handle, state: g.state, asid: g.asid, policy: g.policy })),
      snpGuests: [...this.snpGuests.values()].map((g) => ({ gctx: `0x${g.gctx.toString(16)}`, state: g.state, asid: g.asid })),
      asids: Object.fromEntries(this.asids),
      wbinvdDone: this.host.wbinvdDone,
      stalled: this.stalled,
    };
  }

  execute(cmdId: number, input: Uint8Array): ExecResult {
    const cmd = this.t.byId.get(cmdId);
    const s = cmd?.struct ?? null;
    const buf = new Uint8Array(Math.max(input.length, s?.size ?? 0));
    buf.set(input);
    const original = buf.slice();
    if (this.stalled || (cmd !== undefined && this.host.stall.includes(cmd.command))) {
      this.stalled = true;
      return { status: null, statusName: null, buffer: buf };
    }
    const done = (name: string, c?: Ctx): ExecResult => {
      const api = cmd?.api ?? 'sev';
      const status = this.t.statusValue(api, name);
      // On failure the firmware writes the buffer back only for commands that report through it
      // (sev_dispatch.c CMD_BUF_INPUT_AND_OUTPUT_ERROR); the others leave the caller's bytes alone.
      const out = status !== 0 && cmd?.writeBackOnError !== true ? original : buf;
      return { status, statusName: name, buffer: out, ...(c?.measurement !== undefined ? { measurement: c.measurement } : {}) };
    };
    if (cmd === undefined) return done('INVALID_COMMAND');
    const platformNow = cmd.api === 'sev' ? this.platform : this.snpPlatform;
    if (!cmd.platformStates.includes(platformNow)) return done(cmd.platformStatus);
    const ctx: Ctx = { cmd, s, buf, guest: null, snpGuest: null };
    const h = HANDLERS[cmd.command];
    const pre = h?.pre?.call(this, ctx);
    if (pre !== undefined) return done(pre);
    // The guest the command names, and its state.
    if (cmd.guestStates !== null && s !== null) {
      if (cmd.api === 'sev' && s.fields.some((f) => f.name === 'handle')) {
        const handle = Number(readU(s, buf, 'handle'));
        const creates = cmd.guestStates.includes('UNINIT');
        if (!creates) {
          const g = this.guests.get(handle);
          if (g === undefined) {
            if (cmd.command === 'GUEST_STATUS') {
              writeU(s, buf, 'state', 0n);
              return done('SUCCESS');
            }
            return done('INVALID_GUEST');
          }
          if (!cmd.guestStates.includes(g.state)) return done(cmd.guestStatus!);
          ctx.guest = g;
        }
      } else if (cmd.api === 'snp' && s.fields.some((f) => f.name === 'gctx_paddr')) {
        const gctx = readU(s, buf, 'gctx_paddr');
        if ((gctx & 0xfffn) !== 0n) return done('INVALID_PARAM');
        const g = this.snpGuests.get(gctx & ~CBIT);
        if (g === undefined || this.rmp.get(gctx & ~CBIT)?.state !== 'context') return done('INVALID_GUEST');
        if (!cmd.guestStates.includes(g.state)) return done(cmd.guestStatus!);
        ctx.snpGuest = g;
      }
    }
    const st = h?.run.call(this, ctx);
    if (st !== undefined) return done(st, ctx);
    // Success: the transitions of the table.
    if (cmd.nextPlatformState !== null) {
      if (cmd.api === 'snp') this.snpPlatform = cmd.nextPlatformState;
      else if (cmd.nextPlatformWhen === undefined) this.platform = cmd.nextPlatformState;
      else if (this.guests.size === 0) this.platform = cmd.nextPlatformState;
    }
    if (cmd.nextGuestState !== null) {
      if (ctx.guest !== null) ctx.guest.state = cmd.nextGuestState;
      if (ctx.snpGuest !== null) ctx.snpGuest.state = cmd.nextGuestState;
    }
    return done('SUCCESS', ctx);
  }

  // ---- helpers used by the handlers ----
  /** A new SEV guest context under the next free handle (LAUNCH_START, RECEIVE_START), written back into the buffer. */
  createGuest(c: Ctx, fields: Omit<SevGuest, 'handle'>): string | undefined {
    let handle = this.nextHandle;
    while (this.guests.has(handle)) handle++;
    if (handle > 1024) return 'RESOURCE_LIMIT';
    this.nextHandle = handle + 1;
    const g: SevGuest = { handle, ...fields };
    this.guests.set(handle, g);
    c.guest = g;
    writeU(c.s!, c.buf, 'handle', BigInt(handle));
    return undefined;
  }

  addressValid(addr: bigint, len: bigint): boolean {
    const start = addr & ~CBIT;
    const end = start + len - 1n;
    if (len === 0n) return false;
    if (start > MAX_PHYS || end > MAX_PHYS) return false;
    return !(start <= ASEG[1] && ASEG[0] <= end);
  }

  resetAsids(): void {
    this.asids.clear();
    for (let a = 1; a <= this.host.maxAsid; a++) this.asids.set(a, 'dirty');
    this.host.wbinvdDone = false;
  }

  struct(name: string): EStruct {
    return this.model.structs.get(name)!;
  }
}

function asidCheck(this: FirmwareModel, c: Ctx, g: { asid: number; es: boolean } | null, asid: number): string | undefined {
  if (asid === 0 || asid > this.host.maxAsid) return 'INVALID_ASID';
  const st = this.asids.get(asid);
  if (st === 'in_use' || st === 'allocated') return 'ASID_OWNED';
  if (g !== null && g.asid !== 0) return 'ACTIVE';
  void c;
  return undefined;
}

const HANDLERS: Record<string, Handler> = {
  INIT: { run(c) { return init.call(this, c, false); } },
  INIT_EX: { run(c) { return init.call(this, c, true); } },
  SHUTDOWN: {
    run() {
      // Every SEV guest is dropped; the ASIDs they held need WBINVD and DF_FLUSH again (sev_clear marks them invalid).
      for (const g of this.guests.values()) if (g.asid !== 0) this.asids.set(g.asid, 'dirty');
      this.guests.clear();
      this.esConfigured = false;
      return undefined;
    },
  },
  PLATFORM_STATUS: {
    run(c) {
      const s = c.s!;
      c.buf.fill(0);
      writeU(s, c.buf, 'api_major', BigInt(this.host.apiMajor));
      writeU(s, c.buf, 'api_minor', BigInt(this.host.apiMinor));
      writeU(s, c.buf, 'state', stateValue('sev_platform_state', this.platform));
      writeU(s, c.buf, 'build', BigInt(this.host.build));
      if (this.platform !== 'UNINIT') {
        // CONFIG.ES is bit 8 of the flags word (owner byte at 0x3, config at 0x4).
        writeU(s, c.buf, 'flags', this.esConfigured ? 1n << 8n : 0n);
        writeU(s, c.buf, 'guest_count', BigInt(this.guests.size));
      }
      return undefined;
    },
  },
  DF_FLUSH: { run() { return dfFlush.call(this); } },
  SNP_DF_FLUSH: { run() { return dfFlush.call(this); } },
  ACTIVATE: {
    pre(c) {
      const s = c.s!;
      const g = this.guests.get(Number(readU(s, c.buf, 'handle')));
      if (g === undefined) return 'INVALID_GUEST';
      return asidCheck.call(this, c, g, Number(readU(s, c.buf, 'asid')));
    },
    run(c) {
      const g = c.guest!;
      const asid = Number(readU(c.s!, c.buf, 'asid'));
      if (this.asids.get(asid) === 'dirty') return 'DFFLUSH_REQUIRED';
      if (g.es ? asid >= this.host.minSevAsid : asid < this.host.minSevAsid) return 'INVALID_ASID';
      g.asid = asid;
      g.pending = g.state !== 'RUNNING';
      this.asids.set(asid, g.pending ? 'allocated' : 'in_use');
      return undefined;
    },
  },
  DEACTIVATE: {
    run(c) {
      const g = c.guest!;
      if (g.asid === 0) return 'INACTIVE';
      this.asids.set(g.asid, g.pending ? 'clean' : 'dirty');
      g.asid = 0;
      g.pending = false;
      return undefined;
    },
  },
  DECOMMISSION: {
    run(c) {
      const g = c.guest!;
      if (g.asid !== 0) return 'ACTIVE';
      this.guests.delete(g.handle);
      return undefined;
    },
  },
  GUEST_STATUS: {
    run(c) {
      const g = c.guest!;
      const s = c.s!;
      writeU(s, c.buf, 'policy', BigInt(g.policy));
      writeU(s, c.buf, 'asid', BigInt(g.asid));
      writeU(s, c.buf, 'state', stateValue('sev_guest_state', g.state));
      return undefined;
    },
  },
  LAUNCH_START: {
    run(c) {
      const s = c.s!;
      const dhCert = readU(s, c.buf, 'dh_cert_address');
      const policy = Number(readU(s, c.buf, 'policy'));
      if (dhCert !== 0n) {
        const session = this.struct('sev_session_buf');
        const cert = this.struct('sev_cert');
        if (readU(s, c.buf, 'session_len') !== BigInt(session.size)) return 'INVALID_LENGTH';
        if (readU(s, c.buf, 'dh_cert_len') !== BigInt(cert.size)) return 'INVALID_LENGTH';
        if (!this.addressValid(dhCert, BigInt(cert.size)) || !this.addressValid(readU(s, c.buf, 'session_address'), BigInt(session.size))) return 'INVALID_ADDRESS';
      }
      const shared = Number(readU(s, c.buf, 'handle'));
      if (shared !== 0) {
        const other = this.guests.get(shared);
        if (other === undefined) return 'INVALID_GUEST';
        if (other.policy !== policy || (other.policy & 0x2) !== 0) return 'POLICY_FAILURE';
      }
      const es = (policy & 0x4) !== 0;
      if (es && !this.esConfigured) return 'UNSUPPORTED';
      return this.createGuest(c, {
        state: 'UNINIT', policy, asid: 0, pending: false, es,
        digest: createHash('sha256'), launchDigest: null, measurement: null,
        // Without a DH certificate no channel is opened and the TIK stays zero.
        tik: dhCert !== 0n ? this.host.tik : new Uint8Array(16),
      });
    },
  },
  RECEIVE_START: {
    run(c) {
      // The incoming guest's context; the transport keys (from the PDH certificate and session) are not modelled.
      const s = c.s!;
      const policy = Number(readU(s, c.buf, 'policy'));
      const es = (policy & 0x4) !== 0;
      if (es && !this.esConfigured) return 'UNSUPPORTED';
      return this.createGuest(c, { state: 'UNINIT', policy, asid: 0, pending: false, es, digest: null, launchDigest: null, measurement: null, tik: new Uint8Array(16) });
    },
  },
  LAUNCH_UPDATE_DATA: { run(c) { return launchUpdate.call(this, c, false); } },
  LAUNCH_UPDATE_VMSA: { run(c) { return launchUpdate.call(this, c, true); } },
  LAUNCH_MEASURE: {
    run(c) {
      const s = c.s!;
      const g = c.guest!;
      const mb = this.struct('sev_measurement_buf');
      if (readU(s, c.buf, 'len') < BigInt(mb.size)) {
        writeU(s, c.buf, 'len', BigInt(mb.size));
        return 'INVALID_LENGTH';
      }
      const addr = readU(s, c.buf, 'address');
      if (!this.addressValid(addr, BigInt(mb.size))) return 'INVALID_ADDRESS';
      const ld = new Uint8Array(g.digest!.digest());
      g.digest = null;
      g.launchDigest = ld;
      const policy = new Uint8Array(4);
      new DataView(policy.buffer).setUint32(0, g.policy, true);
      const mnonce = this.host.mnonce;
      const mac = createHmac('sha256', g.tik)
        .update(Uint8Array.of(SEV_MEASUREMENT_CTX, this.host.apiMajor, this.host.apiMinor, this.host.build))
        .update(policy)
        .update(ld)
        .update(mnonce)
        .digest();
      const out = new Uint8Array(mb.size);
      writeBytes(mb, out, 'measurement', mac);
      writeBytes(mb, out, 'mnonce', mnonce);
      this.memory.write(addr, out);
      g.measurement = new Uint8Array(mac);
      c.measurement = hexOf(mac);
      return undefined;
    },
  },
  LAUNCH_SECRET: {
    pre(c) {
      const s = c.s!;
      if (!this.guests.has(Number(readU(s, c.buf, 'handle')))) return 'INVALID_GUEST';
      if ((readU(s, c.buf, 'guest_address') & 0xfn) !== 0n) return 'INVALID_ADDRESS';
      const glen = readU(s, c.buf, 'guest_len');
      if (readU(s, c.buf, 'hdr_len') !== BigInt(this.struct('sev_packet_header').size) || (glen & 0xfn) !== 0n || glen === 0n || glen > 0x5000n || glen !== readU(s, c.buf, 'trans_len')) return 'INVALID_LENGTH';
      return undefined;
    },
    run(c) {
      const s = c.s!;
      if (c.guest!.asid === 0) return 'INACTIVE';
      const glen = readU(s, c.buf, 'guest_len');
      for (const f of ['hdr_address', 'guest_address', 'trans_address'] as const) {
        const len = f === 'hdr_address' ? BigInt(this.struct('sev_packet_header').size) : glen;
        if (!this.addressValid(readU(s, c.buf, f), len)) return 'INVALID_ADDRESS';
      }
      // The secret's unwrapping (AES-CTR under the TEK, HMAC under the TIK) is not modelled: the model
      // copies the transport buffer to the guest address as the plaintext would be.
      this.memory.write(readU(s, c.buf, 'guest_address'), this.memory.read(readU(s, c.buf, 'trans_address'), Number(glen)));
      return undefined;
    },
  },
  LAUNCH_FINISH: {
    run(c) {
      const g = c.guest!;
      if (g.pending) {
        g.pending = false;
        this.asids.set(g.asid, 'in_use');
      }
      return undefined;
    },
  },
  SNP_INIT: { run(c) { return snpInit.call(this, c); } },
  SNP_INIT_EX: { run(c) { return snpInit.call(this, c); } },
  SNP_SHUTDOWN: { run() { return snpShutdown.call(this); } },
  SNP_SHUTDOWN_EX: { run() { return snpShutdown.call(this); } },
  SNP_PLATFORM_STATUS: {
    run(c) {
      const addr = readU(c.s!, c.buf, 'address');
      const st = this.struct('snp_platform_status');
      if (!this.addressValid(addr, BigInt(st.size))) return 'INVALID_ADDRESS';
      const e = this.rmp.get(addr & ~0xfffn & ~CBIT);
      if (this.snpPlatform === 'INIT' && e !== undefined && e.state !== 'firmware') return 'INVALID_PAGE_STATE';
      const out = new Uint8Array(st.size);
      writeU(st, out, 'api_major', BigInt(this.host.apiMajor));
      writeU(st, out, 'api_minor', BigInt(this.host.apiMinor));
      writeU(st, out, 'state', stateValue('snp_platform_state', this.snpPlatform));
      writeU(st, out, 'is_rmp_initialized', this.snpPlatform === 'INIT' ? 1n : 0n);
      writeU(st, out, 'build_id', BigInt(this.host.build));
      writeU(st, out, 'guest_count', BigInt([...this.snpGuests.values()].filter((g) => g.state !== 'INIT').length));
      this.memory.write(addr, out);
      return undefined;
    },
  },
  SNP_GCTX_CREATE: {
    run(c) {
      const gctx = readU(c.s!, c.buf, 'gctx_paddr');
      if ((gctx & 0xfffn) !== 0n) return 'INVALID_PARAM';
      const e = this.rmp.get(gctx & ~CBIT);
      if (e === undefined || e.state !== 'firmware') return 'INVALID_PAGE_STATE';
      e.state = 'context';
      const g: SnpGuest = { gctx: gctx & ~CBIT, state: 'INIT', policy: 0n, asid: 0, launchDigest: new Uint8Array(48) };
      this.snpGuests.set(g.gctx, g);
      c.snpGuest = g;
      return undefined;
    },
  },
  SNP_ACTIVATE: {
    run(c) {
      const g = c.snpGuest!;
      const asid = Number(readU(c.s!, c.buf, 'asid'));
      const bad = asidCheck.call(this, c, { asid: g.asid, es: true }, asid);
      if (bad !== undefined) return bad;
      if (this.asids.get(asid) === 'dirty') return 'DFFLUSH_REQUIRED';
      g.asid = asid;
      this.asids.set(asid, 'in_use');
      return undefined;
    },
  },
  SNP_DECOMMISSION: {
    run(c) {
      const g = c.snpGuest!;
      if (g.asid !== 0) {
        // SNP guests are deactivated by the decommission itself; the ASID is dirty afterwards.
        this.asids.set(g.asid, 'dirty');
      }
      this.snpGuests.delete(g.gctx);
      this.rmp.set(g.gctx, { state: 'firmware', asid: 0, gpa: 0n });
      return undefined;
    },
  },
  SNP_GUEST_STATUS: {
    run(c) {
      const g = c.snpGuest!;
      const addr = readU(c.s!, c.buf, 'address');
      const st = this.struct('snp_guest_status_buffer');
      if ((addr & 0xfffn) + BigInt(st.size) > 0x1000n) return 'INVALID_PARAM';
      const out = new Uint8Array(st.size);
      writeU(st, out, 'policy', g.policy);
      writeU(st, out, 'asid', BigInt(g.asid));
      writeU(st, out, 'state', stateValue('snp_guest_state', g.state));
      this.memory.write(addr, out);
      return undefined;
    },
  },
  SNP_LAUNCH_START: {
    run(c) {
      c.snpGuest!.policy = readU(c.s!, c.buf, 'policy');
      return undefined;
    },
  },
  SNP_LAUNCH_UPDATE: {
    run(c) {
      const s = c.s!;
      const g = c.snpGuest!;
      if (!reservedClear(s, c.buf)) return 'INVALID_PARAM';
      const addr = readU(s, c.buf, 'address');
      const e = this.rmp.get(addr & ~0xfffn & ~CBIT);
      if (e === undefined || e.state !== 'pre_guest') return 'INVALID_PAGE_STATE';
      if (g.asid === 0) return 'INACTIVE';
      if (e.asid !== g.asid) return 'INVALID_PAGE_OWNER';
      const step = snpLaunchDigestStep(this, g, s, c.buf, addr, e.gpa);
      if (typeof step === 'string') return step;
      g.launchDigest = step;
      return undefined;
    },
  },
  SNP_LAUNCH_FINISH: {
    run(c) {
      const g = c.snpGuest!;
      if (g.asid === 0) return 'INACTIVE';
      c.measurement = hexOf(g.launchDigest);
      return undefined;
    },
  },
};




function init(this: FirmwareModel, c: Ctx, ex: boolean): string | undefined {
  const s = c.s!;
  if (!this.host.memoryEncryption) return 'HWERROR_PLATFORM';
  const flags = readU(s, c.buf, 'flags');
  if ((flags & ~1n) !== 0n || !reservedClear(s, c.buf)) return 'INVALID_CONFIG';
  if (ex) {
    if (readU(s, c.buf, 'length') !== BigInt(s.size)) return 'INVALID_LENGTH';
    const nv = readU(s, c.buf, 'nv_address');
    if (nv !== 0n) {
      if ((nv & 0xfffn) !== 0n) return 'INVALID_ADDRESS';
      if (!this.addressValid(nv, readU(s, c.buf, 'nv_len') || 1n)) return 'INVALID_ADDRESS';
      if (readU(s, c.buf, 'nv_len') !== 32n * 1024n) return 'INVALID_LENGTH';
    }
  }
  if ((flags & 1n) !== 0n) {
    const tmr = readU(s, c.buf, 'tmr_address');
    const snp = this.snpPlatform === 'INIT';
    const size = snp ? 0x200000n : 0x100000n;
    if ((tmr & (size - 1n)) !== 0n) return 'INVALID_ADDRESS';
    if (readU(s, c.buf, 'tmr_len') !== size) return 'INVALID_LENGTH';
  }
  if (this.snpPlatform === 'UNINIT') this.resetAsids();
  this.esConfigured = (flags & 1n) !== 0n;
  return undefined;
}

function dfFlush(this: FirmwareModel): string | undefined {
  if (!this.host.wbinvdDone) return 'WBINVD_REQUIRED';
  for (const [a, st] of this.asids) if (st === 'dirty') this.asids.set(a, 'clean');
  return undefined;
}

function launchUpdate(this: FirmwareModel, c: Ctx, vmsa: boolean): string | undefined {
  const s = c.s!;
  const g = c.guest!;
  if (vmsa && !g.es) return 'UNSUPPORTED';
  if (g.asid === 0) return 'INACTIVE';
  const addr = readU(s, c.buf, 'address');
  const len = readU(s, c.buf, 'len');
  if ((addr & 0xfn) !== 0n) return 'INVALID_ADDRESS';
  if ((len & 0xfn) !== 0n || len === 0n) return 'INVALID_LENGTH';
  if (!this.addressValid(addr, len)) return 'INVALID_ADDRESS';
  g.digest!.update(this.memory.read(addr & ~CBIT, Number(len)));
  return undefined;
}

function snpInit(this: FirmwareModel, c: Ctx): string | undefined {
  if (c.s !== null && !reservedClear(c.s, c.buf)) return 'INVALID_PARAM';
  if (this.platform !== 'UNINIT') return 'INVALID_PLATFORM_STATE';
  if (!this.host.memoryEncryption || !this.host.snpEnabled) return 'INVALID_CONFIG';
  this.resetAsids();
  return undefined;
}

function snpShutdown(this: FirmwareModel): string | undefined {
  if (this.platform !== 'UNINIT') return 'INVALID_PLATFORM_STATE';
  if (this.snpPlatform === 'UNINIT') return undefined;
  for (const st of this.asids.values()) if (st !== 'clean') return 'DFFLUSH_REQUIRED';
  this.snpGuests.clear();
  return undefined;
}
