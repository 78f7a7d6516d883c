// The SNP launch digest (AMD 56860, SNP_LAUNCH_UPDATE, PAGE_INFO): for every
// page, new digest = SHA-384(PAGE_INFO) with PAGE_INFO = { current digest,
// SHA-384 of the page contents (NORMAL and VMSA pages; zero otherwise), the
// length 0x70, page type, IMI flag, zero byte, VMPL1..3 permissions, GPA }.
// A VMSA page is measured with GUEST_TSC_SCALE/OFFSET read as zero (AMD's
// firmware source, snp_mcmd_launch_update). The layout of PAGE_INFO and of
// the command buffer come from the elaborated model (snp_page_info,
// snp_launch_update, snp_launch_update_flags).
import { createHash } from 'node:crypto';
import type { EModel, EStruct } from '../../generators/elaborate/model.ts';
import { projectModel } from '../../generators/model.ts';
import { encodeStruct, readU, fieldOf } from './buffer.ts';

interface GuestDigest {
  launchDigest: Uint8Array;
}

function flagBits(model: EModel, flags: bigint): Record<string, bigint> {
  const l = model.layouts.get('snp_launch_update_flags')!;
  const out: Record<string, bigint> = {};
  for (const b of l.bits) out[b.name] = (flags & b.mask) >> BigInt(b.lsb);
  return out;
}

function pageType(model: EModel, name: string): bigint {
  return model.groups.get('snp_page_type')!.values.find((v) => v.name === name)!.value;
}

/** The PAGE_INFO bytes for one 4 KiB page; exported for the tests' own digest chain. */
export function pageInfo(model: EModel, digestCur: Uint8Array, contents: Uint8Array, type: bigint, imi: bigint, perms: [bigint, bigint, bigint], gpa: bigint): Uint8Array {
  const pi = model.structs.get('snp_page_info')!;
  return encodeStruct(pi, {
    digest_cur: digestCur,
    contents,
    length: BigInt(pi.size),
    page_type: type,
    imi_page: imi,
    vmpl1_perms: perms[0],
    vmpl2_perms: perms[1],
    vmpl3_perms: perms[2],
    gpa,
  });
}

/**
 * One SNP_LAUNCH_UPDATE step of the launch digest: the new digest, or the
 * status name the firmware returns for a page it refuses.
 */
export function snpLaunchDigestStep(
  fw: { memory: { read(addr: bigint, len: number): Uint8Array } },
  g: GuestDigest,
  s: EStruct,
  buf: Uint8Array,
  addr: bigint,
  gpa: bigint,
): Uint8Array | string {
  const model = projectModel();
  const f = flagBits(model, readU(s, buf, 'flags'));
  // The model's RMP holds 4 KiB entries only: a 2 MiB request does not match the page's RMP size.
  if (f.page_size !== 0n) return 'INVALID_PAGE_SIZE';
  const type = f.page_type!;
  if (type < pageType(model, 'NORMAL') || type > pageType(model, 'CPUID')) return 'INVALID_PARAM';
  let contents = new Uint8Array(48);
  if (type === pageType(model, 'NORMAL') || type === pageType(model, 'VMSA')) {
    const page = fw.memory.read(addr & ~(1n << 51n), 4096);
    if (type === pageType(model, 'VMSA')) {
      const vmsa = model.structs.get('sev_es_save_area')!;
      for (const name of ['tsc_scale', 'tsc_offset']) {
        const fl = fieldOf(vmsa, name);
        page.fill(0, fl.offset, fl.offset + fl.size);
      }
    }
    contents = new Uint8Array(createHash('sha384').update(page).digest());
  }
  const info = pageInfo(model, g.launchDigest, contents, type, f.imi_page!, [readU(s, buf, 'vmpl1_perms'), readU(s, buf, 'vmpl2_perms'), readU(s, buf, 'vmpl3_perms')], gpa);
  return new Uint8Array(createHash('sha384').update(info).digest());
}
