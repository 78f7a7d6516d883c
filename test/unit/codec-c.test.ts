// The generated C codec compiles cleanly with every installed compiler, and
// its accessors and MSR helpers give the values of the specification.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.ts';
import { compile, compilers, STRICT_FLAGS, tempDir } from '../helpers/cc.ts';

const INCLUDE = `-I${join(REPO_ROOT, 'generated/c')}`;

const PROGRAM = `
#include <stdio.h>
#include <string.h>
#include "ghcb-codec.h"

static unsigned char raw[GHCB_CODEC_PAGE_SIZE];

int main(void)
{
    struct ghcb g;
    struct ghcb_decoded d;
    struct ghcb_msr_decoded m;
    const struct ghcb_msr_message *msg;
    uint64_t v = 0, vals[4] = { 0x4, 0, 1, 0x8000001f };

    memset(&g, 0, sizeof(g));
    ghcb_set_rax(&g, 0xd);
    ghcb_set_sw_exit_code(&g, 0x72);
    ghcb_set_cpl(&g, 3);
    memcpy(raw, &g, sizeof(g));
    ghcb_decode(raw, &d);
    printf("%d %d %d %d\\n", raw[0x1f8], raw[0x3f7], raw[0x3fe], raw[0x3f3]);
    printf("%llx %llx %d %d\\n", (unsigned long long)d.save.rax, (unsigned long long)d.save.sw_exit_code,
           ghcb_rax_is_valid(&g), ghcb_is_valid(&g, 97));
    printf("%llx\\n", (unsigned long long)ghcb_msr_cpuid_req_val(1, 0x8000001f));
    if ( ghcb_msr_encode(ghcb_msr_lookup_name("ghcb_msr_cpuid_req"), vals, &v) )
        return 1;
    msg = ghcb_msr_decode(0x0002000133000001ULL, &m);
    printf("%llx %s %u\\n", (unsigned long long)v, msg->name, m.nr_values);
    printf("%llx %llx\\n", (unsigned long long)m.values[2], (unsigned long long)m.values[4]);
    return 0;
}
`;

describe('generated/c/ghcb-codec.h', () => {
  it('compiles with -Wall -Wextra -Werror -pedantic -std=c11 under every compiler', async () => {
    const dir = tempDir('codec-c');
    for (const cc of await compilers()) {
      for (const opt of ['-O0', '-O2']) {
        const r = await compile(cc, '#include "ghcb-codec.h"\n', dir, [INCLUDE, opt]);
        expect(r.exitCode, `${cc} ${opt}: ${r.all}`).toBe(0);
      }
    }
  });

  it('sets, marks valid, decodes and builds MSR values as the specification says', async () => {
    const dir = tempDir('codec-c-run');
    const src = join(dir, 'prog.c');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(src, PROGRAM);
    for (const cc of await compilers()) {
      const exe = join(dir, `prog-${cc}`);
      const b = await execa(cc, [...STRICT_FLAGS, '-O2', INCLUDE, src, '-o', exe], { reject: false, all: true });
      expect(b.exitCode, b.all).toBe(0);
      const r = await execa(exe);
      expect(r.stdout.split('\n')).toEqual([
        // rax byte, valid bits 63 (0x3f7 bit 7), 114 (0x3fe bit 2), 25 (0x3f3 bit 1)
        '13 128 4 2',
        'd 72 1 0',
        '8000001f40000004',
        '8000001f40000004 ghcb_msr_sev_info_resp 5',
        '33 2',
      ]);
    }
  });
});
