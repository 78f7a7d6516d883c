// The series' libxl SEV-ES launch (xen-overlay/files/tools/libs/light/
// libxl_sev.c) compiled in userspace with a stand-in for the libxl internals
// it uses (test/c/libxl-launch/shim) and a fake libxc (fake-xc.c) that does
// what the hypervisor does for XEN_DOMCTL_sev_launch (launch-abi.md) with the
// firmware model behind a long-lived `xen-sev fw serve`. Its status names
// come from the header the series renders for libxl.
//
// Expected values are computed here, independently of the C: the launch
// measurement as AMD 55766 (LAUNCH_MEASURE) defines it, HMAC-SHA-256 under
// the TIK of 0x04 || API_MAJOR || API_MINOR || BUILD || POLICY || the SHA-256
// launch digest of the plaintext given to LAUNCH_UPDATE_DATA/VMSA in order ||
// MNONCE, with the model's test host (its TIK, MNONCE and firmware version);
// status codes from AMD 55766's status table; command order from the SEV API
// launch flow (chapter 6: LAUNCH_START, ACTIVATE, LAUNCH_UPDATE_DATA,
// LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE, LAUNCH_FINISH).
import { execa } from 'execa';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { emitXenHeader } from '../../generators/emit/xen-header/emit.ts';
import { DEFAULT_HOST } from '../../lib/firmware/model.ts';
import { identifiers } from '../../lib/patches/used.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, tempDir } from '../helpers/cc.ts';
import { Rng } from '../harness/rng.ts';
import { writeSevLaunchAbi, writeXcSevDecls } from '../helpers/sev-launch-abi.ts';

const LIBXL_SEV = join(REPO_ROOT, 'xen-overlay/files/tools/libs/light/libxl_sev.c');
const HERE = join(REPO_ROOT, 'test/c/libxl-launch');
const SERVER = [process.execPath, join(REPO_ROOT, 'bin/xen-sev'), 'fw', 'serve'];

// AMD 55766, Status Codes.
const WBINVD_REQUIRED = 0x0e;
const HWERROR_PLATFORM = 0x13;
const UNSUPPORTED = 0x15;
// libxl.h error codes.
const ERROR_FAIL = -3;
const ERROR_INVAL = -6;
const ERROR_NOTFOUND = -20;
// AMD 55766 LAUNCH_MEASURE: the context byte opening the HMAC.
const MEASUREMENT_CTX = 0x04;
// AMD 55766, Appendix: SEV Certificate Format (0x824 bytes) and the LAUNCH_START session buffer (0x80).
const CERT_BYTES = 0x824;
const SESSION_BYTES = 0x80;
const PAGE = 4096;

async function build(cc: string): Promise<string> {
  const dir = tempDir('libxl-launch');
  writeSevLaunchAbi(dir);
  writeXcSevDecls(dir);
  // As the series renders it for libxl: only what libxl_sev.c uses.
  const used = identifiers(readFileSync(LIBXL_SEV, 'utf8'));
  const header = emitXenHeader(projectModel(), { module: 'sev_api', title: 'SEV firmware statuses and sizes libxl uses', fileName: 'libxl_sev_api.h', guard: 'LIBXL_SEV_API_H', used, tools: true });
  writeFileSync(join(dir, 'libxl_sev_api.h'), header.contents);
  const exe = join(dir, 'libxl-launch-harness');
  const flags = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-Wmissing-prototypes'];
  await execa(cc, [...flags, '-I', dir, '-I', join(HERE, 'shim'), '-I', HERE, '-I', join(REPO_ROOT, 'generated/c'), LIBXL_SEV, join(HERE, 'fake-xc.c'), join(HERE, 'harness.c'), '-o', exe]);
  return exe;
}

async function run(exe: string, script: string[]): Promise<string[]> {
  const r = await execa(exe, ['--', ...SERVER], { input: `${script.join('\n')}\n` });
  return r.stdout.split('\n');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fw = (lines: string[]) => lines.filter((l) => l.startsWith('fw '));
const logs = (lines: string[]) => lines.filter((l) => l.startsWith('log '));
const stateOf = (lines: string[]) => lines.filter((l) => l.startsWith('state ')).map((l) => JSON.parse(l.slice(6)));

/** The SEV API's launch measurement, from the plaintext pages in LAUNCH_UPDATE order. */
function measurement(policy: number, pages: Uint8Array[], withCert: boolean): string {
  const ld = createHash('sha256');
  for (const p of pages) ld.update(p);
  const pol = Buffer.alloc(4);
  pol.writeUInt32LE(policy);
  const tik = withCert ? DEFAULT_HOST.tik : new Uint8Array(16);
  return createHmac('sha256', tik)
    .update(Uint8Array.of(MEASUREMENT_CTX, DEFAULT_HOST.apiMajor, DEFAULT_HOST.apiMinor, DEFAULT_HOST.build))
    .update(pol)
    .update(ld.digest())
    .update(DEFAULT_HOST.mnonce)
    .digest('hex');
}

interface Plan {
  domid: number;
  policy: number;
  vcpus: Uint8Array[];
  /** Ranges as libxl is given them (may overlap), and the frames' contents. */
  ranges: [number, number][];
  frames: Map<number, Uint8Array>;
  cert: string | null;
  session: string | null;
}

function randomPlan(rng: Rng, withCert: boolean): Plan {
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.below(256));
  const ranges: [number, number][] = [];
  const frames = new Map<number, Uint8Array>();
  const n = 1 + rng.below(4);
  for (let i = 0; i < n; i++) {
    const gfn = rng.below(3) === 0 && ranges.length > 0 ? ranges[0]![0] + rng.below(3) : 0x100 + rng.below(0x2000);
    const nr = 1 + rng.below(6);
    ranges.push([gfn, nr]);
    for (let f = gfn; f < gfn + nr; f++) if (!frames.has(f)) frames.set(f, bytes(PAGE));
  }
  const k = 1 + rng.below(8);
  return {
    domid: 1 + rng.below(1000),
    policy: rng.below(2) === 0 ? 0 : 0x4 | rng.below(2) | (rng.below(2) << 3),
    vcpus: Array.from({ length: k }, () => bytes(PAGE)),
    ranges,
    frames,
    cert: withCert ? Buffer.from(bytes(CERT_BYTES)).toString('base64') : null,
    session: withCert ? Buffer.from(bytes(SESSION_BYTES)).toString('base64') : null,
  };
}

function script(p: Plan): string[] {
  return [
    'reset',
    'boot',
    ...[...p.frames].map(([gfn, b]) => `guest ${gfn.toString(16)} ${hex(b)}`),
    ...p.vcpus.map((b, i) => `vmsa ${i} ${hex(b)}`),
    `vcpus ${p.vcpus.length}`,
    ...p.ranges.map(([g, n]) => `range ${g.toString(16)} ${n}`),
    'ranges',
    `launch ${p.domid} es ${p.policy.toString(16)} ${p.cert ?? '-'} ${p.session ?? '-'}`,
    'state',
  ];
}

/** The frames each range covers, once each, in ascending order (what must be encrypted). */
function framesInOrder(p: Plan): number[] {
  const s = new Set<number>();
  for (const [g, n] of p.ranges) for (let f = g; f < g + n; f++) s.add(f);
  return [...s].sort((a, b) => a - b);
}

const BOOT = ['fw INIT 0', `fw DF_FLUSH ${WBINVD_REQUIRED.toString(16)}`, 'fw DF_FLUSH 0'];

describe('xen-overlay libxl_sev.c against the firmware model', async () => {
  for (const cc of await compilers()) {
    const exe = build(cc);

    it(`${cc}: full launches, with and without dh_cert/session, k vCPUs, N frames: the measurement is the SEV API's`, async () => {
      const rng = new Rng(0x1a11);
      let sequences = 0;
      let commands = 0;
      let divergences = 0;
      const first: string[] = [];
      for (let s = 0; s < 24; s++) {
        const p = randomPlan(rng, s % 2 === 1);
        const out = await run(await exe, script(p));
        const order = framesInOrder(p);
        const policy = p.policy || 0x5; // xl.cfg(5): no coco_policy is 0x5, ES and NODBG
        const want = measurement(policy, [...order.map((f) => p.frames.get(f)!), ...p.vcpus], p.cert !== null);
        const wantFw = [
          ...BOOT,
          'fw LAUNCH_START 0',
          'fw ACTIVATE 0',
          ...order.map(() => 'fw LAUNCH_UPDATE_DATA 0'),
          ...p.vcpus.map(() => 'fw LAUNCH_UPDATE_VMSA 0'),
          'fw LAUNCH_MEASURE 0',
          'fw LAUNCH_FINISH 0',
        ];
        const mnonce = hex(DEFAULT_HOST.mnonce);
        const got = {
          fw: fw(out),
          logs: logs(out),
          rc: out.find((l) => l.startsWith('rc ')),
          m: out.find((l) => l.startsWith('measurement ')),
          xs: out.filter((l) => l.startsWith('xs ')),
          start: out.find((l) => l.startsWith('xc start')),
        };
        const expected = {
          fw: wantFw,
          logs: [],
          rc: 'rc 0 failed 0',
          m: `measurement ${want} mnonce ${mnonce}`,
          xs: [`xs /libxl/${p.domid}/sev/measurement ${want}`, `xs /libxl/${p.domid}/sev/mnonce ${mnonce}`],
          start: `xc start policy ${policy.toString(16)} cert ${p.cert ? CERT_BYTES : 0} session ${p.session ? SESSION_BYTES : 0}`,
        };
        sequences++;
        commands += got.fw.length;
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          divergences++;
          if (first.length === 0) first.push(JSON.stringify({ plan: p.ranges, got, expected }).slice(0, 2000));
        }
        const [st] = stateOf(out);
        expect(st.guests).toEqual([{ handle: 1, state: 'RUNNING', asid: 1, policy }]);
        expect(st.asids['1']).toBe('in_use');
      }
      console.log(`libxl launch (${cc}): ${sequences} sequences, ${commands} firmware commands, ${divergences} divergences`);
      expect(first).toEqual([]);
      expect(divergences).toBe(0);
    });

    it(`${cc}: the frames recorded from the domain builder's image: every loaded range, each frame once`, async () => {
      const out = await run(await exe, [
        // hvmloader at 0x100 (4 frames), OVMF below 4 GiB as a firmware module, ACPI
        // tables overlapping each other and touching the kernel, SMBIOS inside a frame.
        'dom kernel=100:4 firmware=ffe00000:200000 acpi=fc000000:1800 acpi=fc001000:2000 acpi=104000:10 smbios=fc00a010:20 start_info=200:1',
        'ranges',
        'dom module=300:3 module=302:5',
        'ranges',
      ]);
      expect(out).toContain('record rc 0');
      // kernel 0x100..0x103 + ACPI module at 0x104000 (frame 0x104) merge; 0xfc000..0xfc002 from the
      // two ACPI modules; 0xfc00a for SMBIOS; 0xffe00 + 0x200 frames of firmware.
      expect(out.filter((l) => l.startsWith('ranges '))).toEqual([
        'ranges 100:5 200:1 fc000:3 fc00a:1 ffe00:512',
        'ranges 100:5 200:1 300:7 fc000:3 fc00a:1 ffe00:512',
      ]);
    });

    it(`${cc}: not an SEV-ES guest: no firmware command, no measurement`, async () => {
      const out = await run(await exe, ['boot', 'range 100 2', 'launch 7 none 0 - -']);
      expect(fw(out)).toEqual(BOOT);
      expect(out).toContain('rc 0 failed 0');
      expect(out).toContain(`measurement rc ${ERROR_NOTFOUND}`);
      expect(logs(out)).toEqual([]);
    });

    it(`${cc}: xl.cfg values libxl refuses before the firmware: one line each, no firmware command`, async () => {
      const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
      const cases: [string, string][] = [
        ['1 - -', 'coco_policy=0x1: coco="sev-es" needs the ES bit (0x4) of the SEV guest policy'],
        [`5 ${b64(CERT_BYTES)} -`, 'coco_dh_cert and coco_session are given together: LAUNCH_START takes both or neither'],
        [`5 - ${b64(SESSION_BYTES)}`, 'coco_dh_cert and coco_session are given together: LAUNCH_START takes both or neither'],
        [`5 ${b64(CERT_BYTES - 1)} ${b64(SESSION_BYTES)}`, `coco_dh_cert: is ${CERT_BYTES - 1} bytes, the firmware takes ${CERT_BYTES}`],
        [`5 ${b64(CERT_BYTES)} ${b64(SESSION_BYTES + 3)}`, `coco_session: is ${SESSION_BYTES + 3} bytes, the firmware takes ${SESSION_BYTES}`],
        [`5 ${b64(CERT_BYTES).replace('B', '*')} ${b64(SESSION_BYTES)}`, 'coco_dh_cert: not valid base64'],
        [`5 ${b64(CERT_BYTES)} ${b64(SESSION_BYTES).slice(1)}`, 'coco_session: not valid base64'],
      ];
      for (const [args, line] of cases) {
        const out = await run(await exe, ['boot', 'range 100 1', `launch 3 es ${args}`]);
        expect(fw(out)).toEqual(BOOT);
        expect(logs(out)).toEqual([`log ERROR ${line}`]);
        expect(out).toContain(`rc ${ERROR_INVAL} failed 0`);
        expect(out).toContain(`measurement rc ${ERROR_NOTFOUND}`);
      }
    });

    it(`${cc}: the firmware refuses the policy (platform INIT without SEV-ES): one line naming LAUNCH_START and UNSUPPORTED`, async () => {
      const out = await run(await exe, ['reset', 'boot noes', 'range 100 1', 'launch 3 es 5 - -', 'destroy', 'state']);
      expect(fw(out)).toEqual(['fw INIT 0', `fw DF_FLUSH ${WBINVD_REQUIRED.toString(16)}`, 'fw DF_FLUSH 0', `fw LAUNCH_START ${UNSUPPORTED.toString(16)}`]);
      expect(logs(out)).toEqual([`log ERROR SEV-ES launch of domain 3 failed: LAUNCH_START: UNSUPPORTED (0x${UNSUPPORTED.toString(16)})`]);
      expect(out).toContain(`rc ${ERROR_FAIL} failed 1`);
      expect(stateOf(out)[0].guests).toEqual([]);
    });

    it(`${cc}: a domain launched already: Xen refuses the step out of order (EBUSY), one line, no firmware command`, async () => {
      const out = await run(await exe, ['reset', 'boot', 'range 100 1', 'launch 6 es 5 - -', 'range 100 1', 'launch 6 es 5 - -', 'state']);
      // The first launch runs through; the second is stopped by Xen before the firmware.
      expect(fw(out)).toEqual([...BOOT, 'fw LAUNCH_START 0', 'fw ACTIVATE 0', 'fw LAUNCH_UPDATE_DATA 0', 'fw LAUNCH_UPDATE_VMSA 0', 'fw LAUNCH_MEASURE 0', 'fw LAUNCH_FINISH 0']);
      expect(out.filter((l) => l.startsWith('rc '))).toEqual(['rc 0 failed 0', `rc ${ERROR_FAIL} failed 1`]);
      expect(logs(out)).toEqual(['log ERROR SEV-ES launch of domain 6 failed: LAUNCH_START: out of order, the domain was launched before or has run']);
      expect(stateOf(out)[0].guests).toEqual([{ handle: 1, state: 'RUNNING', asid: 1, policy: 5 }]);
    });

    it(`${cc}: frames Xen refuses for UPDATE_DATA (EINVAL: not the domain's RAM): one line naming the range, after the good ones`, async () => {
      // The fake hypervisor's domain has RAM below frame 0x1000000; the second range runs past it.
      const out = await run(await exe, ['reset', 'boot', 'range 100 2', 'range fffffe 3', 'launch 2 es 5 - -']);
      expect(fw(out)).toEqual([...BOOT, 'fw LAUNCH_START 0', 'fw ACTIVATE 0', 'fw LAUNCH_UPDATE_DATA 0', 'fw LAUNCH_UPDATE_DATA 0']);
      expect(logs(out)).toEqual([`log ERROR SEV-ES launch of domain 2 failed: LAUNCH_UPDATE_DATA of frames 0xfffffe-0x1000000: Invalid argument`]); // glibc's strerror(EINVAL)
      expect(out).toContain(`rc ${ERROR_FAIL} failed 1`);
    });

    it(`${cc}: memory encryption off: INIT failed at boot, Xen has no firmware: one line`, async () => {
      const out = await run(await exe, ['host memory_encryption=off', 'reset', 'boot', 'range 100 1', 'launch 4 es 5 - -']);
      expect(fw(out)).toEqual([`fw INIT ${HWERROR_PLATFORM.toString(16)}`]);
      expect(logs(out)).toEqual(['log ERROR SEV-ES launch of domain 4 failed: LAUNCH_START: Xen has no SEV firmware to launch it with (`xl dmesg` says why)']);
      expect(out).toContain(`rc ${ERROR_FAIL} failed 1`);
    });

    it(`${cc}: a PSP that stops answering at each step: ETIMEDOUT, one line naming the step; nothing is issued after it`, async () => {
      // The domctl step a stalled firmware command belongs to.
      const steps: [string, string][] = [
        ['LAUNCH_START', 'LAUNCH_START'],
        ['ACTIVATE', 'LAUNCH_START'],
        // libxl names the frames of the range it was at ('range 100 3' below).
        ['LAUNCH_UPDATE_DATA', 'LAUNCH_UPDATE_DATA of frames 0x100-0x102'],
        ['LAUNCH_UPDATE_VMSA', 'LAUNCH_UPDATE_VMSA'],
        ['LAUNCH_MEASURE', 'LAUNCH_MEASURE'],
        ['LAUNCH_FINISH', 'LAUNCH_FINISH'],
      ];
      for (const [cmd, step] of steps) {
        const out = await run(await exe, ['boot', `host stall=${cmd}`, 'vcpus 2', 'range 100 3', 'launch 5 es 5 - -']);
        expect(fw(out).at(-1)).toBe(`fw ${cmd} stall`);
        expect(fw(out).filter((l) => l.endsWith('stall'))).toHaveLength(1);
        expect(logs(out)).toEqual([`log ERROR SEV-ES launch of domain 5 failed: ${step}: the AMD Secure Processor did not answer`]);
        expect(out).toContain(`rc ${ERROR_FAIL} failed 1`);
        expect(out).toContain(`measurement rc ${ERROR_NOTFOUND}`);
      }
    });
  }
});
