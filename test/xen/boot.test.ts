// A real Xen boot under QEMU TCG (scripts/xen-boot): the plain Xen 4.17.5
// hypervisor and tools, built by scripts/xen-build from the tree
// scripts/xen-source gives (cached by the tree's content), or prebuilt ones
// from $XEN_BOOT_XEN (a build's xen/xen) and $XEN_BOOT_TOOLS (its
// install-tools DESTDIR), which must be a plain 4.17 build too.
//
// One boot exercises both verdicts of dom0: `xl info` and a PVH guest pass; the
// coco = "sev-es" refusal check must FAIL, because the plain xl has no coco
// option and starts the guest, so QEMU's exit code must say "a check failed".
// A second, short boot has Xen panic: no verdict is a failure too.
// Progress lines stream to stderr. Outside CI a missing prerequisite skips
// with the reason; under CI=true it is a failure.
import { execa } from 'execa';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { tempDir } from '../helpers/cc.ts';
import { xenTree } from './tree.ts';

const BUILD_TIMEOUT = 50 * 60_000;
const BOOT_TIMEOUT_S = 1500;
const TEST_TIMEOUT = BUILD_TIMEOUT + (BOOT_TIMEOUT_S + 120) * 1000;
const boot = join(REPO_ROOT, 'scripts/xen-boot');

async function missingPrerequisite(): Promise<string | null> {
  for (const cmd of ['qemu-system-x86_64', 'apt-cache', 'dpkg-deb', 'ldd', 'strip', 'strings', 'file']) {
    const r = await execa('sh', ['-c', `command -v ${cmd}`], { reject: false });
    if (r.exitCode !== 0) return `no ${cmd} (scripts/install-deps)`;
  }
  const bb = await execa('file', ['-b', '/bin/busybox'], { reject: false });
  if (bb.exitCode !== 0 || !bb.stdout.includes('statically linked')) return 'no static /bin/busybox (busybox-static, scripts/install-deps)';
  const k = await execa('apt-cache', ['depends', 'linux-image-amd64'], { reject: false });
  if (k.exitCode !== 0 || !/Depends: linux-image-\d/.test(k.stdout)) return 'apt knows no linux-image-amd64';
  const { XEN_BOOT_XEN: xen, XEN_BOOT_TOOLS: tools } = process.env;
  if ((xen === undefined) !== (tools === undefined)) return 'set both XEN_BOOT_XEN and XEN_BOOT_TOOLS, or neither';
  if (xen !== undefined) return null;
  const tree = await xenTree();
  return tree.path === null ? tree.reason : null;
}

const missing = await missingPrerequisite();
if (missing !== null) {
  if (process.env.CI === 'true') throw new Error(`test/xen/boot: ${missing}; CI=true requires it`);
  console.warn(`test/xen/boot: skipped: ${missing}`);
}

/** The hypervisor ELF and the tools DESTDIR: from the environment, else built (and cached). */
let built: Promise<{ xen: string; tools: string }> | undefined;
function hypervisorAndTools(): Promise<{ xen: string; tools: string }> {
  built ??= build();
  return built;
}
async function build(): Promise<{ xen: string; tools: string }> {
  const { XEN_BOOT_XEN: xen, XEN_BOOT_TOOLS: tools } = process.env;
  if (xen !== undefined && tools !== undefined) return { xen, tools };
  const tree = (await xenTree()).path!;
  const r = await execa('nice', ['-n', '10', join(REPO_ROOT, 'scripts/xen-build'), '--src', tree], {
    env: { MAKEFLAGS: '' },
    stdout: 'pipe',
    stderr: ['pipe', 'inherit'],
    reject: false,
    timeout: BUILD_TIMEOUT,
  });
  expect(r.exitCode, r.stderr.slice(-4000)).toBe(0);
  const out = r.stdout.trim();
  return { xen: join(out, 'xen'), tools: join(out, 'dest') };
}

describe('scripts/xen-boot usage', () => {
  it('refuses a missing --xen, an unknown check and a bad regex with exit 2', async () => {
    const run = (...args: string[]) => execa(boot, args, { reject: false });
    const noXen = await run('--tools', '/');
    expect(noXen.exitCode).toBe(2);
    expect(noXen.stderr).toMatch(/^xen-boot: --xen PATH .* is required$/);
    const self = join(REPO_ROOT, 'scripts/xen-boot');
    const notElf = await run('--xen', self, '--tools', '/');
    expect(notElf.exitCode).toBe(2);
    expect(notElf.stderr).toMatch(/is not an ELF file/);
    const check = await run('--xen', self, '--tools', '/', '--checks', 'xl-info,reboot');
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toMatch(/unknown check 'reboot'/);
    const re = await run('--xen', self, '--tools', '/', '--expect-sev-line', 'SEV(');
    expect(re.exitCode).toBe(2);
    expect(re.stderr).toMatch(/not an extended regular expression: SEV\($/);
  });
});

describe.skipIf(missing !== null)('plain Xen 4.17.5 booted under QEMU TCG', () => {
  it('runs xl info and a PVH guest; the coco refusal check fails on a tree without coco', async () => {
    const t0 = Date.now();
    const { xen, tools } = await hypervisorAndTools();
    const t1 = Date.now();
    const work = tempDir('xen-boot');
    const r = await execa(
      'nice',
      [
        '-n', '10', boot, '--xen', xen, '--tools', tools, '--work', work, '--timeout', String(BOOT_TIMEOUT_S),
        '--checks', 'xl-info,pvh-domu', '--coco-test',
        '--expect-xen-line', 'HVM: Hardware Assisted Paging \\(HAP\\) detected',
      ],
      { stdout: 'pipe', stderr: ['pipe', 'inherit'], reject: false, timeout: (BOOT_TIMEOUT_S + 60) * 1000 },
    );
    process.stderr.write(`test/xen/boot: build ${Math.round((t1 - t0) / 1000)}s, boot ${Math.round((Date.now() - t1) / 1000)}s\n`);
    const lines = r.stderr.split('\n');
    const serial = existsSync(join(work, 'serial.log')) ? readFileSync(join(work, 'serial.log'), 'utf8') : '';
    const why = `${r.stderr.slice(-3000)}\n--- serial ---\n${serial.slice(-3000)}`;

    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: ok {3}Xen's boot log has a line matching \/HVM: Hardware/));
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: xl info: xen_version\s+: 4\.17\.5/));
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: xl info: virt_caps\s+:.*\bhvm\b.*\bhap\b/));
    expect(lines, why).toContain('xen-boot: check xl-info ok');
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: pvh console: xen-boot-domu: up, kernel /));
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: check pvh-domu ok: booted to init and powered off in \d+s$/));
    expect(lines, why).toContain('xen-boot: check coco-sev-es FAIL: xl create of a coco = "sev-es" guest succeeded');
    expect(lines, why).toContain('xen-boot: verdict fail (1)');
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: FAIL: QEMU exited 35: dom0 reported a failed check/));
    expect(r.exitCode, why).toBe(1);
    rmSync(work, { recursive: true, force: true });
  }, TEST_TIMEOUT);

  it('says "no verdict" when Xen panics (it reboots and QEMU runs with -no-reboot)', async () => {
    const { xen, tools } = await hypervisorAndTools();
    // Too little memory for the dom0 kernel: Xen panics while building dom0.
    const r = await execa(
      'nice',
      ['-n', '10', boot, '--xen', xen, '--tools', tools, '--xen-args', 'dom0_mem=8M,max:8M', '--timeout', '600'],
      { stdout: 'pipe', stderr: ['pipe', 'inherit'], reject: false, timeout: 660_000 },
    );
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(1);
    expect(r.stderr).toMatch(/^xen-boot: \| \(XEN\) Panic on CPU 0:$/m);
    expect(r.stderr).toMatch(/^xen-boot: FAIL: QEMU exited 0 without a verdict \(\d+s\): Xen or dom0 crashed/m);
    expect(r.stderr).not.toMatch(/^xen-boot: dom0 up/m);
  }, TEST_TIMEOUT);
});

/**
 * The committed xen-4.17 series applied to the same tree, its hypervisor built
 * with CONFIG_AMD_SEV=y and its tools (which add xl.cfg's coco option): it
 * must boot as the plain one does, and refuse a coco = "sev-es" guest.
 */
async function seriesBuild(): Promise<{ xen: string; tools: string }> {
  const tree = (await xenTree()).path!;
  const work = tempDir('xen-boot-series');
  const patched = join(work, 'xen');
  cpSync(tree, patched, { recursive: true });
  const dir = join(REPO_ROOT, 'xen-patches', 'xen-4.17');
  for (const f of readdirSync(dir).filter((n) => /^\d{4}-/.test(n) && !n.startsWith('0000-')).sort()) {
    const a = await execa('git', ['apply', join(dir, f)], { cwd: patched, reject: false });
    expect(a.exitCode, `${f}: ${a.stderr}`).toBe(0);
  }
  const r = await execa('nice', ['-n', '10', join(REPO_ROOT, 'scripts/xen-build'), '--src', patched, '--kconfig', 'CONFIG_UNSUPPORTED=y CONFIG_AMD_SEV=y'], {
    env: { MAKEFLAGS: '' },
    stdout: 'pipe',
    stderr: ['pipe', 'inherit'],
    reject: false,
    timeout: BUILD_TIMEOUT,
  });
  rmSync(work, { recursive: true, force: true });
  expect(r.exitCode, r.stderr.slice(-4000)).toBe(0);
  const out = r.stdout.trim();
  expect(readFileSync(join(out, '.config'), 'utf8')).toMatch(/^CONFIG_AMD_SEV=y$/m);
  return { xen: join(out, 'xen'), tools: join(out, 'dest') };
}

describe.skipIf(missing !== null || process.env.XEN_BOOT_XEN !== undefined)('the xen-4.17 series, CONFIG_AMD_SEV=y, booted under QEMU TCG', () => {
  it('says in one boot line why SEV-ES is unavailable, runs xl info and a PVH guest, refuses coco = "sev-es"', async () => {
    const { xen, tools } = await seriesBuild();
    const r = await execa(
      'nice',
      [
        '-n', '10', boot, '--xen', xen, '--tools', tools, '--timeout', String(BOOT_TIMEOUT_S), '--checks', 'xl-info,pvh-domu', '--coco-test',
        '--expect-sev-line', 'SEV-ES: (not )?available',
      ],
      { stdout: 'pipe', stderr: ['pipe', 'inherit'], reject: false, timeout: (BOOT_TIMEOUT_S + 60) * 1000 },
    );
    const lines = r.stderr.split('\n');
    const why = r.stderr.slice(-3000);
    // QEMU's qemu64 CPU stops at CPUID leaf 0x8000000a: the one line says why.
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: xen line: \(XEN\) SEV-ES: not available: no CPUID leaf 0x8000001f$/));
    expect(lines, why).toContain('xen-boot: check xl-info ok');
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: check pvh-domu ok: booted to init and powered off in \d+s$/));
    // libxl refuses before any domain exists, from physinfo's cap_x86_sev_es
    // (Xen's boot line above, which `xl dmesg` shows, says why), and xl adds
    // nothing: one line besides libxl's info lines (this dom0 has no qemu-xen,
    // which libxl says of every HVM-type guest, the PVH one above too).
    const coco = lines.filter((l) => l.startsWith('xen-boot: coco xl: ') && !l.startsWith('xen-boot: coco xl: libxl: info: '));
    expect(coco, why).toHaveLength(1);
    expect(coco[0], why).toMatch(/^xen-boot: coco xl: libxl: error: .*coco="sev-es": this host cannot run SEV-ES guests \(`xl dmesg` says why\)$/);
    expect(lines, why).toContainEqual(expect.stringMatching(/^xen-boot: check coco-sev-es ok: refused \(exit [1-9]\d*\) in \d+ line\(s\)$/));
    expect(lines, why).toContain('xen-boot: verdict pass');
    expect(r.exitCode, why).toBe(0);
  }, TEST_TIMEOUT * 2);
});
