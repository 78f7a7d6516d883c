// Realistic requests, one or more per NAE event, built by the guest model as
// a Linux guest fills them (inputs per the spec's table), and the random
// mutations the cross-test applies to them.
import { buildRequest, defaultVcpu, type GuestRequest, type Vcpu } from '../../lib/nae/guest.ts';
import { naeTables } from '../../lib/nae/table.ts';
import type { Rng } from '../harness/rng.ts';
import { RunFlag, u64Patch, type Patch, type RunCase } from './kinds.ts';

export const GHCB_GPA = 0x7_f000n;

export interface Scenario {
  name: string;
  snp: boolean;
  cpu: Vcpu;
  req: GuestRequest;
  page: Uint8Array;
}

const ioio = (port: number, size: 1 | 2 | 4, isIn: boolean, str = false, rep = false) =>
  BigInt((port << 16) | ({ 1: 0x10, 2: 0x20, 4: 0x40 }[size]) | 0x200 | (rep ? 8 : 0) | (str ? 4 : 0) | (isIn ? 1 : 0));

function pscDesc(entries: { gfn: bigint; op: number; large?: boolean }[]): Uint8Array {
  const b = new Uint8Array(8 + 8 * entries.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0, true);
  dv.setUint16(2, entries.length - 1, true);
  entries.forEach((e, i) => dv.setBigUint64(8 + 8 * i, (e.gfn << 12n) | (BigInt(e.op) << 52n) | (e.large ? 1n << 56n : 0n), true));
  return b;
}

function scen(name: string, snp: boolean, req: GuestRequest, regs: Partial<Vcpu['regs']> = {}, tweak: (c: Vcpu) => void = () => {}): Scenario {
  const cpu = defaultVcpu(snp);
  cpu.ghcbGpa = GHCB_GPA;
  Object.assign(cpu.regs, regs);
  tweak(cpu);
  const page = new Uint8Array(4096);
  buildRequest(page, cpu, req);
  return { name, snp, cpu, req, page };
}

export function scenarios(): Scenario[] {
  const out: Scenario[] = [
    scen('dr7-read', false, { event: 'DR7_READ' }),
    scen('dr7-write', false, { event: 'DR7_WRITE' }, { rax: 0x400n }),
    scen('rdtsc', false, { event: 'RDTSC' }),
    scen('rdpmc', false, { event: 'RDPMC' }, { rcx: 1n }),
    scen('cpuid-0', false, { event: 'CPUID' }, { rax: 0n, rcx: 0n }),
    scen('cpuid-d-1', false, { event: 'CPUID' }, { rax: 0xdn, rcx: 1n }),
    scen('cpuid-1-no-osxsave', false, { event: 'CPUID' }, { rax: 1n, rcx: 0n }, (c) => (c.osxsave = false)),
    scen('invd', false, { event: 'INVD' }),
    scen('io-out-byte', false, { event: 'IOIO', exitInfo1: ioio(0x3f8, 1, false) }, { rax: 0x41n }),
    scen('io-in-dword', false, { event: 'IOIO', exitInfo1: ioio(0xcfc, 4, true) }),
    scen('io-outs-word', false, { event: 'IOIO', exitInfo1: ioio(0x1f0, 2, false, true, true), exitInfo2: 8n, scratch: new Uint8Array(16).map((_, i) => i + 1) }),
    scen('io-ins-byte', false, { event: 'IOIO', exitInfo1: ioio(0x60, 1, true, true, true), exitInfo2: 4n, scratchLen: 4 }),
    scen('rdmsr', false, { event: 'MSR', exitInfo1: 0n }, { rcx: 0x1bn }),
    scen('wrmsr', false, { event: 'MSR', exitInfo1: 1n }, { rcx: 0x6e0n, rax: 0x1234n, rdx: 0x1n }),
    scen('rdmsr-gp', false, { event: 'MSR', exitInfo1: 0n }, { rcx: 0xc001_0131n }),
    scen('vmmcall', false, { event: 'VMMCALL' }, { rax: 0n }),
    scen('rdtscp', false, { event: 'RDTSCP' }),
    scen('wbinvd', false, { event: 'WBINVD' }),
    scen('monitor', false, { event: 'MONITOR' }, { rax: 0xffff_8000_0000_1000n, rcx: 0n, rdx: 0n }),
    scen('mwait', false, { event: 'MWAIT' }, { rax: 0n, rcx: 1n }),
    scen('mmio-read', false, { event: 'MMIO_READ', exitInfo1: 0xfebf_0000n, exitInfo2: 4n, scratchLen: 4 }),
    scen('mmio-write', false, { event: 'MMIO_WRITE', exitInfo1: 0xfee0_00b0n, exitInfo2: 4n, scratch: new Uint8Array([0, 0, 0, 0]) }),
    scen('nmi-complete', false, { event: 'NMI_COMPLETE' }),
    scen('ap-hlt-loop', false, { event: 'AP_HLT_LOOP' }),
    scen('ap-jump-table-set', false, { event: 'AP_JUMP_TABLE', exitInfo1: 0n, exitInfo2: 0x9_f000n }),
    scen('ap-jump-table-get', false, { event: 'AP_JUMP_TABLE', exitInfo1: 1n }),
    scen('psc', true, { event: 'PSC', scratch: pscDesc([{ gfn: 0x1234n, op: 2 }, { gfn: 0x200n, op: 1, large: true }]) }),
    scen('guest-request', true, { event: 'GUEST_REQUEST', exitInfo1: 0x10_0000n, exitInfo2: 0x10_1000n }),
    scen('ext-guest-request', true, { event: 'EXT_GUEST_REQUEST', exitInfo1: 0x10_0000n, exitInfo2: 0x10_1000n }, { rax: 0x20_0000n, rbx: 4n }),
    scen('ap-create', true, { event: 'AP_CREATION', exitInfo1: (1n << 32n) | 1n, exitInfo2: 0x30_1000n }, { rax: 0x1n }),
    scen('ap-destroy', true, { event: 'AP_CREATION', exitInfo1: (1n << 32n) | 2n }),
    scen('hv-features', false, { event: 'HV_FEATURES' }),
    scen('term-request', false, { event: 'TERM_REQUEST', exitInfo1: 0x10n }),
    scen('unsupported-event', false, { event: 'UNSUPPORTED_EVENT', exitInfo1: 0x7fn }),
    scen('hv-ipi-not-offered', true, { event: 'HV_IPI' }),
  ];
  const named = new Set(out.map((s) => s.req.event));
  for (const e of naeTables().nae) {
    if (!named.has(e.name)) out.push(scen(e.name.toLowerCase(), true, { event: e.name }, { rax: 1n, rbx: 1n, rcx: 1n, rdx: 1n }));
  }
  return out;
}

const OFF = { code: 0x390, info1: 0x398, info2: 0x3a0, scratch: 0x3a8, bitmap: 0x3f0, version: 0xffa, usage: 0xffc, rax: 0x1f8, rcx: 0x308 } as const;

const interestingU64 = [0n, 1n, 2n, 3n, 4n, 7n, 8n, 9n, 0xdn, 0xfffn, 0x1000n, 0xffff_ffffn, 0x1_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0xffff_ffff_ffff_ffffn, 0xffff_ffff_ffff_fff0n];

/** sw_scratch values around the shared buffer's edges (relative to the GHCB GPA). */
const SCRATCH_DELTAS = [0x7ffn, 0x800n, 0x801n, 0xfe8n, 0xfeen, 0xfefn, 0xff0n, 0xff8n, 0x1000n, -0x8n];
const SPOTS = SCRATCH_DELTAS.map((d) => GHCB_GPA + d);

/** A mutated case over base slot `slot`: 0..4 mutations of the fields the validator looks at. */
export function randomCase(rng: Rng, slot: number, base: Scenario, codes: readonly bigint[]): RunCase {
  const patches: Patch[] = [];
  const n = rng.below(5);
  let ghcbGpa = GHCB_GPA;
  if (rng.chance(0.05)) ghcbGpa = rng.pick([0n, 0xffff_ffff_ffff_f000n, 0x1_0000_0000n]);
  const scratchSpots = ghcbGpa === GHCB_GPA ? SPOTS : SCRATCH_DELTAS.map((d) => (ghcbGpa + d) & 0xffff_ffff_ffff_ffffn);
  for (let i = 0; i < n; i++) {
    switch (rng.below(12)) {
      case 0:
        patches.push(u64Patch(OFF.code, rng.chance(0.8) ? rng.pick(codes) : rng.u64()));
        break;
      case 1:
        patches.push(u64Patch(OFF.info1, rng.chance(0.5) ? rng.pick(interestingU64) : rng.chance(0.5) ? BigInt(rng.u32() & 0xffff_03ff) : rng.u64()));
        break;
      case 2:
        patches.push(u64Patch(OFF.info2, rng.chance(0.6) ? rng.pick(interestingU64) : BigInt(rng.below(0x2000))));
        break;
      case 3:
        patches.push(u64Patch(OFF.scratch, rng.chance(0.7) ? rng.pick(scratchSpots) : rng.chance(0.5) ? BigInt(rng.u32()) << 12n : rng.u64()));
        break;
      case 4: {
        const byte = OFF.bitmap + rng.below(16);
        patches.push({ offset: byte, bytes: [rng.u32() & 0xff] });
        break;
      }
      case 5:
        patches.push({ offset: OFF.version, bytes: [rng.pick([0, 1, 2, 3, 0xff]), 0] });
        break;
      case 6:
        if (rng.chance(0.3)) patches.push({ offset: OFF.usage, bytes: [rng.below(3), 0, 0, rng.chance(0.2) ? 0x80 : 0] });
        break;
      case 7:
        patches.push(u64Patch(OFF.rax, rng.pick(interestingU64)));
        break;
      case 8:
        patches.push(u64Patch(OFF.rcx, rng.chance(0.5) ? rng.pick(interestingU64) : BigInt(rng.below(8))));
        break;
      case 9: {
        // Page State Change header and entries in the shared buffer.
        const at = 0x800 + 8 * rng.below(254);
        const cur = rng.below(260);
        const end = rng.pick([0, 1, 2, 100, 252, 253, 254, 0xffff]);
        patches.push({ offset: rng.chance(0.5) ? 0x800 : at, bytes: [cur & 0xff, cur >>> 8, end & 0xff, end >>> 8] });
        break;
      }
      case 10: {
        const e = (BigInt(rng.below(0x10000)) << 12n) | (BigInt(rng.below(5)) << 52n) | (rng.chance(0.3) ? 1n << 56n : 0n) | BigInt(rng.pick([0, 1, 2, 512, 513]));
        patches.push(u64Patch(0x808 + 8 * rng.below(4), e));
        break;
      }
      default: {
        const at = rng.below(4096 - 8);
        patches.push(u64Patch(at, rng.u64()));
      }
    }
  }
  let flags = base.snp ? RunFlag.SNP : 0;
  if (rng.chance(0.1)) flags ^= RunFlag.SNP;
  if (rng.chance(0.1)) flags |= RunFlag.RACE;
  if (rng.chance(0.25)) flags |= RunFlag.DEFER;
  // Mostly the registered GHCB (an SEV-SNP guest's requests fail closed without one), sometimes none or another.
  let registeredGpa = 0n;
  if (rng.chance(0.9)) {
    flags |= RunFlag.REGISTERED;
    registeredGpa = rng.chance(0.9) ? ghcbGpa : ghcbGpa + 0x1000n;
  }
  return { slot, flags, ghcbGpa, registeredGpa, patches };
}
