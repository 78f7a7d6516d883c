// xen-sev host: CPUID Fn8000_001F, SYSCFG and SEV_STATUS decoded through the
// model's layouts. Expected values come from real register dumps and their
// decoding by an independent tool (cpuid(1) by Todd Allen), and from the
// APM / Linux msr-index.h bit numbers, never from the code under test.
import { execa } from 'execa';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { allPassed, hostReport, renderHostReport, type Check, type HostReport } from '../../lib/host/report.ts';
import { readCpuid, readHost, type CpuidRegs, type HostRegisters } from '../../lib/host/registers.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { testTempDir } from '../helpers/tmp.ts';

const model = projectModel();
const none = { ok: false as const, why: 'not given' };
function regs(cpuid: CpuidRegs | null, syscfg: bigint | null = null, sevStatus: bigint | null = null): HostRegisters {
  return {
    vendor: null,
    memEncrypt: cpuid === null ? none : { ok: true, value: cpuid, from: 'test' },
    syscfg: syscfg === null ? none : { ok: true, value: syscfg, from: 'test' },
    sevStatus: sevStatus === null ? none : { ok: true, value: sevStatus, from: 'test' },
  };
}
function find(r: HostReport, name: string): Check {
  const walk = (cs: Check[]): Check | undefined => cs.map((c) => (c.name === name ? c : walk(c.sub))).find((c) => c !== undefined);
  const c = walk(r.checks);
  if (c === undefined) throw new Error(`no check ${name}`);
  return c;
}

// An EPYC 7713P host: `cpuid -r -l 0x8000001f` gave these registers, and
// cpuid(1) decoded them as SME, SEV, page flush, SEV-ES, SEV-SNP, VMPL all
// true, C-bit 51, reduction 5, 4 VMPLs, 509 guests, minimum SEV ASID 128.
const EPYC_7713P = { eax: 0x0101fd3f, ebx: 0x00004173, ecx: 0x000001fd, edx: 0x00000080 };
// An SEV-SNP guest's view (same published report): SME false, SEV, SEV-ES and
// SEV-SNP true, VMPL false, page flush false, C-bit 51, reduction 1.
const SNP_GUEST = { eax: 0x0000001a, ebx: 0x00000073, ecx: 0, edx: 0 };

describe('CPUID Fn8000_001F', () => {
  it('decodes an EPYC 7713P host as cpuid(1) does', () => {
    const r = hostReport(model, regs(EPYC_7713P));
    for (const n of ['Secure Memory Encryption (SME)', 'Secure Encrypted Virtualization (SEV)', 'Encrypted State (SEV-ES)', 'Secure Nested Paging (SEV-SNP)', 'VM Permission Levels', 'Page flush MSR']) {
      expect(find(r, n).state).toBe('PASS');
    }
    expect(r.numbers).toEqual({ cbit_position: 51, phys_addr_reduction: 5, num_vmpls: 4, num_encrypted_guests: 509, min_sev_no_es_asid: 128 });
    expect(find(r, 'C-bit location').detail).toBe('51');
  });

  it('decodes the SNP guest view as cpuid(1) does', () => {
    const r = hostReport(model, regs(SNP_GUEST));
    expect(find(r, 'Secure Memory Encryption (SME)').state).toBe('FAIL');
    expect(find(r, 'Secure Encrypted Virtualization (SEV)').state).toBe('PASS');
    expect(find(r, 'Encrypted State (SEV-ES)').state).toBe('PASS');
    expect(find(r, 'Secure Nested Paging (SEV-SNP)').state).toBe('PASS');
    expect(find(r, 'VM Permission Levels').state).toBe('FAIL');
    expect(find(r, 'Number of VMPLs').state).toBe('SKIP');
    expect(find(r, 'Page flush MSR').state).toBe('FAIL');
    expect(r.numbers).toMatchObject({ cbit_position: 51, phys_addr_reduction: 1, num_vmpls: null });
  });

  it('an all-zero leaf fails SME and SEV, skips what depends on them, and says why', () => {
    const r = hostReport(model, regs({ eax: 0, ebx: 0, ecx: 0, edx: 0 }));
    expect(find(r, 'Secure Encrypted Virtualization (SEV)').state).toBe('FAIL');
    expect(find(r, 'Encrypted State (SEV-ES)').state).toBe('SKIP');
    expect(find(r, 'C-bit location').detail).toBeNull();
    expect(r.notes.join('\n')).toContain('all zero');
    expect(allPassed(r)).toBe(false);
  });

  it('renders like sevctl ok: one line per capability, indented by dependency', () => {
    const text = renderHostReport(hostReport(model, regs(EPYC_7713P)));
    expect(text).toContain('[ PASS ] - Secure Encrypted Virtualization (SEV)\n[ PASS ]   - Encrypted State (SEV-ES)');
    expect(text).toContain('[ PASS ]     - VM Permission Levels\n[ PASS ]       - Number of VMPLs: 4');
  });
});

describe('SYSCFG and SEV_STATUS', () => {
  it('SYSCFG 0xf40000 (a host with SME active) has MemEncryptionModEn (bit 23) but not SNP (bit 24)', () => {
    const r = hostReport(model, regs(EPYC_7713P, 0xf40000n));
    expect(find(r, 'Enabled in SYSCFG (MemEncryptionModEn)').state).toBe('PASS');
    expect(find(r, 'Enabled in SYSCFG (SecureNestedPagingEn)').state).toBe('FAIL');
    expect(find(r, 'Enabled in SYSCFG (VMPLEn)').state).toBe('FAIL');
  });

  it('SYSCFG 0x3fc0000 (AMDSEV#107, SNP enabled in the BIOS) has SNP (bit 24) and VMPL (bit 25) enabled', () => {
    const r = hostReport(model, regs(EPYC_7713P, 0x3fc0000n));
    expect(find(r, 'Enabled in SYSCFG (SecureNestedPagingEn)').state).toBe('PASS');
    expect(find(r, 'Enabled in SYSCFG (VMPLEn)').state).toBe('PASS');
    expect(allPassed(r)).toBe(true);
  });

  it('SEV_STATUS bits 0, 1 and 2 are SEV, SEV-ES and SEV-SNP (Linux MSR_AMD64_SEV_*_BIT)', () => {
    expect(hostReport(model, regs(null, null, 0x1n)).activeFeatures).toEqual(['sev_enabled']);
    expect(hostReport(model, regs(null, null, 0x7n)).activeFeatures).toEqual(['sev_enabled', 'sev_es_enabled', 'snp_enabled']);
    expect(hostReport(model, regs(null, null, 0n)).activeFeatures).toEqual([]);
  });

  it('without the MSRs, the SYSCFG checks are skipped and the report says so', () => {
    const r = hostReport(model, regs(EPYC_7713P));
    expect(find(r, 'Enabled in SYSCFG (MemEncryptionModEn)').state).toBe('SKIP');
    expect(r.activeFeatures).toBeNull();
    expect(r.notes.some((n) => n.startsWith('SYSCFG (MSR 0xc0010010) not read'))).toBe(true);
  });
});

describe('reading the device files', () => {
  it('reads CPUID and MSRs at the leaf and MSR index offsets (a sparse fixture file)', () => {
    const dir = testTempDir('host');
    const cpuid = join(dir, 'cpuid');
    const msr = join(dir, 'msr');
    const put = (path: string, offset: number, words: number[] | bigint) => {
      const b = typeof words === 'bigint' ? Buffer.alloc(8) : Buffer.alloc(4 * words.length);
      if (typeof words === 'bigint') b.writeBigUInt64LE(words);
      else words.forEach((w, i) => b.writeUInt32LE(w, 4 * i));
      const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
      writeSync(fd, b, 0, b.length, offset);
      closeSync(fd);
    };
    // Leaf 0 in EAX, EBX, ECX, EDX order: max leaf, then "Auth" (EBX), "cAMD" (ECX), "enti" (EDX): the vendor reads EBX, EDX, ECX.
    put(cpuid, 0, [0xd, 0x68747541, 0x444d4163, 0x69746e65]);
    put(cpuid, 0x8000_0000, [0x8000_0021, 0, 0, 0]);
    put(cpuid, 0x8000_001f, [EPYC_7713P.eax, EPYC_7713P.ebx, EPYC_7713P.ecx, EPYC_7713P.edx]);
    put(msr, 0xc001_0010, 0xf40000n);
    put(msr, 0xc001_0131, 0n);
    const regsRead = readHost(model, { cpuid, msr });
    expect(regsRead.vendor).toMatchObject({ ok: true, value: 'AuthenticAMD' });
    expect(regsRead.memEncrypt).toMatchObject({ ok: true, value: EPYC_7713P });
    expect(regsRead.syscfg).toMatchObject({ ok: true, value: 0xf40000n });
    const missing = readHost(model, { cpuid: join(dir, 'none'), msr: join(dir, 'none') });
    expect(missing.memEncrypt).toMatchObject({ ok: false });
    expect((missing.memEncrypt as { why: string }).why).toContain('not present');
  });

  const real = readCpuid(0);
  it.skipIf(!real.ok)('this machine\'s /dev/cpu/0/cpuid vendor matches /proc/cpuinfo', () => {
    const vendor = /vendor_id\s*:\s*(\S+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    const regsRead = readHost(model);
    expect(regsRead.vendor).toMatchObject({ ok: true, value: vendor });
  });
});

describe('xen-sev host (CLI)', () => {
  const run = (...args: string[]) => execa('node', [join(REPO_ROOT, 'bin/xen-sev'), 'host', ...args], { reject: false, cwd: '/' });
  it('decodes given registers to JSON and exits 0 when everything passes', async () => {
    const r = await run('--cpuid-8000001f', '0x0101fd3f,0x00004173,0x000001fd,0x00000080', '--syscfg', '0x3fc0000', '--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).numbers).toEqual({ cbit_position: 51, phys_addr_reduction: 5, num_vmpls: 4, num_encrypted_guests: 509, min_sev_no_es_asid: 128 });
  });
  it('the example in docs/coverage.md is the real output', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/coverage.md'), 'utf8');
    const m = /\$ xen-sev host (.*)\n([\s\S]*?)```/.exec(doc)!;
    const r = await run(...m[1]!.split(' '));
    expect(r.stdout.split('\n\n')[0]!.trimEnd()).toBe(m[2]!.trimEnd());
  });
  it('bad values are one line and exit 2', async () => {
    for (const args of [['--cpuid-8000001f', '1,2,3'], ['--syscfg', 'zz'], ['--cpuid-8000001f', '0x100000000,0,0,0']]) {
      const r = await run(...args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
