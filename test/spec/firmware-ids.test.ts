// SNP command ids and firmware status codes pinned to sources outside this
// project: the Linux 6.1 cross-check lacks the SNP commands and the newer
// status codes, so without these tables a changed value would go unnoticed.
import { describe, expect, it } from 'vitest';
import { expectMacros, group } from './tables.ts';

// AMD's SEV firmware source, amd/AMD-ASPFW fw/psp_bl_uapps/sev_uapp/src/sev_mcmd.h,
// enum of SNP_MCMD_ID_* (its name -> value), keyed by the C macro this project
// emits for it (the Linux name, include/linux/psp-sev.h enum sev_cmd).
const ASPFW_SNP_MCMD_ID: Record<string, [aspfw: string, value: bigint]> = {
  SEV_CMD_SNP_INIT: ['SNP_MCMD_ID_INIT', 0x081n],
  SEV_CMD_SNP_SHUTDOWN: ['SNP_MCMD_ID_SHUTDOWN', 0x082n],
  SEV_CMD_SNP_PLATFORM_STATUS: ['SNP_MCMD_ID_PLATFORM_STATUS', 0x083n],
  SEV_CMD_SNP_DF_FLUSH: ['SNP_MCMD_ID_DF_FLUSH', 0x084n],
  SEV_CMD_SNP_INIT_EX: ['SNP_MCMD_ID_INIT_EX', 0x085n],
  SEV_CMD_SNP_SHUTDOWN_EX: ['SNP_MCMD_ID_SHUTDOWN_EX', 0x086n],
  SEV_CMD_SNP_DECOMMISSION: ['SNP_MCMD_ID_DECOMMISSION', 0x090n],
  SEV_CMD_SNP_ACTIVATE: ['SNP_MCMD_ID_ACTIVATE', 0x091n],
  SEV_CMD_SNP_GUEST_STATUS: ['SNP_MCMD_ID_GUEST_STATUS', 0x092n],
  SEV_CMD_SNP_GCTX_CREATE: ['SNP_MCMD_ID_GCTX_CREATE', 0x093n],
  SEV_CMD_SNP_GUEST_REQUEST: ['SNP_MCMD_ID_GUEST_REQUEST', 0x094n],
  SEV_CMD_SNP_ACTIVATE_EX: ['SNP_MCMD_ID_ACTIVATE_EX', 0x095n],
  SEV_CMD_SNP_LAUNCH_START: ['SNP_MCMD_ID_LAUNCH_START', 0x0a0n],
  SEV_CMD_SNP_LAUNCH_UPDATE: ['SNP_MCMD_ID_LAUNCH_UPDATE', 0x0a1n],
  SEV_CMD_SNP_LAUNCH_FINISH: ['SNP_MCMD_ID_LAUNCH_FINISH', 0x0a2n],
  SEV_CMD_SNP_DBG_DECRYPT: ['SNP_MCMD_ID_DBG_DECRYPT', 0x0b0n],
  SEV_CMD_SNP_DBG_ENCRYPT: ['SNP_MCMD_ID_DBG_ENCRYPT', 0x0b1n],
  SEV_CMD_SNP_PAGE_SWAP_OUT: ['SNP_MCMD_ID_SWAP_OUT', 0x0c0n],
  SEV_CMD_SNP_PAGE_SWAP_IN: ['SNP_MCMD_ID_SWAP_IN', 0x0c1n],
  SEV_CMD_SNP_PAGE_MOVE: ['SNP_MCMD_ID_PAGE_MOVE', 0x0c2n],
  SEV_CMD_SNP_PAGE_MD_INIT: ['SNP_MCMD_ID_MD_INIT', 0x0c3n],
  SEV_CMD_SNP_PAGE_SET_STATE: ['SNP_MCMD_ID_PAGE_SET_STATE', 0x0c6n],
  SEV_CMD_SNP_PAGE_RECLAIM: ['SNP_MCMD_ID_PAGE_RECLAIM', 0x0c7n],
  SEV_CMD_SNP_PAGE_UNSMASH: ['SNP_MCMD_ID_PAGE_UNSMASH', 0x0c8n],
  SEV_CMD_SNP_CONFIG: ['SNP_MCMD_ID_CONFIG', 0x0c9n],
  SEV_CMD_SNP_DOWNLOAD_FIRMWARE_EX: ['SNP_MCMD_ID_DOWNLOAD_FIRMWARE_EX', 0x0can],
  SEV_CMD_SNP_COMMIT: ['SNP_MCMD_ID_COMMIT', 0x0cbn],
  // SNP_MCMD_ID_DLFW_CONTINUE 0x0CC is "NOT PUBLISHED. INTERNAL TO FW ONLY": not a command a host issues.
  SEV_CMD_SNP_VLEK_LOAD: ['SNP_MCMD_ID_VLEK_LOAD', 0x0cdn],
  SEV_CMD_SNP_FEATURE_INFO: ['SNP_MCMD_ID_FEATURE_INFO', 0x0cen],
};

// Linux include/uapi/linux/psp-sev.h enum sev_ret_code as of the SNP firmware
// hotload series (explicit values 0x19..0x27) and the SEV-TIO series (0x28).
const LINUX_SEV_RET: Record<string, bigint> = {
  SEV_RET_SUCCESS: 0x00n,
  SEV_RET_INVALID_PLATFORM_STATE: 0x01n,
  SEV_RET_INVALID_GUEST_STATE: 0x02n,
  SEV_RET_INAVLID_CONFIG: 0x03n,
  SEV_RET_INVALID_LEN: 0x04n,
  SEV_RET_ALREADY_OWNED: 0x05n,
  SEV_RET_INVALID_CERTIFICATE: 0x06n,
  SEV_RET_POLICY_FAILURE: 0x07n,
  SEV_RET_INACTIVE: 0x08n,
  SEV_RET_INVALID_ADDRESS: 0x09n,
  SEV_RET_BAD_SIGNATURE: 0x0an,
  SEV_RET_BAD_MEASUREMENT: 0x0bn,
  SEV_RET_ASID_OWNED: 0x0cn,
  SEV_RET_INVALID_ASID: 0x0dn,
  SEV_RET_WBINVD_REQUIRED: 0x0en,
  SEV_RET_DFFLUSH_REQUIRED: 0x0fn,
  SEV_RET_INVALID_GUEST: 0x10n,
  SEV_RET_INVALID_COMMAND: 0x11n,
  SEV_RET_ACTIVE: 0x12n,
  SEV_RET_HWSEV_RET_PLATFORM: 0x13n,
  SEV_RET_HWSEV_RET_UNSAFE: 0x14n,
  SEV_RET_UNSUPPORTED: 0x15n,
  SEV_RET_INVALID_PARAM: 0x16n,
  SEV_RET_RESOURCE_LIMIT: 0x17n,
  SEV_RET_SECURE_DATA_INVALID: 0x18n,
  SEV_RET_INVALID_PAGE_SIZE: 0x19n,
  SEV_RET_INVALID_PAGE_STATE: 0x1an,
  SEV_RET_INVALID_MDATA_ENTRY: 0x1bn,
  SEV_RET_INVALID_PAGE_OWNER: 0x1cn,
  SEV_RET_AEAD_OFLOW: 0x1dn,
  SEV_RET_EXIT_RING_BUFFER: 0x1fn,
  SEV_RET_RMP_INIT_REQUIRED: 0x20n,
  SEV_RET_BAD_SVN: 0x21n,
  SEV_RET_BAD_VERSION: 0x22n,
  SEV_RET_SHUTDOWN_REQUIRED: 0x23n,
  SEV_RET_UPDATE_FAILED: 0x24n,
  SEV_RET_RESTORE_REQUIRED: 0x25n,
  SEV_RET_RMP_INITIALIZATION_FAILED: 0x26n,
  SEV_RET_INVALID_KEY: 0x27n,
  SEV_RET_SHUTDOWN_INCOMPLETE: 0x28n,
};

describe('SNP command ids (AMD firmware source)', () => {
  it('every SNP command AMD\'s firmware dispatches has the same id here', () => {
    expectMacros('snp_cmd', Object.fromEntries(Object.entries(ASPFW_SNP_MCMD_ID).map(([c, [, v]]) => [c, v])));
  });

  it('no other SNP command id is defined in 0x80..0xCF', () => {
    const ours = group('snp_cmd').values.filter((v) => BigInt(v.value) < 0xd0n).map((v) => v.c_name).sort();
    expect(ours).toEqual(Object.keys(ASPFW_SNP_MCMD_ID).sort());
  });
});

describe('firmware status codes (Linux sev_ret_code)', () => {
  for (const name of ['sev_status', 'snp_status'] as const) {
    it(`${name}: each code with a Linux name has Linux's value`, () => {
      const g = group(name);
      const withLinux = g.values.filter((v) => v.linux);
      expect(withLinux.length).toBeGreaterThan(35);
      for (const v of withLinux) {
        const linux = v.linux!;
        expect(LINUX_SEV_RET[linux], `${name}.${v.name} (${linux})`).toBe(BigInt(v.value));
      }
    });
  }

  it('the SNP table has every code Linux defines', () => {
    const linuxNames = new Set(group('snp_status').values.map((v) => v.linux));
    for (const n of Object.keys(LINUX_SEV_RET)) expect(linuxNames.has(n), n).toBe(true);
  });
});
