// The generated libxl/xl/POD fragments, offline: each lands on an anchor that
// exists in Xen 4.17 (checked for real in test/xen/), documents and parses
// every option, and the POD passes podchecker -warnings.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { applyFragments, fragmentBody, readManifest } from '../../lib/xlcfg/fragments.ts';
import { rulesFor } from '../../lib/xlcfg/check.ts';
import { generateInto, tempDir } from '../helpers/cc.ts';

const gen = join(generateInto(projectModel()), 'generated/libxl');
const rules = rulesFor(projectModel());
const body = (name: string) => fragmentBody(gen, readManifest(gen).find((p) => p.fragment === name)!).join('\n');

describe('generated/libxl fragments', () => {
  it('each starts with its banner and names where it goes', () => {
    for (const p of readManifest(gen)) {
      const text = readFileSync(join(gen, p.fragment), 'utf8');
      expect(text).toMatch(/SPDX-License-Identifier: LGPL-2\.1-only/);
      expect(text).toContain('npm run generate');
      expect(text).toContain(`Goes into ${p.target}, ${p.where} the line: ${p.anchor.trim()}`);
      expect(p.headerLines).toBeGreaterThan(2);
    }
  });

  it('declares the IDL enumeration and the settings struct with libxl types', () => {
    const idl = body('libxl_types.idl');
    expect(idl).toMatch(/^libxl_coco_type = Enumeration\("coco_type", \[$/m);
    expect(idl).toContain('(3, "sev_snp"),');
    expect(idl).toContain('init_val = "LIBXL_COCO_TYPE_NONE"');
    expect(idl).toMatch(/\("policy",\s+UInt\(64, init_val = "LIBXL_COCO_POLICY_DEFAULT"/);
    // A 64-bit value through either JSON back end, as Xen's own uint64/MemKB are:
    // yajl (libxl__uint64_gen_json) and json-c (libxl__uint64_gen_jso, Xen >= 4.20).
    const policy = idl.split('\n').find((l) => l.includes('("policy",'))!;
    expect(policy).toContain('json_gen_fn = "libxl__uint64_gen_json"');
    expect(policy).toContain('jsonc_json_gen_fn = "libxl__uint64_gen_jso"');
    expect(idl).not.toMatch(/kernel_hashes|cbitpos|reduced_phys_bits/);
    expect(idl).toMatch(/\("id_block",\s+string\)/);
    expect(body('libxl_types.arch_x86.idl')).toMatch(/\("coco", libxl_coco_info\),/);
    expect(body('libxl.h')).toMatch(/#define LIBXL_HAVE_COCO 1/);
  });

  it('parses and documents every option', () => {
    const xl = body('xl_parse.c');
    const pod = body('xl.cfg.5.pod');
    for (const o of rules.options) {
      expect(xl).toContain(`"${o.key}"`);
      expect(pod).toContain(`=item B<${o.key}=`);
      // One default per option (the page once said "Default: allowed. Default: 1.").
      const item = pod.slice(pod.indexOf(`=item B<${o.key}=`)).split(/\n=item /)[0]!;
      expect(item.match(/Default:/g)?.length ?? 0, o.key).toBeLessThanOrEqual(1);
    }
    for (const k of rules.kinds) expect(xl).toContain(`!strcmp(buf, "${k.name}")`);
    expect(pod).toMatch(/\(TSME\)\s+needs\s+no\s+option/);
  });

  it('POD passes podchecker -warnings inside the x86 section of xl.cfg(5)', async () => {
    const f = join(tempDir('pod'), 'xl.cfg.pod');
    writeFileSync(f, `=head1 NAME\n\nxl.cfg\n\n=head2 Architecture Specific options\n\n=head3 x86\n\n${body('xl.cfg.5.pod')}\n`);
    const r = await execa('podchecker', ['-warnings', f], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toMatch(/WARNING|ERROR/);
  });

  it('refuses a tree where an anchor is missing or repeated', () => {
    const root = tempDir('anchors');
    for (const p of readManifest(gen)) {
      mkdirSync(join(root, p.target, '..'), { recursive: true });
      writeFileSync(join(root, p.target), 'nothing to see\n');
    }
    expect(() => applyFragments(root, gen)).toThrow(/tools\/libs\/light\/libxl_types\.idl: anchor of libxl_types\.idl found 0 times/);
    const first = readManifest(gen)[0]!;
    writeFileSync(join(root, first.target), `${first.anchor}\n${first.anchor}\n`);
    expect(() => applyFragments(root, gen)).toThrow(/found 2 times/);
  });
});

