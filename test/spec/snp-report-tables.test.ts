// SNP ABI structures whose fields Linux does not define (so the Linux 6.1
// cross-check never compares them), pinned to outside tables written down
// here: virtee/sev's decoders (src/firmware/guest/types/snp.rs AttestationReport
// read order and skips; src/measurement/idblock_types.rs IdBlock, IdAuth,
// SevEcdsaSig, SevEcdsaPubKey with their reserved-range constants) and AMD's
// firmware source (amd/AMD-ASPFW sev_mcmd.h snp_mcmd_launch_update_t).
import { describe, it } from 'vitest';
import { expectBits, expectTable } from './tables.ts';

describe('ATTESTATION_REPORT (virtee/sev AttestationReport, report versions 2..5)', () => {
  it('has the 0x4A0-byte layout', () => {
    expectTable('snp_attestation_report', 0x4a0, [
      ['version', 0x000, 4],
      ['guest_svn', 0x004, 4],
      ['policy', 0x008, 8],
      ['family_id', 0x010, 16],
      ['image_id', 0x020, 16],
      ['vmpl', 0x030, 4],
      ['signature_algo', 0x034, 4],
      ['current_tcb', 0x038, 8],
      ['platform_info', 0x040, 8],
      ['key_info', 0x048, 4],
      ['reserved', 0x04c, 4], // skip_bytes::<4> before report_data
      ['report_data', 0x050, 64],
      ['measurement', 0x090, 48],
      ['host_data', 0x0c0, 32],
      ['id_key_digest', 0x0e0, 48],
      ['author_key_digest', 0x110, 48],
      ['report_id', 0x140, 32],
      ['report_id_ma', 0x160, 32],
      ['reported_tcb', 0x180, 8],
      ['cpuid_fam_id', 0x188, 1],
      ['cpuid_mod_id', 0x189, 1],
      ['cpuid_step', 0x18a, 1],
      ['reserved', 0x18b, 21], // skip_bytes::<21> before chip_id
      ['chip_id', 0x1a0, 64],
      ['committed_tcb', 0x1e0, 8],
      ['current_build', 0x1e8, 1], // Version: build, minor, major
      ['current_minor', 0x1e9, 1],
      ['current_major', 0x1ea, 1],
      ['reserved', 0x1eb, 1],
      ['committed_build', 0x1ec, 1],
      ['committed_minor', 0x1ed, 1],
      ['committed_major', 0x1ee, 1],
      ['reserved', 0x1ef, 1],
      ['launch_tcb', 0x1f0, 8],
      ['launch_mit_vector', 0x1f8, 8],
      ['current_mit_vector', 0x200, 8],
      ['reserved', 0x208, 152], // skip_bytes::<152> before the signature
      ['signature', 0x2a0, 512], // "Signature of bytes 0 to 0x29F"
    ]);
  });

  it('signs with an ECDSA signature of r, s and a reserved tail (0x90..0x1FF)', () => {
    expectTable('snp_ecdsa_signature', 0x200, [
      ['r', 0x00, 72], // ECDSA_POINT_SIZE_BITS 576
      ['s', 0x48, 72],
      ['reserved', 0x90, 0x1ff - 0x90 + 1],
    ]);
  });
});

describe('ID block and ID authentication (virtee/sev idblock_types.rs)', () => {
  it('ID block: launch digest, family and image ids, version, guest SVN, policy (0x60 bytes)', () => {
    expectTable('snp_id_block', 0x60, [
      ['ld', 0x00, 48],
      ['family_id', 0x30, 16],
      ['image_id', 0x40, 16],
      ['version', 0x50, 4],
      ['guest_svn', 0x54, 4],
      ['policy', 0x58, 8],
    ]);
  });

  it('ID authentication: algorithms, then signature/key pairs at the reserved-range boundaries', () => {
    expectTable('snp_id_auth', 0x1000, [
      ['id_key_algo', 0x000, 4],
      ['author_key_algo', 0x004, 4],
      ['reserved', 0x008, 0x03f - 0x008 + 1], // ID_AUTH_RESERVED1_BYTES
      ['id_block_sig', 0x040, 0x200],
      ['id_key', 0x240, 0x404],
      ['reserved', 0x644, 0x67f - 0x644 + 1], // ID_AUTH_RESERVED2_BYTES
      ['id_key_sig', 0x680, 0x200],
      ['author_key', 0x880, 0x404],
      ['reserved', 0xc84, 0xfff - 0xc84 + 1], // ID_AUTH_RESERVED3_BYTES
    ]);
  });

  it('ECDSA public key: curve, qx, qy, reserved to 0x403', () => {
    expectTable('snp_ecdsa_public_key', 0x404, [
      ['curve', 0x00, 4],
      ['qx', 0x04, 72],
      ['qy', 0x4c, 72],
      ['reserved', 0x94, 0x403 - 0x94 + 1], // ECDSA_PUBKEY_RESERVED
    ]);
  });
});

describe('SNP_LAUNCH_UPDATE command buffer (AMD firmware source)', () => {
  it('puts the page flags at 0x8 and the VMPL1..3 permission bytes at 0x19..0x1B', () => {
    // snp_mcmd_launch_update_t: gctx_paddr; page_size:1, page_type:3, imi_page:1, reserved:27;
    // reserved2; page_paddr; reserved3:8, vmpl1_perms:8, vmpl2_perms:8, vmpl3_perms:8; reserved4:32.
    expectTable('snp_launch_update', 0x20, [
      ['gctx_paddr', 0x00, 8],
      ['flags', 0x08, 4],
      ['reserved', 0x0c, 4],
      ['address', 0x10, 8],
      ['reserved', 0x18, 1],
      ['vmpl1_perms', 0x19, 1],
      ['vmpl2_perms', 0x1a, 1],
      ['vmpl3_perms', 0x1b, 1],
      ['reserved', 0x1c, 4],
    ]);
    expectBits('snp_launch_update_flags', 32, [
      ['page_size', 0, 0],
      ['page_type', 1, 3],
      ['imi_page', 4, 4],
      ['reserved', 5, 31],
    ]);
  });
});
