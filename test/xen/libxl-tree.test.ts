// The generated coco fragments in a real Xen 4.17.5 tree: Xen's own idl.py /
// gentypes.py must accept the IDL, and libxl_x86.c / xl_parse.c must compile
// with Xen's flags (-Werror). The tree is copied first; the cache stays pristine.
import { execa } from 'execa';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFragments } from '../../lib/xlcfg/fragments.ts';
import { generateInto } from '../helpers/cc.ts';
import { projectModel } from '../../generators/model.ts';
import { xenTree } from './tree.ts';
import { testTempDir } from '../helpers/tmp.ts';

const tree = await xenTree();
if (tree.path === null) console.warn(`test/xen/libxl-tree: skipped: ${tree.reason}`);

const CONFIGURE = [
  '--disable-monitors', '--disable-ocamltools', '--disable-xsmpolicy', '--disable-seabios', '--disable-golang',
  '--disable-pvshim', '--disable-ipxe', '--disable-rombios', '--disable-qemu-traditional',
  '--with-system-qemu=/usr/bin/qemu-system-i386', '--disable-systemd',
];

describe.skipIf(tree.path === null)('coco fragments in Xen 4.17.5', () => {
  let work = '';
  const make = (args: string[]) => execa('make', args, { cwd: work, reject: false, all: true, env: { MAKEFLAGS: '' } });

  beforeAll(async () => {
    work = join(testTempDir('xentree'), 'xen');
    cpSync(tree.path!, work, { recursive: true });
    applyFragments(work, join(generateInto(projectModel()), 'generated/libxl'));
    const conf = await execa('./configure', CONFIGURE, { cwd: work, reject: false, all: true });
    if (conf.exitCode !== 0) throw new Error(`configure failed:\n${conf.all?.slice(-3000)}`);
    const inc = await make(['-C', 'tools/include']);
    if (inc.exitCode !== 0) throw new Error(`make -C tools/include failed:\n${inc.all?.slice(-3000)}`);
  }, 600_000);

  afterAll(() => {
    if (work && !process.env.XEN_SEV_KEEP) rmSync(join(work, '..'), { recursive: true, force: true });
  });

  it('goes through idl.py/gentypes.py and the libxl API check', async () => {
    const r = await make(['-C', 'tools/libs/light', '_libxl_types.o', '_libxl_types_internal.o', 'libxl.api-ok']);
    expect(r.exitCode, r.all?.slice(-4000)).toBe(0);
    const h = readFileSync(join(work, 'tools/libs/light/_libxl_types.h'), 'utf8');
    expect(h).toMatch(/LIBXL_COCO_TYPE_SEV_SNP = 3/);
    expect(h).toMatch(/libxl_coco_info coco;/);
    expect(h).toMatch(/uint64_t policy;/);
  }, 600_000);

  it("goes through the Go binding generator (gengotypes.py)", async () => {
    const dir = join(work, 'tools/golang/xenlight');
    const r = await execa('python3', ['gengotypes.py', '../../libs/light/libxl_types.idl', 'types.gen.go', 'helpers.gen.go'], {
      cwd: dir,
      env: { LIBXL_SRC_DIR: '../../libs/light' },
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    const go = readFileSync(join(dir, 'types.gen.go'), 'utf8');
    expect(go).toMatch(/CocoTypeSevSnp CocoType = 3/);
    expect(go).toMatch(/Policy uint64/);
  });

  it('compiles libxl_x86.c with the validation and defaults', async () => {
    const r = await make(['-C', 'tools/libs/light', 'libxl_x86.o']);
    expect(r.exitCode, r.all?.slice(-4000)).toBe(0);
  }, 600_000);

  it('compiles xl_parse.c with the option parsing', async () => {
    const r = await make(['-C', 'tools/xl', 'xl_parse.o']);
    expect(r.exitCode, r.all?.slice(-4000)).toBe(0);
  }, 600_000);

  it('keeps xl.cfg.5.pod.in clean for podchecker -warnings', async () => {
    const r = await execa('podchecker', ['-warnings', join(work, 'docs/man/xl.cfg.5.pod.in')], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/WARNING|ERROR/);
  });
});
