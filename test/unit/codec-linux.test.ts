// The decoder reads real pages exactly: pages filled by Linux's own
// ghcb_set_<field>() accessors (compiled from the installed kernel headers)
// decode to exactly the fields and valid bits Linux set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGhcb, GHCB_FIELDS, GhcbView } from '../../generated/ts/ghcb-codec.ts';
import { linuxFilledPages, type LinuxScenario } from '../harness/linux-ghcb.ts';
import { findLinuxHeaders } from '../linux/kbuild.ts';

const headers = findLinuxHeaders();

/** The fields Linux 6.1 defines accessors for (DEFINE_GHCB_ACCESSORS in asm/svm.h). */
const LINUX_ACCESSORS = [
  'cpl', 'rip', 'rsp', 'rax', 'rcx', 'rdx', 'rbx', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch', 'xcr0',
];

const U64 = (1n << 64n) - 1n;

/** What a guest's #VC handler sets for a few events, and random mixes of every accessor. */
function scenarios(): LinuxScenario[] {
  const out: LinuxScenario[] = [
    { sets: [['rax', 0xdn], ['rcx', 1n], ['xcr0', 7n], ['sw_exit_code', 0x72n], ['sw_exit_info_1', 0n], ['sw_exit_info_2', 0n]] },
    { sets: [['rax', 0x41n], ['sw_exit_code', 0x7bn], ['sw_exit_info_1', 0x3f80010n], ['sw_exit_info_2', 0n]] },
    { sets: [['sw_scratch', 0x7f800n], ['sw_exit_code', 0x8000_0001n], ['sw_exit_info_1', 0xfed0_0000n], ['sw_exit_info_2', 4n]] },
    { sets: [['rax', 0x22n], ['cpl', 3n], ['sw_exit_code', 0x81n], ['sw_exit_info_1', 0n], ['sw_exit_info_2', 0n]] },
    // A value wider than cpl: Linux's setter stores the low byte.
    { sets: [['cpl', 0x1ffn]] },
    { sets: LINUX_ACCESSORS.map((f, i) => [f, BigInt(i + 1) * 0x0101_0101_0101_0101n & U64] as [string, bigint]) },
  ];
  const arb = fc.uniqueArray(fc.tuple(fc.constantFrom(...LINUX_ACCESSORS), fc.bigInt({ min: 0n, max: U64 })), {
    selector: ([f]) => f,
    minLength: 1,
    maxLength: LINUX_ACCESSORS.length,
  });
  for (const sets of fc.sample(arb, { numRuns: 200, seed: 20240603 })) out.push({ sets });
  return out;
}

const WIDTH: Record<string, bigint> = { u8: 0xffn, u16: 0xffffn, u32: 0xffffffffn, u64: U64 };

describe.skipIf(headers === undefined)(`pages filled by Linux's ghcb_set_*() (${headers?.release ?? 'no Linux headers installed'})`, () => {
  it('decode to exactly the fields and valid bits Linux set', async () => {
    const all = scenarios();
    const pages = await linuxFilledPages(headers!, all);
    all.forEach((s, i) => {
      const page = pages[i]!;
      const decoded = decodeGhcb(page);
      const view = new GhcbView(page);
      const set = new Map(s.sets);
      const validFields = GHCB_FIELDS.filter((f) => f.validBit !== null && view.isValid(f.validBit)).map((f) => f.name);
      // Every valid bit Linux set belongs to a field it set, and the other way round.
      expect(validFields.sort(), `scenario ${i}`).toEqual([...set.keys()].sort());
      expect(view.validBits().length, `scenario ${i}: no stray valid bits`).toBe(set.size);
      for (const f of GHCB_FIELDS.filter((x) => x.type !== 'bytes')) {
        const [a, b] = f.prop.split('.');
        const rec = decoded as unknown as Record<string, Record<string, unknown>>;
        const got = BigInt((b === undefined ? rec[a!] : rec[a!]![b]) as bigint | number);
        const want = (set.get(f.name) ?? 0n) & WIDTH[f.type]!;
        expect(got, `scenario ${i}: ${f.name}`).toBe(want);
      }
    });
  });
});
