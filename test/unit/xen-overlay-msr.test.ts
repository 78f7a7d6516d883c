// The series' hand-written GHCB MSR protocol code (xen-overlay/.../sev-msr.c),
// compiled in userspace as Xen's tools/tests harnesses compile hypervisor
// sources, against the project's TS model of the hypervisor side
// (lib/nae/msr-protocol.ts) and the message layouts of AMD 56421 2.3.1. The
// header it includes is rendered exactly as the series renders it: only the
// definitions the overlay's code uses.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { emitXenHeader } from '../../generators/emit/xen-header/emit.ts';
import { ModelBackend } from '../../lib/nae/backend.ts';
import { handleGhcbMsr } from '../../lib/nae/msr-protocol.ts';
import { identifiers } from '../../lib/patches/used.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compilers, STRICT_FLAGS, tempDir } from '../helpers/cc.ts';
import { Rng } from '../harness/rng.ts';

const SVM = join(REPO_ROOT, 'xen-overlay/files/xen/arch/x86/hvm/svm');
const HERE = join(REPO_ROOT, 'test/c/overlay');

/** Xen offers an SEV-ES guest no hypervisor features (and cannot park APs yet, below). */
function xenSevEsBackend(): ModelBackend {
  const b = new ModelBackend();
  Object.defineProperty(b, 'features', { value: 0n });
  return b;
}

async function build(cc: string): Promise<string> {
  const dir = tempDir('overlay-msr');
  const used = new Set<string>();
  for (const f of ['sev.c', 'sev-msr.c', 'sev.h']) for (const id of identifiers(readFileSync(join(SVM, f), 'utf8'))) used.add(id);
  const header = emitXenHeader(projectModel(), { module: 'ghcb_msr', title: 'GHCB MSR protocol messages', fileName: 'sev-ghcb-msr.h', guard: 'X86_HVM_SVM_SEV_GHCB_MSR_H', used });
  writeFileSync(join(dir, 'sev-ghcb-msr.h'), header.contents);
  const exe = join(dir, 'msr-harness');
  await execa(cc, [...STRICT_FLAGS, '-Wno-pedantic', '-I', dir, '-I', SVM, '-I', join(HERE, 'shim'), join(SVM, 'sev-msr.c'), join(HERE, 'msr-harness.c'), '-o', exe]);
  return exe;
}

/** What the model says Xen must answer (AP reset hold: refused, see sev-msr.c). */
function expected(value: bigint): string {
  if ((value & 0xfffn) === 0x006n) return 'unknown 0';
  const r = handleGhcbMsr(value, { snp: false }, xenSevEsBackend());
  switch (r.kind) {
    case 'response':
      return `respond ${r.value.toString(16)}`;
    case 'ghcb':
      return 'ghcb 0';
    case 'terminate':
      return `terminate ${value.toString(16)}`;
    case 'unknown':
      return 'unknown 0';
  }
}

const CODES = [0x000n, 0x001n, 0x002n, 0x004n, 0x005n, 0x006n, 0x010n, 0x012n, 0x014n, 0x016n, 0x080n, 0x081n, 0x100n, 0xfffn];

describe('xen-overlay sev-msr.c against the model and AMD 56421 2.3.1', async () => {
  for (const cc of await compilers()) {
    it(`${cc}: answers hand-written requests with the spec's messages`, async () => {
      const exe = await build(cc);
      const input = ['2', '40000004', '8000001f40000004', '80', '3100', '7f000', '6', '7f012', 'ff'].join('\n');
      const out = (await execa(exe, { input })).stdout.split('\n');
      expect(out).toEqual([
        // SEV_INFO_RESP: max 2 (63:48), min 1 (47:32), C-bit 51 (31:24), 0x001.
        `respond ${(0x0002_0001_3300_0001n).toString(16)}`,
        // CPUID_RESP for leaf 0 EBX ("Auth"): value 63:32, register 1 in 31:30, 0x005.
        `respond ${((0x6874_7541n << 32n) | (1n << 30n) | 0x005n).toString(16)}`,
        // CPUID 0x8000001F EBX: C-bit 51 | reduced phys bits 4 << 6 = 0x133.
        `respond ${((0x133n << 32n) | (1n << 30n) | 0x005n).toString(16)}`,
        // HV_FT_RESP with no features.
        'respond 81',
        // TERM_REQ: reason set 1, code 3.
        'terminate 3100',
        'ghcb 0',
        // AP reset hold, and SNP GHCB registration from an SEV-ES guest: refused.
        'unknown 0',
        'unknown 0',
        'unknown 0',
      ]);
    });

    it(`${cc}: agrees with the TS model on 100000 random requests`, async () => {
      const exe = await build(cc);
      const rng = new Rng(0x5e5);
      const values: bigint[] = [];
      for (let i = 0; i < 100_000; i++) {
        const data = rng.u64() & ~0xfffn;
        values.push(i % 4 === 0 ? rng.u64() : data | CODES[i % CODES.length]!);
      }
      const out = (await execa(exe, { input: values.map((v) => v.toString(16)).join('\n') + '\n', maxBuffer: 64 << 20 })).stdout.split('\n');
      expect(out).toHaveLength(values.length);
      let mismatches = 0;
      values.forEach((v, i) => {
        if (out[i] !== expected(v)) {
          mismatches++;
          if (mismatches < 5) expect(out[i], `request ${v.toString(16)}`).toBe(expected(v));
        }
      });
      expect(mismatches).toBe(0);
      console.log(`xen-overlay sev-msr.c (${cc}): ${values.length} MSR-protocol requests, 0 divergences from the model`);
    });
  }
});
