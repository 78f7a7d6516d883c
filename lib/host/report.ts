// The capability report: CPUID Fn8000_001F and the SYSCFG / SEV_STATUS MSRs
// decoded through the model's bit layouts (located by their cpuid/msr
// location), arranged like `sevctl ok`: one PASS/FAIL/SKIP line per
// capability, indented under what it depends on, plus the numbers.
import type { ELayout, EModel } from '../../generators/elaborate/model.ts';
import { hex } from '../../generators/emit/common.ts';
import { registerIds, type CpuidRegs, type HostRegisters } from './registers.ts';

export type State = 'PASS' | 'FAIL' | 'SKIP';

export interface Check {
  name: string;
  state: State;
  /** A number or a short explanation after the name. */
  detail: string | null;
  /** Where the answer comes from (register and bit). */
  source: string;
  sub: Check[];
}

export interface HostReport {
  checks: Check[];
  numbers: Record<string, number | null>;
  /** Names of the SEV_STATUS bits that are set, or null when SEV_STATUS is not available. */
  activeFeatures: string[] | null;
  raw: { cpuid: CpuidRegs | null; syscfg: string | null; sevStatus: string | null };
  notes: string[];
}

/** Fn8000_001F, the APM's spelling of a CPUID function. */
function leafName(leaf: number): string {
  const h = leaf.toString(16).toUpperCase().padStart(8, '0');
  return `Fn${h.slice(0, 4)}_${h.slice(4)}`;
}

function cpuidLayout(model: EModel, leaf: number, reg: 'eax' | 'ebx' | 'ecx' | 'edx'): ELayout {
  for (const l of model.layouts.values()) {
    if (l.location?.kind === 'cpuid' && l.location.leaf === leaf && l.location.reg === reg && l.location.subleaf === undefined) return l;
  }
  throw new Error(`host: the model has no layout for CPUID 0x${leaf.toString(16)} ${reg}`);
}

function msrLayout(model: EModel, index: number): ELayout {
  for (const l of model.layouts.values()) if (l.location?.kind === 'msr' && l.location.index === index) return l;
  throw new Error(`host: the model has no layout for MSR 0x${index.toString(16)}`);
}

/** One named field of a layout: its value in `raw` and where it is. */
function field(l: ELayout, name: string, raw: bigint): { value: number; where: string } {
  const b = l.bits.find((x) => x.name === name);
  if (b === undefined) throw new Error(`host: layout ${l.name} has no bit ${name}`);
  const where = `${l.name}[${b.width === 1 ? b.lsb : `${b.msb}:${b.lsb}`}]`;
  return { value: Number((raw & b.mask) >> BigInt(b.lsb)), where };
}

// Under a failed capability, sub-checks are skipped and their numbers not shown (they mean nothing then).
const skipAll = (c: Check): Check => ({ ...c, state: 'SKIP', detail: null, sub: c.sub.map(skipAll) });

/** A capability with sub-checks that only run when it passes (as sevctl ok does). */
function cap(name: string, pass: boolean, source: string, sub: Check[] = [], detail: string | null = null): Check {
  return { name, state: pass ? 'PASS' : 'FAIL', detail, source, sub: pass ? sub : sub.map(skipAll) };
}
function num(name: string, value: number, source: string): Check {
  return { name, state: 'PASS', detail: String(value), source, sub: [] };
}
function skip(name: string, why: string, source = ''): Check {
  return { name, state: 'SKIP', detail: why, source, sub: [] };
}

export function hostReport(model: EModel, regs: HostRegisters): HostReport {
  const ids = registerIds(model);
  const notes: string[] = [];
  const numbers: Record<string, number | null> = {
    cbit_position: null,
    phys_addr_reduction: null,
    num_vmpls: null,
    num_encrypted_guests: null,
    min_sev_no_es_asid: null,
  };
  const syscfgL = msrLayout(model, ids.syscfg);
  const statusL = msrLayout(model, ids.sevStatus);
  const sys = regs.syscfg.ok ? regs.syscfg.value : null;
  if (!regs.syscfg.ok) notes.push(`SYSCFG (MSR ${hex(ids.syscfg)}) not read: ${regs.syscfg.why}`);
  /** A SYSCFG enable bit: PASS/FAIL when SYSCFG is known, SKIP otherwise. */
  const enabled = (name: string, bit: string): Check => {
    if (sys === null) return skip(name, 'SYSCFG not available', `${syscfgL.name}.${bit}`);
    const f = field(syscfgL, bit, sys);
    return cap(name, f.value === 1, f.where);
  };

  const checks: Check[] = [];
  if (regs.vendor !== null) {
    checks.push(regs.vendor.ok ? cap('AMD CPU', regs.vendor.value === 'AuthenticAMD', 'CPUID Fn0000_0000', [], regs.vendor.value) : skip('AMD CPU', regs.vendor.why));
  }
  if (!regs.memEncrypt.ok) {
    notes.push(`CPUID ${leafName(ids.leaf)} not read: ${regs.memEncrypt.why}`);
    checks.push(skip('Secure Memory Encryption (SME)', 'CPUID not available'), skip('Secure Encrypted Virtualization (SEV)', 'CPUID not available'));
  } else {
    const r = regs.memEncrypt.value;
    if (r.eax === 0 && r.ebx === 0 && r.ecx === 0 && r.edx === 0) {
      notes.push(`CPUID ${leafName(ids.leaf)} is all zero: this CPU (or, in a virtual machine, the hypervisor) reports no memory encryption`);
    }
    const eax = cpuidLayout(model, ids.leaf, 'eax');
    const ebx = cpuidLayout(model, ids.leaf, 'ebx');
    const ecx = cpuidLayout(model, ids.leaf, 'ecx');
    const edx = cpuidLayout(model, ids.leaf, 'edx');
    const a = (n: string) => field(eax, n, BigInt(r.eax));
    const b = (n: string) => field(ebx, n, BigInt(r.ebx));
    const cbit = b('cbit_position');
    const reduction = b('phys_addr_reduction');
    const vmpls = b('num_vmpls');
    const guests = field(ecx, 'num_encrypted_guests', BigInt(r.ecx));
    const minAsid = field(edx, 'min_sev_no_es_asid', BigInt(r.edx));
    const sme = a('sme');
    const sev = a('sev');
    const smeEnabled = enabled('Enabled in SYSCFG (MemEncryptionModEn)', 'mem_encrypt_mod_en');
    // TSME encrypts all memory with one key and is configured in the BIOS; it
    // shows in neither CPUID nor SYSCFG (the PSP reports it), so only a hint.
    const tsme = skip(
      'TSME',
      smeEnabled.state === 'FAIL'
        ? 'not visible in CPUID or MSRs; SME is supported but not enabled: if the BIOS enables TSME instead, all memory is encrypted with one key and SEV cannot be used'
        : 'not visible in CPUID or MSRs',
    );
    checks.push(cap('Secure Memory Encryption (SME)', sme.value === 1, sme.where, [smeEnabled, tsme]));
    const snp = a('sev_snp');
    const vmpl = a('vmpl');
    const vmplCheck = cap('VM Permission Levels', vmpl.value === 1, vmpl.where, [num('Number of VMPLs', vmpls.value, vmpls.where), enabled('Enabled in SYSCFG (VMPLEn)', 'vmpl_en')]);
    const es = a('sev_es');
    checks.push(
      cap('Secure Encrypted Virtualization (SEV)', sev.value === 1, sev.where, [
        cap('Encrypted State (SEV-ES)', es.value === 1, es.where),
        cap('Secure Nested Paging (SEV-SNP)', snp.value === 1, snp.where, [enabled('Enabled in SYSCFG (SecureNestedPagingEn)', 'snp_en'), vmplCheck]),
        num('C-bit location', cbit.value, cbit.where),
        num('Physical address bit reduction', reduction.value, reduction.where),
        num('Number of encrypted guests supported simultaneously', guests.value, guests.where),
        num('Minimum ASID value for SEV-enabled, SEV-ES disabled guest', minAsid.value, minAsid.where),
      ]),
    );
    const flush = a('page_flush_msr');
    checks.push(cap('Page flush MSR', flush.value === 1, flush.where));
    if (sme.value === 1 || sev.value === 1) {
      numbers.cbit_position = cbit.value;
      numbers.phys_addr_reduction = reduction.value;
    }
    if (sev.value === 1) {
      numbers.num_encrypted_guests = guests.value;
      numbers.min_sev_no_es_asid = minAsid.value;
    }
    if (vmpl.value === 1) numbers.num_vmpls = vmpls.value;
  }
  let activeFeatures: string[] | null = null;
  if (regs.sevStatus.ok) {
    const v = regs.sevStatus.value;
    activeFeatures = statusL.bits.filter((b) => !b.reserved && (v & b.mask) !== 0n).map((b) => b.name);
  } else {
    notes.push(`SEV_STATUS (MSR ${hex(ids.sevStatus)}) not read: ${regs.sevStatus.why}; it describes the running guest, so a host normally has none`);
  }
  return {
    checks,
    numbers,
    activeFeatures,
    raw: {
      cpuid: regs.memEncrypt.ok ? regs.memEncrypt.value : null,
      syscfg: regs.syscfg.ok ? hex(regs.syscfg.value) : null,
      sevStatus: regs.sevStatus.ok ? hex(regs.sevStatus.value) : null,
    },
    notes,
  };
}

/** True when no check failed (SKIPs do not fail), like `sevctl ok`'s exit status. */
export function allPassed(r: HostReport): boolean {
  const ok = (c: Check): boolean => c.state !== 'FAIL' && c.sub.every(ok);
  return r.checks.every(ok);
}

export function renderHostReport(r: HostReport): string {
  const lines: string[] = [];
  const walk = (c: Check, level: number) => {
    lines.push(`[ ${c.state} ] ${' '.repeat(level * 2)}- ${c.name}${c.detail !== null ? `: ${c.detail}` : ''}`);
    for (const s of c.sub) walk(s, level + 1);
  };
  for (const c of r.checks) walk(c, 0);
  lines.push('');
  if (r.activeFeatures !== null) {
    lines.push(`Active SEV features (SEV_STATUS ${r.raw.sevStatus}): ${r.activeFeatures.length > 0 ? r.activeFeatures.join(', ') : 'none'}`);
  }
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
