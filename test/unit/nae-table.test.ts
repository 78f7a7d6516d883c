// The NAE/AE table: complete classification, and facts checked against the
// GHCB specification and KVM's sev_es_validate_vmgexit() (independent source).
import { describe, expect, it } from 'vitest';
import { naeTables } from '../../lib/nae/table.ts';
import { listJson } from '../../lib/nae/describe.ts';
import { projectModel } from '../../generators/model.ts';

const t = naeTables();
const ev = (name: string) => t.nae.find((e) => e.name === name)!;
const names = (fs: { name: string }[]) => fs.map((f) => f.name);

describe('exit code classification', () => {
  it('classifies every SVM and VMGEXIT exit code exactly once', () => {
    const model = projectModel();
    const codes = [...model.groups.get('svm_exit_code')!.values, ...model.groups.get('vmgexit_exit_code')!.values];
    expect(t.all.length).toBe(codes.length);
    expect(new Set(t.all.map((c) => c.exitCode)).size).toBe(codes.length);
    for (const c of t.all) expect(['ae', 'nae', 'none']).toContain(c.kind);
    for (const v of model.groups.get('vmgexit_exit_code')!.values) expect(t.all.find((c) => c.exitCode === v.value)!.kind).toBe('nae');
  });

  it('lists the automatic exits of APM 15.35 (interrupts, HLT, PAUSE, shutdown, write traps, NPF, VMGEXIT)', () => {
    const ae = new Map(t.ae.map((a) => [a.name, a.nature]));
    for (const n of ['INTR', 'NMI', 'SMI', 'INIT', 'VINTR', 'PAUSE', 'HLT', 'SHUTDOWN', 'NPF', 'VMGEXIT', 'EXCP_MC']) expect(ae.has(n), n).toBe(true);
    for (let n = 0; n < 16; n++) expect(ae.get(`CR${n}_WRITE_TRAP`)).toBe('trap');
    expect(ae.get('EFER_WRITE_TRAP')).toBe('trap');
    expect(t.ae.find((a) => a.name === 'VMGEXIT')!.exitCode).toBe(0x403n);
  });

  it('has the intercepts Linux turns into GHCB requests as NAE events with their exit codes', () => {
    const codes: Record<string, bigint> = { DR7_READ: 0x27n, DR7_WRITE: 0x37n, RDTSC: 0x6en, RDPMC: 0x6fn, CPUID: 0x72n, INVD: 0x76n, IOIO: 0x7bn, MSR: 0x7cn, VMMCALL: 0x81n, RDTSCP: 0x87n, WBINVD: 0x89n, MONITOR: 0x8an, MWAIT: 0x8bn, MMIO_READ: 0x8000_0001n, MMIO_WRITE: 0x8000_0002n, PSC: 0x8000_0010n, HV_FEATURES: 0x8000_fffdn, TERM_REQUEST: 0x8000_fffen };
    for (const [n, c] of Object.entries(codes)) expect(ev(n).exitCode, n).toBe(c);
  });
});

describe('inputs (GHCB spec table; KVM sev_es_validate_vmgexit as independent check)', () => {
  it('CPUID: rax and rcx always, xcr0 when rax == 0xd (KVM), CR4.OSXSAVE rule recorded for the guest', () => {
    expect(names(ev('CPUID').required)).toEqual(['rax', 'rcx']);
    const c = ev('CPUID').conditional[0]!;
    expect(names(c.fields)).toEqual(['xcr0']);
    expect([c.when.field, c.when.op, c.when.value]).toEqual(['rax', 'eq', 0xdn]);
    expect(c.guestRule).toMatch(/OSXSAVE/);
    expect(ev('CPUID').src.kvm).toMatch(/RAX == 0xD/);
  });
  it('IOIO: rax for non-string OUT, sw_scratch for string I/O', () => {
    const [out, str] = ev('IOIO').conditional;
    expect(names(out!.fields)).toEqual(['rax']);
    expect([out!.when.mask, out!.when.op, out!.when.value]).toEqual([0x5n, 'eq', 0n]);
    expect(names(str!.fields)).toEqual(['sw_scratch']);
    expect([str!.when.mask, str!.when.op]).toEqual([0x4n, 'ne']);
  });
  it('MSR: rcx; rax and rdx for WRMSR', () => {
    expect(names(ev('MSR').required)).toEqual(['rcx']);
    expect(names(ev('MSR').conditional[0]!.fields)).toEqual(['rax', 'rdx']);
  });
  it('VMMCALL: rax and cpl; MONITOR: rax, rcx, rdx; MWAIT: rax, rcx; RDPMC: rcx; DR7 write: rax', () => {
    expect(names(ev('VMMCALL').required)).toEqual(['rax', 'cpl']);
    expect(names(ev('MONITOR').required)).toEqual(['rax', 'rcx', 'rdx']);
    expect(names(ev('MWAIT').required)).toEqual(['rax', 'rcx']);
    expect(names(ev('RDPMC').required)).toEqual(['rcx']);
    expect(names(ev('DR7_WRITE').required)).toEqual(['rax']);
  });
  it('MMIO and PSC need sw_scratch; PSC, guest requests and AP creation are SNP only', () => {
    for (const n of ['MMIO_READ', 'MMIO_WRITE', 'PSC']) expect(names(ev(n).required)).toContain('sw_scratch');
    for (const n of ['PSC', 'GUEST_REQUEST', 'EXT_GUEST_REQUEST', 'AP_CREATION']) expect(ev(n).snpOnly, n).toBe(true);
    for (const n of ['CPUID', 'IOIO', 'MSR', 'MMIO_READ', 'HV_FEATURES']) expect(ev(n).snpOnly, n).toBe(false);
  });
  it('outputs: CPUID all four GPRs, RDTSC rax/rdx, RDTSCP rax/rcx/rdx', () => {
    expect(names(ev('CPUID').outputs)).toEqual(['rax', 'rbx', 'rcx', 'rdx']);
    expect(names(ev('RDTSC').outputs)).toEqual(['rax', 'rdx']);
    expect(names(ev('RDTSCP').outputs)).toEqual(['rax', 'rcx', 'rdx']);
  });
  it('every event cites the GHCB specification', () => {
    for (const e of t.nae) expect(e.src.spec.some((s) => s.doc === '56421'), e.name).toBe(true);
    for (const a of t.ae) expect(a.spec.doc).toBe('24593');
  });
});

describe('nae list --json shape', () => {
  it('has the CPUID entry exactly as the issue gives it (more keys allowed)', () => {
    const j = listJson();
    const cpuid = j.events.find((e) => e.name === 'CPUID')!;
    expect(cpuid).toMatchObject({ name: 'CPUID', exit_code: '0x72', kind: 'nae', snp_only: false, inputs: { required: ['rax', 'rcx'], conditional: [{ fields: ['xcr0'], when: 'rax == 0xd' }] }, outputs: ['rax', 'rbx', 'rcx', 'rdx'] });
    expect(j.events.find((e) => e.name === 'INTR')).toMatchObject({ name: 'INTR', exit_code: '0x60', kind: 'ae' });
  });
});

describe('constants the model restates', () => {
  it('GHCB_ERR_*, GHCB_HV_RESP_*, the #GP event and the model features match the schema', async () => {
    const { GhcbErr, HvResp } = await import('../../lib/nae/hypervisor.ts');
    const { GP_EVENT } = await import('../../lib/nae/backend.ts');
    const { MODEL_FEATURES } = await import('../../lib/nae/backend.ts');
    const model = projectModel();
    const group = (g: string) => Object.fromEntries(model.groups.get(g)!.values.map((v) => [v.name, Number(v.value)]));
    expect(GhcbErr).toEqual(group('ghcb_err'));
    expect(HvResp).toEqual(group('ghcb_hv_resp'));
    const inj = model.layouts.get('eventinj')!;
    const bit = (n: string) => inj.bits.find((b) => b.name === n)!.lsb;
    const exceptionType = model.groups.get('svm_event_type')!.values.find((v) => v.name === 'EXCEPTION')!.value;
    expect(GP_EVENT).toBe(13n | (exceptionType << BigInt(bit('type'))) | (1n << BigInt(bit('valid'))));
    const ft = model.layouts.get('ghcb_hv_features')!;
    const ftBit = (n: string) => 1n << BigInt(ft.bits.find((b) => b.name === n)!.lsb);
    expect(MODEL_FEATURES).toBe(ftBit('snp') | ftBit('snp_ap_creation'));
  });
});
