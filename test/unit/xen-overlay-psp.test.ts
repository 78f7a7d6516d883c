// The series' PSP driver (xen-overlay/.../sev-psp.c) compiled in userspace,
// its MMIO accessors bound by test/c/psp/psp-harness.c to the firmware model
// behind a long-lived `xen-sev fw serve`. The header it includes is rendered
// as the series renders it (only what the driver uses). Expected values come
// from AMD 55766 (status codes, the DF_FLUSH/WBINVD rule), Linux's
// drivers/crypto/ccp/sp-pci.c (device ids, BAR 2, register offsets) and, for
// the differential runs, the TS firmware model executing alone.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { emitXenHeader } from '../../generators/emit/xen-header/emit.ts';
import { FirmwareModel } from '../../lib/firmware/model.ts';
import { identifiers } from '../../lib/patches/used.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, STRICT_FLAGS, tempDir } from '../helpers/cc.ts';
import { Rng } from '../harness/rng.ts';

const SVM = join(REPO_ROOT, 'xen-overlay/files/xen/arch/x86/hvm/svm');
const HERE = join(REPO_ROOT, 'test/c/psp');
const SERVER = [process.execPath, join(REPO_ROOT, 'bin/xen-sev'), 'fw', 'serve'];

// Linux drivers/crypto/ccp/sp-pci.c: sevv1 (0x1456) and sevv2 (0x1486, 0x14CA) register offsets in BAR 2.
const DEVICES = {
  '1456': ['10580', '105e0', '105e4'],
  '1486': ['10980', '109e0', '109e4'],
  '14ca': ['10980', '109e0', '109e4'],
} as const;

// AMD 55766, Status Codes.
const INVALID_PLATFORM_STATE = 0x01;
const WBINVD_REQUIRED = 0x0e;
const HWERROR_PLATFORM = 0x13;
// AMD 55766 command ids.
const INIT = 0x1, SHUTDOWN = 0x2, PLATFORM_STATUS = 0x4, DF_FLUSH = 0xa;

async function build(cc: string): Promise<string> {
  const dir = tempDir('overlay-psp');
  const used = identifiers(readFileSync(join(SVM, 'sev-psp.c'), 'utf8'));
  const header = emitXenHeader(projectModel(), { module: 'sev_api', title: 'SEV firmware commands, buffers and statuses', fileName: 'sev-api.h', guard: 'X86_HVM_SVM_SEV_API_H', used });
  writeFileSync(join(dir, 'sev-api.h'), header.contents);
  const exe = join(dir, 'psp-harness');
  await execa(cc, [...STRICT_FLAGS, '-Wno-pedantic', '-Wno-unused-parameter', '-I', dir, '-I', SVM, '-I', join(HERE, 'shim'), join(HERE, 'psp-harness.c'), '-o', exe]);
  return exe;
}

async function run(exe: string, script: string[], device: keyof typeof DEVICES = '1486'): Promise<string[]> {
  const r = await execa(exe, [device, ...DEVICES[device], '--', ...SERVER], { input: `${script.join('\n')}\n` });
  return r.stdout.split('\n');
}

const mbox = (lines: string[]) => lines.filter((l) => /^(mbox|wbinvd)/.test(l));
const logs = (lines: string[]) => lines.filter((l) => l.startsWith('log '));
const hx = (n: number) => n.toString(16);
const stateOf = (lines: string[]) => lines.filter((l) => l.startsWith('state ')).map((l) => JSON.parse(l.slice(6)));

describe('xen-overlay sev-psp.c against the firmware model', async () => {
  for (const cc of await compilers()) {
    const exe = build(cc);

    it(`${cc}: boot: finds the PSP, claims its mailbox, INIT with a TMR, DF_FLUSH after WBINVD, one line`, async () => {
      for (const device of Object.keys(DEVICES) as (keyof typeof DEVICES)[]) {
        const out = await run(await exe, ['host api_major=1 api_minor=55 build=21', 'reset', 'boot', 'state', 'shutdown', 'state'], device);
        // BAR 2 at 0x80f0000000 (64-bit), the register page at +0x10000: only that page is mapped and made r/o.
        expect(out).toContain('ioremap 0x80f0010000 0x1000');
        expect(out).toContain('ro-mmio mmio_ro_ranges 0x80f0010');
        expect(out).toContain('ro-config 0000:06:02');
        expect(out.filter((l) => l.startsWith('bad'))).toEqual([]);
        expect(mbox(out)).toEqual([
          `mbox ${hx(PLATFORM_STATUS)} 0`,
          `mbox ${hx(INIT)} 0`,
          `mbox ${hx(DF_FLUSH)} ${hx(WBINVD_REQUIRED)}`,
          'wbinvd',
          `mbox ${hx(DF_FLUSH)} 0`,
          `mbox ${hx(PLATFORM_STATUS)} 0`,
          `mbox ${hx(SHUTDOWN)} 0`,
        ]);
        expect(logs(out)).toEqual(['log info SEV: firmware API 1.55 build 21: platform INIT, SEV-ES']);
        const [booted, down] = stateOf(out);
        expect(booted.platform).toBe('INIT');
        expect(Object.values(booted.asids).every((s) => s === 'clean')).toBe(true);
        expect(down.platform).toBe('UNINIT');
      }
    });

    it(`${cc}: no PSP with an SEV mailbox (a client part's PSP id): nothing mapped, one line`, async () => {
      const r = await execa(await exe, ['15df', '10980', '109e0', '109e4', '--', ...SERVER], { input: 'boot\nshutdown\n' });
      const out = r.stdout.split('\n');
      expect(out.filter((l) => /^(ioremap|ro-|mbox)/.test(l))).toEqual([]);
      expect(logs(out)).toEqual(['log info SEV: no PSP with an SEV mailbox']);
    });

    it(`${cc}: memory encryption off: INIT fails with HWERROR_PLATFORM, named; the TMR is freed; no SHUTDOWN`, async () => {
      const out = await run(await exe, ['host memory_encryption=off', 'reset', 'boot', 'shutdown', 'state']);
      expect(mbox(out)).toEqual([`mbox ${hx(PLATFORM_STATUS)} 0`, `mbox ${hx(INIT)} ${hx(HWERROR_PLATFORM)}`]);
      expect(out).toContain('free-xenheap');
      expect(logs(out)).toEqual(['log err SEV: INIT failed: HWERROR_PLATFORM (0x13)']);
      expect(stateOf(out)[0].platform).toBe('UNINIT');
    });

    it(`${cc}: pending WBINVD that never happens: DF_FLUSH fails with WBINVD_REQUIRED, named; SHUTDOWN still runs`, async () => {
      const out = await run(await exe, ['dropwbinvd', 'boot', 'shutdown', 'state']);
      expect(mbox(out)).toEqual([
        `mbox ${hx(PLATFORM_STATUS)} 0`,
        `mbox ${hx(INIT)} 0`,
        `mbox ${hx(DF_FLUSH)} ${hx(WBINVD_REQUIRED)}`,
        'wbinvd dropped',
        `mbox ${hx(DF_FLUSH)} ${hx(WBINVD_REQUIRED)}`,
        `mbox ${hx(SHUTDOWN)} 0`,
      ]);
      expect(logs(out)).toEqual(['log err SEV: DF_FLUSH failed: WBINVD_REQUIRED (0xe)']);
      expect(stateOf(out)[0].platform).toBe('UNINIT');
    });

    it(`${cc}: a stalled PSP: the command times out once, nothing is issued after it`, async () => {
      for (const stalled of ['INIT', 'PLATFORM_STATUS', 'DF_FLUSH']) {
        const out = await run(await exe, [`host stall=${stalled}`, 'reset', 'boot', 'shutdown', 'cmd 4']);
        const m = mbox(out);
        expect(m.at(-1)).toMatch(/ stall$/);
        expect(m.filter((l) => l.endsWith('stall'))).toHaveLength(1);
        expect(logs(out)).toEqual([`log err SEV: ${stalled} timed out after 5000 ms, PSP not used`]);
        // psp_cmd() refuses afterwards (-ENODEV) without touching the mailbox.
        expect(out).toContain(`status -19 - ${'00'.repeat(12)}`);
      }
      // SHUTDOWN on restart stalls: boot went well, the restart path gives up after the timeout.
      const out = await run(await exe, ['host stall=SHUTDOWN', 'reset', 'boot', 'shutdown']);
      expect(mbox(out).at(-1)).toBe(`mbox ${hx(SHUTDOWN)} stall`);
      expect(logs(out)).toEqual(['log info SEV: firmware API 1.52 build 4: platform INIT, SEV-ES', 'log err SEV: SHUTDOWN timed out after 5000 ms, PSP not used']);
    });

    it(`${cc}: platform left INIT by whatever ran before: SHUTDOWN first, then INIT`, async () => {
      const out = await run(await exe, [`fw cmd ${hx(INIT)} ${'00'.repeat(20)}`, 'boot', 'state']);
      expect(out).toContain('fw 0 ' + '00'.repeat(20));
      expect(mbox(out).slice(0, 3)).toEqual([`mbox ${hx(PLATFORM_STATUS)} 0`, `mbox ${hx(SHUTDOWN)} 0`, `mbox ${hx(INIT)} 0`]);
      expect(logs(out)).toEqual(['log info SEV: firmware API 1.52 build 4: platform INIT, SEV-ES']);
    });

    it(`${cc}: wrong states through the driver's mailbox: INIT when INIT, SHUTDOWN twice`, async () => {
      const out = await run(await exe, ['boot', `cmd ${hx(INIT)}`, 'shutdown', 'shutdown', `cmd ${hx(SHUTDOWN)}`, `cmd ${hx(SHUTDOWN)}`, `cmd ${hx(INIT)}`, `cmd ${hx(INIT)}`]);
      const st = out.filter((l) => l.startsWith('status '));
      expect(st[0]).toBe(`status ${INVALID_PLATFORM_STATE} INVALID_PLATFORM_STATE ${'00'.repeat(20)}`);
      // The driver shuts down once; the firmware accepts SHUTDOWN in every state (55766: UNINIT, INIT, WORKING).
      expect(mbox(out).filter((l) => l === `mbox ${hx(SHUTDOWN)} 0`)).toHaveLength(3);
      expect(st[1]).toBe('status 0 SUCCESS -');
      expect(st[2]).toBe('status 0 SUCCESS -');
      expect(st[3]).toBe(`status 0 SUCCESS ${'00'.repeat(20)}`);
      expect(st[4]).toBe(`status ${INVALID_PLATFORM_STATE} INVALID_PLATFORM_STATE ${'00'.repeat(20)}`);
    });

    it(`${cc}: differential: random command sequences, driver + model vs model alone`, async () => {
      const rng = new Rng(0x9517);
      const SEQS = 300;
      const script = ['boot'];
      const plans: { id: number; buf: Uint8Array | null; host?: 'wbinvd' }[][] = [];
      for (let s = 0; s < SEQS; s++) {
        const plan: (typeof plans)[number] = [];
        const n = 1 + rng.below(12);
        for (let i = 0; i < n; i++) {
          const pick = rng.below(6);
          if (pick === 5) {
            plan.push({ id: 0, buf: null, host: 'wbinvd' });
            continue;
          }
          const id = [INIT, INIT, SHUTDOWN, PLATFORM_STATUS, DF_FLUSH][pick]!;
          let buf: Uint8Array | null = null;
          if (id === INIT) {
            buf = new Uint8Array(20);
            const dv = new DataView(buf.buffer);
            dv.setUint32(0, rng.below(8) === 0 ? rng.below(4) : rng.below(2), true);
            if (rng.below(10) === 0) dv.setUint32(4, 1, true);
            dv.setBigUint64(8, BigInt(rng.below(64)) << BigInt(rng.below(3) === 0 ? 12 : 20), true);
            dv.setUint32(16, rng.below(4) === 0 ? 0x80000 : 0x100000, true);
          } else if (id === PLATFORM_STATUS) {
            buf = Uint8Array.from({ length: 12 }, () => rng.below(256));
          }
          plan.push({ id, buf });
        }
        plans.push(plan);
        script.push('reset');
        for (const p of plan) script.push(p.host === 'wbinvd' ? 'fw wbinvd' : `cmd ${hx(p.id)}${p.buf ? ` ${Buffer.from(p.buf).toString('hex')}` : ''}`);
        script.push('state');
      }
      const out = await run(await exe, script);
      const results = out.filter((l) => l.startsWith('status ') || l.startsWith('state '));
      let k = 0;
      let commands = 0;
      let divergences = 0;
      const first: string[] = [];
      for (const plan of plans) {
        const fw = new FirmwareModel();
        for (const p of plan) {
          if (p.host === 'wbinvd') {
            fw.wbinvd();
            continue;
          }
          commands++;
          const r = fw.execute(p.id, p.buf ?? new Uint8Array(0));
          const want = `status ${r.status} ${r.statusName} ${p.buf ? Buffer.from(r.buffer.subarray(0, p.buf.length)).toString('hex') : '-'}`;
          const got = results[k++];
          if (got !== want) {
            divergences++;
            if (first.length < 3) first.push(`${got} != ${want}`);
          }
        }
        const got = results[k++];
        if (got !== `state ${JSON.stringify(fw.snapshot())}`) {
          divergences++;
          if (first.length < 3) first.push(`${got} != state ${JSON.stringify(fw.snapshot())}`);
        }
      }
      console.log(`psp driver differential (${cc}): ${SEQS} sequences, ${commands} commands, ${divergences} divergences`);
      expect(first).toEqual([]);
      expect(k).toBe(results.length);
      expect(commands).toBeGreaterThan(SEQS * 3);
    });
  }
});
