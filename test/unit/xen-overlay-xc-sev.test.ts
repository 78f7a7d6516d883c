// The series' libxc wrappers of XEN_DOMCTL_sev_launch (xen-overlay/files/
// tools/libs/ctrl/xc_sev.c) compiled in userspace with a stand-in for
// xc_private.h (test/c/xc-sev/shim) whose do_domctl() prints what Xen would
// read and answers as told (test/c/xc-sev/harness.c).
//
// Expected values come from the interface patch 8 (the hypervisor) and this
// patch share (launch-abi.md), as summarised here: op numbers START 0, UPDATE_DATA
// 1, UPDATE_VMSA 2, MEASURE 3, FINISH 4; dh_cert and session both given or
// both absent; the call returns 0, or -1 with errno set, and *fw_status (may
// be NULL) is the firmware's status when errno is EIO, else 0. errno values
// are the host's (Node's os.constants), not the C's.
import { execa } from 'execa';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, tempDir } from '../helpers/cc.ts';
import { Rng } from '../harness/rng.ts';
import { writeSevLaunchAbi, writeXcSevDecls } from '../helpers/sev-launch-abi.ts';

const XC_SEV = join(REPO_ROOT, 'xen-overlay/files/tools/libs/ctrl/xc_sev.c');
const HERE = join(REPO_ROOT, 'test/c/xc-sev');
const { EIO, EBUSY, EINVAL, ENOMEM, ETIMEDOUT, EOPNOTSUPP } = constants.errno;
const OP = { START: 0, UPDATE_DATA: 1, UPDATE_VMSA: 2, MEASURE: 3, FINISH: 4 };
// The shim's XEN_DOMCTL_sev_launch (staging's number).
const CMD = 91;
// AMD 55766 Status Codes: UNSUPPORTED; and the certificate (0x824) and session (0x80) sizes.
const UNSUPPORTED = 0x15;
const CERT_BYTES = 0x824;
const SESSION_BYTES = 0x80;

async function build(cc: string): Promise<string> {
  const dir = tempDir('xc-sev');
  const exe = join(dir, 'xc-sev-harness');
  writeSevLaunchAbi(dir);
  writeXcSevDecls(dir);
  const flags = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-Wmissing-prototypes'];
  await execa(cc, [...flags, '-I', dir, '-I', join(HERE, 'shim'), XC_SEV, join(HERE, 'harness.c'), '-o', exe]);
  return exe;
}

async function run(exe: string, lines: string[]): Promise<string[]> {
  const r = await execa(exe, [], { input: `${lines.join('\n')}\n` });
  return r.stdout.split('\n').filter((l) => l !== '');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => rng.below(256));
const startSeen = (dom: number, policy: number, cert: string, session: string, certLen: number, sessionLen: number) =>
  `domctl cmd=${CMD} domain=${dom} op=${OP.START} fw_status=0 policy=0x${policy.toString(16)} dh_cert_len=${certLen} session_len=${sessionLen} pad=0 dh_cert=${cert} session=${session}`;

describe('xen-overlay xc_sev.c: the libxc side of XEN_DOMCTL_sev_launch', async () => {
  for (const cc of await compilers()) {
    const exe = build(cc);

    it(`${cc}: LAUNCH_START passes the policy, and the certificate and session bytes through bounce buffers`, async () => {
      const rng = new Rng(0x5e5);
      const cert = bytes(rng, CERT_BYTES);
      const session = bytes(rng, SESSION_BYTES);
      const out = await run(await exe, ['reply 0 0 0', 'start 3 5 - - fw', `start 9 7 ${hex(cert)} ${hex(session)} fw`]);
      expect(out).toEqual([
        startSeen(3, 5, 'NULL', 'NULL', 0, 0),
        'ret 0 fw=0',
        startSeen(9, 7, hex(cert), hex(session), CERT_BYTES, SESSION_BYTES),
        'ret 0 fw=0',
        'live 0',
      ]);
    });

    it(`${cc}: certificate and session both or neither: EINVAL before any hypercall`, async () => {
      const out = await run(await exe, [
        'reply 0 0 0',
        'start 3 5 0102 - fw',
        'start 3 5 - 0304 fw',
        'start 3 5 0102/0 0304 fw',
        `start 3 5 null/${CERT_BYTES} 0304 fw`,
        `start 3 5 0102 null/${SESSION_BYTES} nofw`,
      ]);
      expect(out).toEqual([...Array(4).fill(`ret -1 errno=${EINVAL} fw=0`), `ret -1 errno=${EINVAL} fw=none`, 'live 0']);
    });

    it(`${cc}: a bounce that fails: ENOMEM, no hypercall, nothing left allocated`, async () => {
      const out = await run(await exe, ['reply 0 0 0', 'bouncefail 1', 'start 3 5 0102 0304 fw', 'bouncefail 2', 'start 3 5 0102 0304 fw']);
      expect(out.filter((l) => !l.startsWith('perror '))).toEqual([`ret -1 errno=${ENOMEM} fw=0`, `ret -1 errno=${ENOMEM} fw=0`, 'live 0']);
      expect(out.filter((l) => l.startsWith('perror '))).toHaveLength(2);
    });

    it(`${cc}: UPDATE_DATA passes any 64-bit frame and count exactly; VMSA, MEASURE and FINISH carry only the op`, async () => {
      const out = await run(await exe, [
        'reply 0 0 0',
        'data 1 fffffffffffff 1099511627776 fw',
        'data 2 0 1 nofw',
        'vmsa 3 fw',
        'finish 4 fw',
      ]);
      expect(out).toEqual([
        `domctl cmd=${CMD} domain=1 op=${OP.UPDATE_DATA} fw_status=0 gfn=0xfffffffffffff nr_frames=1099511627776`,
        'ret 0 fw=0',
        `domctl cmd=${CMD} domain=2 op=${OP.UPDATE_DATA} fw_status=0 gfn=0 nr_frames=1`,
        'ret 0 fw=none',
        `domctl cmd=${CMD} domain=3 op=${OP.UPDATE_VMSA} fw_status=0`,
        'ret 0 fw=0',
        `domctl cmd=${CMD} domain=4 op=${OP.FINISH} fw_status=0`,
        'ret 0 fw=0',
        'live 0',
      ]);
    });

    it(`${cc}: MEASURE returns what Xen wrote on success, and leaves the caller's buffers alone on failure`, async () => {
      const rng = new Rng(0x3ea5);
      const m = bytes(rng, 32);
      const n = bytes(rng, 16);
      const untouched = `measurement ${'ee'.repeat(32)} mnonce ${'ee'.repeat(16)}`;
      const out = await run(await exe, [
        `reply 0 0 0 ${hex(m)} ${hex(n)}`,
        'measure 8 fw',
        `reply -1 ${EIO} ${UNSUPPORTED} ${hex(m)} ${hex(n)}`,
        'measure 8 fw',
      ]);
      expect(out).toEqual([
        `domctl cmd=${CMD} domain=8 op=${OP.MEASURE} fw_status=0`,
        'ret 0 fw=0',
        `measurement ${hex(m)} mnonce ${hex(n)}`,
        `domctl cmd=${CMD} domain=8 op=${OP.MEASURE} fw_status=0`,
        `ret -1 errno=${EIO} fw=0x${UNSUPPORTED.toString(16)}`,
        untouched,
        'live 0',
      ]);
    });

    it(`${cc}: every step: fw_status is the firmware's with EIO only; other errors keep their errno and give 0`, async () => {
      const calls: [string, number][] = [
        ['start 5 5 0102 0304', OP.START],
        ['data 5 100 2', OP.UPDATE_DATA],
        ['vmsa 5', OP.UPDATE_VMSA],
        ['measure 5', OP.MEASURE],
        ['finish 5', OP.FINISH],
      ];
      for (const [call, op] of calls) {
        for (const err of [EIO, EBUSY, EINVAL, ETIMEDOUT, EOPNOTSUPP]) {
          // Xen leaves a status in the domctl either way; only EIO's is the firmware's answer.
          const out = await run(await exe, [`reply -1 ${err} ${UNSUPPORTED}`, `${call} fw`, `${call} nofw`]);
          const rets = out.filter((l) => l.startsWith('ret '));
          const fw = err === EIO ? `0x${UNSUPPORTED.toString(16)}` : '0';
          expect(rets, `${call} errno ${err}`).toEqual([`ret -1 errno=${err} fw=${fw}`, `ret -1 errno=${err} fw=none`]);
          expect(out.filter((l) => l.startsWith('domctl ')).map((l) => l.match(/ op=(\d+)/)![1])).toEqual([String(op), String(op)]);
          expect(out.at(-1)).toBe('live 0');
        }
      }
    });
  }
});
