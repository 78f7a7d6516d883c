// The series' SEV-ES launch (xen-overlay/.../sev-launch.c) and the PSP driver
// as the launch patch leaves it (sev-psp.c with the patch's hunk applied),
// compiled in userspace by test/c/launch/ with the Xen services stood in for
// and the mailbox bound to the firmware model behind `xen-sev fw serve`.
// Expected statuses come from the firmware model (and `fw rules`), the
// expected measurement from the model computing it alone over the pages and
// the VMSAs this test lays out from the schema's VMSA layout, never from the C.
import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { emitXenHeader } from '../../generators/emit/xen-header/emit.ts';
import { writeU } from '../../lib/firmware/buffer.ts';
import { FirmwareModel } from '../../lib/firmware/model.ts';
import { identifiers } from '../../lib/patches/used.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, STRICT_FLAGS, tempDir } from '../helpers/cc.ts';
import { writeSevLaunchAbi } from '../helpers/sev-launch-abi.ts';

const SVM_PATH = 'xen/arch/x86/hvm/svm';
const FILES = join(REPO_ROOT, 'xen-overlay/files', SVM_PATH);
const DIFF = join(REPO_ROOT, 'xen-overlay/targets/staging/sev-launch.diff');
const HERE = join(REPO_ROOT, 'test/c/launch');
const SERVER = [process.execPath, join(REPO_ROOT, 'bin/xen-sev'), 'fw', 'serve'];
const model = projectModel();

// AMD 55766 command ids and status codes.
const CMD = { INIT: 0x1, PLATFORM_STATUS: 0x4, DF_FLUSH: 0xa, DECOMMISSION: 0x20, ACTIVATE: 0x21, DEACTIVATE: 0x22, LAUNCH_START: 0x30, LAUNCH_UPDATE_DATA: 0x31, LAUNCH_UPDATE_VMSA: 0x32, LAUNCH_MEASURE: 0x33, LAUNCH_FINISH: 0x35 } as const;
const NAMES = Object.fromEntries(Object.entries(CMD).map(([k, v]) => [v, k])) as Record<number, string>;
// Linux errno values the hypervisor returns.
const E = { EINVAL: -22, EBUSY: -16, EIO: -5, EOPNOTSUPP: -95, ETIMEDOUT: -110, EFAULT: -14 } as const;
// SEV policy: NODBG | ES (AMD 55766, Guest Policy).
const POLICY = 0x5;
const ASID = 1;

/** The diff's added lines for one file (what the patch inserts). */
function addedLines(diff: string, path: string): string[] {
  const part = diff.split(/^diff --git /m).find((p) => p.startsWith(`a/${path} `));
  if (part === undefined) throw new Error(`${path} not in the diff`);
  return part.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1));
}

async function build(cc: string): Promise<string> {
  const dir = tempDir('overlay-launch');
  const svm = join(dir, SVM_PATH);
  mkdirSync(svm, { recursive: true });
  for (const f of ['sev-psp.c', 'sev-launch.c', 'sev.h']) copyFileSync(join(FILES, f), join(svm, f));
  // sev-psp.c as the launch patch leaves it: the patch's own hunk, applied.
  await execa('git', ['apply', `--include=${SVM_PATH}/sev-psp.c`, DIFF], { cwd: dir });
  // sev.h: what the patch declares, appended before the guard's end.
  const diff = readFileSync(DIFF, 'utf8');
  const sevh = readFileSync(join(svm, 'sev.h'), 'utf8');
  const at = sevh.indexOf('#endif /* X86_HVM_SVM_SEV_H */');
  writeFileSync(join(svm, 'sev.h'), sevh.slice(0, at) + addedLines(diff, `${SVM_PATH}/sev.h`).join('\n') + '\n' + sevh.slice(at));
  const used = new Set([...identifiers(readFileSync(join(svm, 'sev-psp.c'), 'utf8')), ...identifiers(readFileSync(join(svm, 'sev-launch.c'), 'utf8'))]);
  const hdr = (module: string, fileName: string, guard: string, names: Set<string>) =>
    writeFileSync(join(svm, fileName), emitXenHeader(model, { module, title: module, fileName, guard, used: names }).contents);
  hdr('sev_api', 'sev-api.h', 'X86_HVM_SVM_SEV_API_H', used);
  writeSevLaunchAbi(svm);
  hdr('vmsa', 'sev-vmsa.h', 'X86_HVM_SVM_SEV_VMSA_H', used);
  const exe = join(dir, 'launch-harness');
  await execa(cc, [...STRICT_FLAGS, '-Wno-pedantic', '-Wno-unused-parameter', '-Wno-format', '-Wno-unused-function', '-I', svm, '-I', join(HERE, 'shim'), '-I', join(REPO_ROOT, 'test/c/psp/shim'), join(HERE, 'launch-harness.c'), '-o', exe]);
  return exe;
}

async function run(exe: string, script: string[]): Promise<string[]> {
  const r = await execa(exe, ['--', ...SERVER], { input: `${script.join('\n')}\n`, reject: false });
  if (r.exitCode !== 0) throw new Error(`launch-harness exited ${r.exitCode}: ${r.stderr}\n${r.stdout.split('\n').slice(-5).join('\n')}`);
  return r.stdout.split('\n');
}

const mbox = (lines: string[]) => lines.filter((l) => l.startsWith('mbox ')).map((l) => { const [, id, st] = l.split(' '); return `${NAMES[parseInt(id!, 16)] ?? id} ${st}`; });
const rcs = (lines: string[]) => lines.filter((l) => l.startsWith('rc '));
const logs = (lines: string[]) => lines.filter((l) => l.startsWith('log '));
const hx = (n: number) => n.toString(16);

// A guest: frames (gfn, seed; byte i = seed + 7 i) and vCPU states.
interface Guest { frames: { gfn: number; seed: number }[]; vcpus: Record<string, bigint>[] }
const GUEST: Guest = {
  frames: Array.from({ length: 6 }, (_, i) => ({ gfn: 0x100 + i, seed: 0x11 * (i + 1) })),
  vcpus: [
    { rip: 0xfff0n, 'cs.sel': 0xf000n, 'cs.base': 0xffff0000n, 'cs.limit': 0xffffn, 'cs.attr': 0x9bn, 'ss.attr': 0x93n, 'tr.attr': 0x8bn, 'tr.limit': 0xffffn, 'gdtr.limit': 0xffffn, 'idtr.limit': 0xffffn, cr0: 0x60000010n, efer: 0x1000n, rflags: 2n, dr6: 0xffff0ff0n, dr7: 0x400n, g_pat: 0x7040600070406n, rdx: 0x800f12n, xcr0: 1n },
    { rip: 0x1000n, rsp: 0x8000n, rbx: 0x1234n, r8: 0x88n, r15: 0xf15n, rsi: 5n, rdi: 6n, rbp: 7n, rcx: 3n, cr3: 0x9000n, cr4: 0x20n, cpl: 0n, star: 0x10n, lstar: 0xffffffff81000000n, rflags: 0x202n },
    { rip: 0x2000n, rax: 0xaan, cr2: 0x77n },
  ],
};

function frameBytes(seed: number): Uint8Array {
  return Uint8Array.from({ length: 4096 }, (_, i) => (seed + 7 * i) & 0xff);
}

/** The VMSA a vCPU's state should become, laid out from the schema (AMD 24593 Table B-4). */
function expectedVmsa(state: Record<string, bigint>): Uint8Array {
  const vmsa = model.structs.get('sev_es_save_area')!;
  const seg = model.structs.get('vmcb_seg')!;
  const out = new Uint8Array(vmsa.size);
  const segNames: Record<string, string> = { sel: 'selector', attr: 'attrib', limit: 'limit', base: 'base' };
  const plain: Record<string, string> = { kerngsbase: 'kernel_gs_base' };
  for (const [k, v] of Object.entries(state)) {
    if (k.includes('.')) {
      const [s, f] = k.split('.') as [string, string];
      const base = vmsa.fields.find((x) => x.name === s)!.offset;
      const sub = new Uint8Array(seg.size);
      writeU(seg, sub, segNames[f]!, v);
      for (let i = 0; i < seg.size; i++) out[base + i]! |= sub[i]!;
    } else writeU(vmsa, out, plain[k] ?? k, v);
  }
  // XCR0 as at reset when the toolstack set none (x87 | SSE); FCW and MXCSR at their reset values (AMD 24593 vol. 2, Table 14-1).
  if (state.xcr0 === undefined) writeU(vmsa, out, 'xcr0', 3n);
  writeU(vmsa, out, 'x87_fcw', 0x37fn);
  writeU(vmsa, out, 'mxcsr', 0x1f80n);
  return out;
}

/** The measurement the model computes alone for a launch of `g`. */
function modelMeasurement(g: Guest, policy = POLICY): { measurement: string; mnonce: string; statuses: string[] } {
  const fw = new FirmwareModel();
  const st = (name: string, id: number, fields: Record<string, bigint>) => {
    const s = model.structs.get(name)!;
    const buf = new Uint8Array(s.size);
    for (const [k, v] of Object.entries(fields)) writeU(s, buf, k, v);
    const r = fw.execute(id, buf);
    return { r, buf: r.buffer, s };
  };
  const statuses: string[] = [];
  st('sev_data_init', CMD.INIT, { flags: 1n, tmr_address: 0x4000000n, tmr_len: 0x100000n });
  fw.wbinvd();
  fw.execute(CMD.DF_FLUSH, new Uint8Array(0));
  const start = st('sev_data_launch_start', CMD.LAUNCH_START, { policy: BigInt(policy) });
  statuses.push(start.r.statusName!);
  const handle = BigInt(new DataView(start.buf.buffer).getUint32(0, true));
  statuses.push(st('sev_data_activate', CMD.ACTIVATE, { handle, asid: BigInt(ASID) }).r.statusName!);
  let addr = 0x10000000n;
  for (const f of g.frames) {
    fw.memory.write(addr, frameBytes(f.seed));
    statuses.push(st('sev_data_launch_update_data', CMD.LAUNCH_UPDATE_DATA, { handle, address: addr, len: 4096n }).r.statusName!);
    addr += 0x1000n;
  }
  for (const v of g.vcpus) {
    fw.memory.write(addr, expectedVmsa(v));
    statuses.push(st('sev_data_launch_update_vmsa', CMD.LAUNCH_UPDATE_VMSA, { handle, address: addr, len: 4096n }).r.statusName!);
    addr += 0x1000n;
  }
  statuses.push(st('sev_data_launch_measure', CMD.LAUNCH_MEASURE, { handle, address: addr, len: 48n }).r.statusName!);
  const mb = fw.memory.read(addr, 48);
  return { measurement: Buffer.from(mb.subarray(0, 32)).toString('hex'), mnonce: Buffer.from(mb.subarray(32)).toString('hex'), statuses };
}

function setup(d: number, g: Guest, asid = ASID): string[] {
  const lines = [`domain ${d} ${asid} ${g.vcpus.length}`];
  for (const f of g.frames) lines.push(`frame ${d} ${hx(f.gfn)} ram ${hx(f.seed)}`);
  g.vcpus.forEach((v, i) => {
    const regs = Object.entries(v).map(([k, x]) => `${k}=${x.toString(16)}`);
    if (regs.length > 0) lines.push(`vcpu ${d} ${i} ${regs.join(' ')}`);
  });
  return lines;
}

const START_BUF = `00000000${'05000000'}${'00'.repeat(28)}`;
const MEASURE_BUF = '01000000' + '00000000' + '0000002000000000' + '30000000';

/** One command on a model, its buffer laid out from the schema. */
function exec(fw: FirmwareModel, struct: string | null, id: number, fields: Record<string, bigint> = {}) {
  if (struct === null) return fw.execute(id, new Uint8Array(0));
  const s = model.structs.get(struct)!;
  const buf = new Uint8Array(s.size);
  for (const [k, v] of Object.entries(fields)) writeU(s, buf, k, v);
  return fw.execute(id, buf);
}

const launch = (d: number, g: Guest) => [`start ${d} ${hx(POLICY)} 0 0`, `data ${d} ${hx(g.frames[0]!.gfn)} ${g.frames.length}`, `vmsa ${d}`, `measure ${d}`, `finish ${d}`];

describe('xen-overlay sev-launch.c against the firmware model', async () => {
  let sequences = 0;
  let commands = 0;
  const divergences: string[] = [];
  const count = (out: string[]) => {
    sequences++;
    commands += mbox(out).length;
  };

  for (const cc of await compilers()) {
    const exe = build(cc);

    it(`${cc}: a full SEV-ES launch: the firmware's measurement is the one the model computes alone`, async () => {
      const out = await run(await exe, ['boot', ...setup(1, GUEST), ...launch(1, GUEST), 'sealed 1', 'state']);
      count(out);
      const n = GUEST.frames.length;
      expect(mbox(out)).toEqual([
        'PLATFORM_STATUS 0', 'INIT 0', 'DF_FLUSH e', 'DF_FLUSH 0', 'PLATFORM_STATUS 0',
        'LAUNCH_START 0', 'ACTIVATE 0',
        ...Array(n).fill('LAUNCH_UPDATE_DATA 0'),
        ...Array(GUEST.vcpus.length).fill('LAUNCH_UPDATE_VMSA 0'),
        'LAUNCH_MEASURE 0', 'LAUNCH_FINISH 0',
      ]);
      expect(rcs(out)).toEqual(['rc start 0 0', 'rc data 0 0', 'rc vmsa 0 0', 'rc measure 0 0', 'rc finish 0 0']);
      // Every frame is flushed from the caches before the firmware encrypts it.
      const flushes = out.filter((l) => l.startsWith('flush '));
      expect(flushes).toHaveLength(n + GUEST.vcpus.length);
      const first = out.findIndex((l) => l.startsWith('flush '));
      expect(out[first + 1]).toBe(`mbox ${hx(CMD.LAUNCH_UPDATE_DATA)} 0`);
      expect(out).toContain(`data ${hx(GUEST.frames[0]!.gfn + n)} 0 0`);
      const want = modelMeasurement(GUEST);
      const got = out.find((l) => l.startsWith('measure '))!.split(' ');
      if (got[1] !== want.measurement) divergences.push(`measurement ${got[1]} != ${want.measurement}`);
      expect(got[1]).toBe(want.measurement);
      expect(got[2]).toBe(want.mnonce);
      expect(out).toContain('sealed 1');
      const state = JSON.parse(out.find((l) => l.startsWith('state '))!.slice(6));
      expect(state.guests).toEqual([{ handle: 1, state: 'RUNNING', asid: ASID, policy: POLICY }]);
      expect(logs(out)).toEqual(['log info SEV: firmware API 1.52 build 4: platform INIT, SEV-ES']);
    });

    it(`${cc}: destroy (DEACTIVATE, DECOMMISSION), then a second domain on the same ASID: DF_FLUSH before ACTIVATE`, async () => {
      const out = await run(await exe, ['boot', ...setup(1, GUEST), ...launch(1, GUEST), 'destroy 1', 'state', ...setup(2, GUEST), ...launch(2, GUEST), 'destroy 2', 'state']);
      count(out);
      const m = mbox(out);
      const firstEnd = m.indexOf('LAUNCH_FINISH 0');
      expect(m.slice(firstEnd + 1, firstEnd + 6)).toEqual(['DEACTIVATE 0', 'DECOMMISSION 0', 'LAUNCH_START 0', 'DF_FLUSH 0', 'ACTIVATE 0']);
      expect(m.slice(-2)).toEqual(['DEACTIVATE 0', 'DECOMMISSION 0']);
      const states = out.filter((l) => l.startsWith('state ')).map((l) => JSON.parse(l.slice(6)));
      expect(states[0].guests).toEqual([]);
      // A deactivated running guest leaves its ASID dirty (fw rules: DF_FLUSH check).
      expect(states[0].asids[ASID]).toBe('dirty');
      expect(states[1].guests).toEqual([]);
      expect(out.filter((l) => l.startsWith('refs '))).toEqual(['refs 0', 'refs 0']);
      // The model confirms the flush is needed: ACTIVATE on the dirty ASID without it.
      const raw = await run(await exe, ['boot', ...setup(1, GUEST), ...launch(1, GUEST), 'destroy 1', `fw cmd ${hx(CMD.LAUNCH_START)} ${START_BUF}`, `fw cmd ${hx(CMD.ACTIVATE)} 0200000001000000`]);
      expect(raw.filter((l) => l.startsWith('fw ')).map((l) => l.split(' ')[1])).toEqual(['0', 'f']);
      expect(rcs(out).filter((l) => !l.endsWith(' 0 0'))).toEqual([]);
    });

    it(`${cc}: every step out of order is -EBUSY from the hypervisor, the firmware never asked`, async () => {
      const g: Guest = { frames: GUEST.frames.slice(0, 2), vcpus: GUEST.vcpus.slice(0, 1) };
      const steps = ['data 1 100 1', 'vmsa 1', 'measure 1', 'finish 1'];
      const script = ['boot', ...setup(1, g), ...steps, `start 1 ${hx(POLICY)} 0 0`, `start 1 ${hx(POLICY)} 0 0`, 'measure 1', 'finish 1', 'data 1 100 2', 'vmsa 1', 'data 1 100 1', 'vmsa 1', 'finish 1', 'measure 1', 'measure 1', 'vmsa 1', 'finish 1', 'finish 1', 'data 1 100 1', 'run 1', 'start 1 5 0 0'];
      const out = await run(await exe, script);
      count(out);
      expect(rcs(out)).toEqual([
        `rc data ${E.EBUSY} 0`, `rc vmsa ${E.EBUSY} 0`, `rc measure ${E.EBUSY} 0`, `rc finish ${E.EBUSY} 0`,
        'rc start 0 0', `rc start ${E.EBUSY} 0`, `rc measure ${E.EBUSY} 0`, `rc finish ${E.EBUSY} 0`,
        'rc data 0 0', 'rc vmsa 0 0', `rc data ${E.EBUSY} 0`, `rc vmsa ${E.EBUSY} 0`, `rc finish ${E.EBUSY} 0`,
        'rc measure 0 0', `rc measure ${E.EBUSY} 0`, `rc vmsa ${E.EBUSY} 0`, 'rc finish 0 0', `rc finish ${E.EBUSY} 0`, `rc data ${E.EBUSY} 0`,
        `rc start ${E.EBUSY} 0`,
      ]);
      // Only the accepted steps reached the mailbox.
      expect(mbox(out).slice(5)).toEqual(['LAUNCH_START 0', 'ACTIVATE 0', 'LAUNCH_UPDATE_DATA 0', 'LAUNCH_UPDATE_DATA 0', 'LAUNCH_UPDATE_VMSA 0', 'LAUNCH_MEASURE 0', 'LAUNCH_FINISH 0']);
    });

    it(`${cc}: where the hypervisor lets a step through, the firmware's wrong state comes back as -EIO with its status`, async () => {
      // Behind the hypervisor's back the guest is measured (LSECRET), then decommissioned.
      const out = await run(await exe, ['boot', ...setup(1, GUEST), `start 1 ${hx(POLICY)} 0 0`, `fw cmd ${hx(CMD.LAUNCH_MEASURE)} ${MEASURE_BUF}`, 'data 1 100 1', 'vmsa 1', `fw cmd ${hx(CMD.DEACTIVATE)} 01000000`, `fw cmd ${hx(CMD.DECOMMISSION)} 01000000`, 'vmsa 1', 'data 1 100 1']);
      count(out);
      // The same commands on the model alone.
      const fw = new FirmwareModel();
      exec(fw, 'sev_data_init', CMD.INIT, { flags: 1n, tmr_address: 0x4000000n, tmr_len: 0x100000n });
      fw.wbinvd();
      exec(fw, null, CMD.DF_FLUSH);
      exec(fw, 'sev_data_launch_start', CMD.LAUNCH_START, { policy: BigInt(POLICY) });
      exec(fw, 'sev_data_activate', CMD.ACTIVATE, { handle: 1n, asid: BigInt(ASID) });
      exec(fw, 'sev_data_launch_measure', CMD.LAUNCH_MEASURE, { handle: 1n, address: 0x20000000n, len: 48n });
      const page = { handle: 1n, address: 0x10000000n, len: 4096n };
      const data = exec(fw, 'sev_data_launch_update_data', CMD.LAUNCH_UPDATE_DATA, page);
      const vmsa = exec(fw, 'sev_data_launch_update_vmsa', CMD.LAUNCH_UPDATE_VMSA, page);
      exec(fw, 'sev_data_deactivate', CMD.DEACTIVATE, { handle: 1n });
      exec(fw, 'sev_data_decommission', CMD.DECOMMISSION, { handle: 1n });
      const gone = exec(fw, 'sev_data_launch_update_vmsa', CMD.LAUNCH_UPDATE_VMSA, page);
      const gone2 = exec(fw, 'sev_data_launch_update_data', CMD.LAUNCH_UPDATE_DATA, page);
      // fw rules: LAUNCH_UPDATE_DATA/VMSA are accepted in LUPDATE only.
      const rules = JSON.parse((await execa(process.execPath, [join(REPO_ROOT, 'bin/xen-sev'), 'fw', 'rules', '--json'])).stdout) as { commands: { name: string; guest_states: string[] | null }[] };
      expect(rules.commands.find((c) => c.name === 'LAUNCH_UPDATE_DATA')!.guest_states).toEqual(['LUPDATE']);
      // Decommissioning the last guest takes the platform back to INIT (fw rules: DECOMMISSION).
      expect([data.statusName, vmsa.statusName, gone.statusName]).toEqual(['INVALID_GUEST_STATE', 'INVALID_GUEST_STATE', 'INVALID_PLATFORM_STATE']);
      expect(rcs(out)).toEqual(['rc start 0 0', `rc data ${E.EIO} ${hx(data.status!)}`, `rc vmsa ${E.EIO} ${hx(vmsa.status!)}`, `rc vmsa ${E.EIO} ${hx(gone.status!)}`, `rc data ${E.EIO} ${hx(gone2.status!)}`]);
      expect(logs(out).slice(1)).toEqual([
        `log err d1: SEV: LAUNCH_UPDATE_DATA failed: ${data.statusName} (0x${hx(data.status!)})`,
        `log err d1: SEV: LAUNCH_UPDATE_VMSA failed: ${vmsa.statusName} (0x${hx(vmsa.status!)})`,
        `log err d1: SEV: LAUNCH_UPDATE_VMSA failed: ${gone.statusName} (0x${hx(gone.status!)})`,
        `log err d1: SEV: LAUNCH_UPDATE_DATA failed: ${gone2.statusName} (0x${hx(gone2.status!)})`,
      ]);
    });

    it(`${cc}: bad arguments: -EINVAL/-EFAULT/-EOPNOTSUPP before the firmware; a continuation over many frames`, async () => {
      const g: Guest = { frames: [...GUEST.frames, { gfn: 0x200, seed: 1 }], vcpus: GUEST.vcpus.slice(0, 1) };
      const certLen = model.structs.get('sev_cert')!.size;
      const sessLen = model.structs.get('sev_session_buf')!.size;
      const out = await run(await exe, [
        'boot', ...setup(1, g), 'frame 1 300 mmio 0', 'frame 1 301 ro 0', 'domain 2 2 1 plain',
        'start 1 1 0 0', `start 1 ${hx(POLICY)} 0 0 pad`, `start 1 ${hx(POLICY)} ${certLen} 0`, `start 1 ${hx(POLICY)} ${certLen - 1} ${sessLen}`,
        `start 1 ${hx(POLICY)} ${certLen} ${sessLen} nocert`, 'op 1 9', `start 2 ${hx(POLICY)} 0 0`,
        `start 1 ${hx(POLICY)} ${certLen} ${sessLen}`,
        'data 1 300 1', 'data 1 301 1', 'data 1 999 1', 'data 1 100 6 2', 'data 1 200 1', 'data 1 1ff 2', 'destroy 1',
      ]);
      count(out);
      expect(rcs(out)).toEqual([
        `rc start ${E.EINVAL} 0`, `rc start ${E.EINVAL} 0`, `rc start ${E.EINVAL} 0`, `rc start ${E.EINVAL} 0`,
        `rc start ${E.EFAULT} 0`, `rc op ${E.EINVAL} 0`, `rc start ${E.EOPNOTSUPP} 0`,
        'rc start 0 0',
        `rc data ${E.EINVAL} 0`, `rc data ${E.EINVAL} 0`, `rc data ${E.EINVAL} 0`, 'rc data 0 0', 'rc data 0 0', `rc data ${E.EINVAL} 0`,
      ]);
      // Six frames, preempted every second one: two continuations, gfn/nr_frames advanced to the end.
      expect(out).toContain('data 106 0 2');
      // 0x1ff is not a frame of the domain: nothing done, nothing advanced.
      expect(out).toContain('data 1ff 2 0');
      expect(mbox(out).slice(5)).toEqual(['LAUNCH_START 0', 'ACTIVATE 0', ...Array(7).fill('LAUNCH_UPDATE_DATA 0'), 'DEACTIVATE 0', 'DECOMMISSION 0']);
      expect(out).toContain('refs 0');
    });

    it(`${cc}: a stalled LAUNCH_MEASURE times out (-ETIMEDOUT) and the PSP is not used again; memory encryption off: -EOPNOTSUPP`, async () => {
      const out = await run(await exe, ['host stall=LAUNCH_MEASURE', 'reset', 'boot', ...setup(1, GUEST), `start 1 ${hx(POLICY)} 0 0`, 'data 1 100 1', 'vmsa 1', 'measure 1', 'finish 1', `start 1 ${hx(POLICY)} 0 0`, 'destroy 1']);
      count(out);
      expect(rcs(out)).toEqual(['rc start 0 0', 'rc data 0 0', 'rc vmsa 0 0', `rc measure ${E.ETIMEDOUT} 0`, `rc finish ${E.EOPNOTSUPP} 0`, `rc start ${E.EOPNOTSUPP} 0`]);
      expect(mbox(out).at(-1)).toBe('LAUNCH_MEASURE stall');
      expect(logs(out)).toContain('log err SEV: LAUNCH_MEASURE timed out after 5000 ms, PSP not used');
      const off = await run(await exe, ['host memory_encryption=off', 'reset', 'boot', ...setup(1, GUEST), `start 1 ${hx(POLICY)} 0 0`]);
      count(off);
      expect(mbox(off)).toEqual(['PLATFORM_STATUS 0', 'INIT 13']);
      expect(rcs(off)).toEqual([`rc start ${E.EOPNOTSUPP} 0`]);
    });

    it(`${cc}: destroyed at every point of its launch, a guest leaves the firmware; the next one on its ASID launches after DF_FLUSH`, async () => {
      const g: Guest = { frames: GUEST.frames.slice(0, 3), vcpus: GUEST.vcpus.slice(0, 2) };
      const steps = launch(1, g);
      for (let k = 1; k <= steps.length; k++) {
        const out = await run(await exe, ['boot', ...setup(1, g), ...steps.slice(0, k), 'state', 'destroy 1', 'state', 'sealed 1', ...setup(2, g), ...launch(2, g), 'destroy 2', 'state']);
        count(out);
        const m = mbox(out).slice(5);
        // The k steps (START is LAUNCH_START + ACTIVATE), then the destruction.
        const done = m.indexOf('DEACTIVATE 0');
        expect(m.slice(done, done + 3)).toEqual(['DEACTIVATE 0', 'DECOMMISSION 0', 'LAUNCH_START 0']);
        expect(m.slice(done + 3, done + 5)).toEqual(['DF_FLUSH 0', 'ACTIVATE 0']);
        expect(m.slice(-2)).toEqual(['DEACTIVATE 0', 'DECOMMISSION 0']);
        expect(rcs(out).filter((l) => !l.endsWith(' 0 0'))).toEqual([]);
        const states = out.filter((l) => l.startsWith('state ')).map((l) => JSON.parse(l.slice(6)) as { guests: unknown[] });
        expect(states.map((s) => s.guests.length)).toEqual([1, 0, 0]);
        expect(out).toContain('sealed 0');
        expect(out.filter((l) => l.startsWith('refs '))).toEqual(['refs 0', 'refs 0']);
      }
    });

    it(`${cc}: LAUNCH_START, ACTIVATE and LAUNCH_UPDATE_VMSA refused by the firmware: -EIO with the model's status, the partial step undone or the launch closed`, async () => {
      // The statuses, from the model alone.
      const fw = new FirmwareModel();
      exec(fw, 'sev_data_init', CMD.INIT, { flags: 1n, tmr_address: 0x4000000n, tmr_len: 0x100000n });
      fw.wbinvd();
      exec(fw, null, CMD.DF_FLUSH);
      const badAsid = fw.host.minSevAsid + 2;
      exec(fw, 'sev_data_launch_start', CMD.LAUNCH_START, { policy: BigInt(POLICY) });
      const activate = exec(fw, 'sev_data_activate', CMD.ACTIVATE, { handle: 1n, asid: BigInt(badAsid) });
      exec(fw, 'sev_data_activate', CMD.ACTIVATE, { handle: 1n, asid: BigInt(ASID) });
      // The legacy VGA window is not memory the firmware takes (AMD-ASPFW validate_address_range).
      const vmsa = exec(fw, 'sev_data_launch_update_vmsa', CMD.LAUNCH_UPDATE_VMSA, { handle: 1n, address: 0xa0000n, len: 4096n });
      exec(fw, null, 0x2);
      const start = exec(fw, 'sev_data_launch_start', CMD.LAUNCH_START, { policy: BigInt(POLICY) });
      expect([activate.statusName, vmsa.statusName, start.statusName]).toEqual(['INVALID_ASID', 'INVALID_ADDRESS', 'INVALID_PLATFORM_STATE']);

      const g: Guest = { frames: GUEST.frames.slice(0, 1), vcpus: GUEST.vcpus };
      const out = await run(await exe, [
        'boot',
        // ACTIVATE refused: LAUNCH_START is undone (DECOMMISSION); START may be asked again.
        `domain 3 ${badAsid} 1`, `start 3 ${hx(POLICY)} 0 0`, 'state', `start 3 ${hx(POLICY)} 0 0`, 'sealed 3',
        // The second vCPU's VMSA refused: the first is in the measurement already, so the launch is closed.
        ...setup(1, g), 'badvmsa 1 1', `start 1 ${hx(POLICY)} 0 0`, 'data 1 100 1', 'vmsa 1', 'vmsa 1', 'measure 1', 'finish 1', 'data 1 100 1', `start 1 ${hx(POLICY)} 0 0`, 'sealed 1', 'destroy 1',
        // The first vCPU's VMSA refused: nothing measured of the VMSAs, the step may be asked again.
        ...setup(2, g), 'badvmsa 2 0', `start 2 ${hx(POLICY)} 0 0`, 'vmsa 2', 'sealed 2', 'vmsa 2', 'data 2 100 1', 'destroy 2',
        // The platform shut down behind Xen's back: LAUNCH_START refused, nothing to undo.
        'fw cmd 2', ...setup(1, g), `start 1 ${hx(POLICY)} 0 0`, 'state',
      ]);
      count(out);
      const st = (r: { status: number | null }) => hx(r.status!);
      expect(rcs(out)).toEqual([
        `rc start ${E.EIO} ${st(activate)}`, `rc start ${E.EIO} ${st(activate)}`,
        'rc start 0 0', 'rc data 0 0', `rc vmsa ${E.EIO} ${st(vmsa)}`, `rc vmsa ${E.EBUSY} 0`, `rc measure ${E.EBUSY} 0`, `rc finish ${E.EBUSY} 0`, `rc data ${E.EBUSY} 0`, `rc start ${E.EBUSY} 0`,
        'rc start 0 0', `rc vmsa ${E.EIO} ${st(vmsa)}`, `rc vmsa ${E.EIO} ${st(vmsa)}`, 'rc data 0 0',
        `rc start ${E.EIO} ${st(start)}`,
      ]);
      expect(mbox(out).slice(5)).toEqual([
        'LAUNCH_START 0', `ACTIVATE ${st(activate)}`, 'DECOMMISSION 0', 'LAUNCH_START 0', `ACTIVATE ${st(activate)}`, 'DECOMMISSION 0',
        'LAUNCH_START 0', 'ACTIVATE 0', 'LAUNCH_UPDATE_DATA 0', 'LAUNCH_UPDATE_VMSA 0', `LAUNCH_UPDATE_VMSA ${st(vmsa)}`, 'DEACTIVATE 0', 'DECOMMISSION 0',
        'LAUNCH_START 0', 'DF_FLUSH 0', 'ACTIVATE 0', `LAUNCH_UPDATE_VMSA ${st(vmsa)}`, `LAUNCH_UPDATE_VMSA ${st(vmsa)}`, 'LAUNCH_UPDATE_DATA 0', 'DEACTIVATE 0', 'DECOMMISSION 0',
        `LAUNCH_START ${st(start)}`,
      ]);
      expect(out.filter((l) => l.startsWith('sealed '))).toEqual(['sealed 0', 'sealed 1', 'sealed 0']);
      const states = out.filter((l) => l.startsWith('state ')).map((l) => JSON.parse(l.slice(6)) as { guests: unknown[] });
      expect(states.map((s) => s.guests.length)).toEqual([0, 0]);
      expect(logs(out)).toContain(`log err d3: SEV: ACTIVATE failed: ${activate.statusName} (0x${st(activate)})`);
      expect(logs(out)).toContain(`log err d1: SEV: LAUNCH_START failed: ${start.statusName} (0x${st(start)})`);
      expect(out.filter((l) => l.startsWith('refs '))).toEqual(['refs 0', 'refs 0']);
    });

    it(`${cc}: a PSP stalling in LAUNCH_UPDATE_DATA or DEACTIVATE: -ETIMEDOUT, nothing advanced, nothing issued after it`, async () => {
      const data = await run(await exe, ['boot', ...setup(1, GUEST), `start 1 ${hx(POLICY)} 0 0`, 'data 1 100 2', 'host stall=LAUNCH_UPDATE_DATA', 'data 1 102 3 1', 'data 1 102 3', 'vmsa 1', 'destroy 1']);
      count(data);
      expect(rcs(data)).toEqual(['rc start 0 0', 'rc data 0 0', `rc data ${E.ETIMEDOUT} 0`, `rc data ${E.EOPNOTSUPP} 0`, `rc vmsa ${E.EOPNOTSUPP} 0`]);
      expect(data).toContain('data 102 3 0');
      expect(mbox(data).slice(5)).toEqual(['LAUNCH_START 0', 'ACTIVATE 0', 'LAUNCH_UPDATE_DATA 0', 'LAUNCH_UPDATE_DATA 0', 'LAUNCH_UPDATE_DATA stall']);
      expect(logs(data)).toContain('log err SEV: LAUNCH_UPDATE_DATA timed out after 5000 ms, PSP not used');
      expect(data).toContain('refs 0');
      const deact = await run(await exe, ['boot', ...setup(1, GUEST), ...launch(1, GUEST), 'host stall=DEACTIVATE', 'destroy 1', ...setup(2, GUEST), `start 2 ${hx(POLICY)} 0 0`]);
      count(deact);
      expect(mbox(deact).slice(-2)).toEqual(['LAUNCH_FINISH 0', 'DEACTIVATE stall']);
      expect(rcs(deact).at(-1)).toBe(`rc start ${E.EOPNOTSUPP} 0`);
      expect(logs(deact)).toContain('log err SEV: DEACTIVATE timed out after 5000 ms, PSP not used');
    });
  }

  it('report', () => {
    console.log(`sev launch: ${sequences} sequences, ${commands} commands, ${divergences.length} divergences`);
    expect(divergences).toEqual([]);
    expect(sequences).toBeGreaterThan(0);
  });
});
