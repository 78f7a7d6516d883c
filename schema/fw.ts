// The firmware's state machines, per command (AMD 55766 SEV API, chapters
// "Platform Management API" and "Guest Management API", the platform and guest
// state tables; AMD 56860 SNP ABI, the SNP platform and guest commands).
//
// The documents give each command's required states in its own section; the
// order of checks, the status a failing check returns and several vague rules
// (DF_FLUSH accepted in every platform state, GUEST_STATUS on an unknown
// handle) were taken from AMD's published firmware source, amd/AMD-ASPFW
// (fw/psp_bl_uapps/sev_uapp/src: sev_mcmd.c handlers, sev_plat.c
// state_tbl_sev/state_tbl_snp, sev_guest.c/sev_guest.h guest state tables,
// sev_es.c TMR rules; sev_dispatch.c master_handler_table for which buffers
// are written back, and whether on error too), which every entry names as its source. Section numbers
// of the documents could not be checked against the documents themselves, so
// sections are named by command title.
import type { FwCommandInput } from './fw-model.ts';
import { citeVia } from './spec.ts';

const SRC = 'amd/AMD-ASPFW:fw/psp_bl_uapps/sev_uapp/src';
const mcmd = (fn: string) => `${SRC}/sev_mcmd.c ${fn}()`;
const PLAT_TBL = `${SRC}/sev_plat.c state_tbl_sev`;
const SNP_TBL = `${SRC}/sev_plat.c state_tbl_snp`;
const GUEST_TBL = `${SRC}/sev_guest.c, sev_guest.h guest state table`;

const sev = (command: string, fn: string, extra = '') =>
  citeVia('sevApi', `${mcmd(fn)}; ${PLAT_TBL}; ${GUEST_TBL}${extra}`, `${command} command`);
const snp = (command: string, fn: string) => citeVia('snpAbi', `${mcmd(fn)}; ${SNP_TBL}`, `${command} command`);
const chk = (doc: 'sevApi' | 'snpAbi', command: string, src: string) => citeVia(doc, src, `${command} command`);

const ALL_SEV = ['UNINIT', 'INIT', 'WORKING'];
const INITED = ['INIT', 'WORKING'];
/** Every state a guest context exists in (UNINIT means "no guest"). */
const SEV_GUEST_ANY = ['LUPDATE', 'LSECRET', 'RUNNING', 'SUPDATE', 'RUPDATE', 'SENT'];
const SNP_GUEST_ANY = ['INIT', 'LAUNCH', 'RUNNING'];

const handleCheck = (command: string, fn: string) => ({
  kind: 'handle' as const,
  field: 'handle',
  rule: 'handle names an existing guest context',
  status: 'INVALID_GUEST',
  spec: chk('sevApi', command, mcmd(fn)),
});
const activeCheck = (command: string, fn: string) => ({
  kind: 'asid' as const,
  field: null,
  rule: 'the guest is activated (bound to an ASID)',
  status: 'INACTIVE',
  spec: chk('sevApi', command, mcmd(fn)),
});
const gctxCheck = (command: string, fn: string, field = 'gctx_paddr') => ({
  kind: 'address' as const,
  field,
  rule: 'the page is a guest context page (RMP state Context) created by SNP_GCTX_CREATE',
  status: 'INVALID_GUEST',
  spec: chk('snpAbi', command, mcmd(fn)),
});
const snpReservedAddr = (command: string, fn: string, field = 'gctx_paddr') => ({
  kind: 'reserved' as const,
  field,
  rule: `the reserved low bits of ${field} are zero`,
  status: 'INVALID_PARAM',
  spec: chk('snpAbi', command, mcmd(fn)),
});
const addrCheck = (doc: 'sevApi' | 'snpAbi', command: string, fn: string, field: string) => ({
  kind: 'address' as const,
  field,
  rule: `the range at ${field} lies below the highest system physical address (0x3FFC_FFFF_FFFF, C-bit ignored) and outside the legacy ASEG and the TMR`,
  status: 'INVALID_ADDRESS',
  spec: chk(doc, command, `${mcmd(fn)}; ${SRC}/x86_copy.c validate_address_range()`),
});
const transportLength = (command: string, fn: string) => ({
  kind: 'length' as const,
  field: 'hdr_len',
  rule: 'hdr_len is the packet header size (0x34)',
  status: 'INVALID_LENGTH',
  spec: chk('sevApi', command, mcmd(fn)),
});

export const fwCommands: FwCommandInput[] = [
  // ---- SEV platform management ---------------------------------------------
  {
    api: 'sev', command: 'INIT', buffer: 'sev_data_init', direction: 'in',
    platformStates: ['UNINIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: 'INIT', nextGuestState: null,
    checks: [
      { kind: 'host', field: null, rule: 'memory encryption is enabled in every memory controller and SME on every core (SYSCFG.MemEncryptionModEn)', status: 'HWERROR_PLATFORM', spec: chk('sevApi', 'INIT', mcmd('sev_mcmd_init_common')) },
      { kind: 'reserved', field: 'flags', rule: 'flags has no bit other than SEV_ES; the reserved word is zero', status: 'INVALID_CONFIG', spec: chk('sevApi', 'INIT', `${SRC}/sev_mcmd.c init_cmd_buf_valid()`) },
      { kind: 'alignment', field: 'tmr_address', rule: 'with SEV_ES: the TMR is 1 MiB aligned (2 MiB once the RMP is initialized)', status: 'INVALID_ADDRESS', spec: chk('sevApi', 'INIT', `${SRC}/sev_es.c sev_es_reserve_trusted_region()`) },
      { kind: 'length', field: 'tmr_len', rule: 'with SEV_ES: tmr_len is exactly 1 MiB (2 MiB once the RMP is initialized)', status: 'INVALID_LENGTH', spec: chk('sevApi', 'INIT', `${SRC}/sev_es.c sev_es_reserve_trusted_region()`) },
    ],
    spec: sev('INIT', 'sev_mcmd_init_common'),
    note: 'All ASIDs become dirty: ACTIVATE needs WBINVD on every core and DF_FLUSH first.',
  },
  {
    api: 'sev', command: 'INIT_EX', buffer: 'sev_data_init_ex', direction: 'in',
    platformStates: ['UNINIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: 'INIT', nextGuestState: null,
    checks: [
      { kind: 'host', field: null, rule: 'memory encryption is enabled in every memory controller and SME on every core', status: 'HWERROR_PLATFORM', spec: chk('sevApi', 'INIT_EX', mcmd('sev_mcmd_init_common')) },
      { kind: 'reserved', field: 'flags', rule: 'flags has no bit other than SEV_ES; the reserved word is zero', status: 'INVALID_CONFIG', spec: chk('sevApi', 'INIT_EX', `${SRC}/sev_mcmd.c init_ex_cmd_buf_valid()`) },
      { kind: 'length', field: 'length', rule: 'length is 0x24', status: 'INVALID_LENGTH', spec: chk('sevApi', 'INIT_EX', mcmd('sev_mcmd_init_common')) },
      { kind: 'alignment', field: 'nv_address', rule: 'nv_address, when not 0 (SPI storage), is 4 KiB aligned', status: 'INVALID_ADDRESS', spec: chk('sevApi', 'INIT_EX', mcmd('sev_mcmd_init_common')) },
      { kind: 'length', field: 'nv_len', rule: 'nv_len, when nv_address is not 0, is 32 KiB', status: 'INVALID_LENGTH', spec: chk('sevApi', 'INIT_EX', mcmd('sev_mcmd_init_common')) },
      { kind: 'alignment', field: 'tmr_address', rule: 'with SEV_ES: the TMR is 1 MiB aligned', status: 'INVALID_ADDRESS', spec: chk('sevApi', 'INIT_EX', `${SRC}/sev_es.c sev_es_reserve_trusted_region()`) },
      { kind: 'length', field: 'tmr_len', rule: 'with SEV_ES: tmr_len is exactly 1 MiB', status: 'INVALID_LENGTH', spec: chk('sevApi', 'INIT_EX', `${SRC}/sev_es.c sev_es_reserve_trusted_region()`) },
    ],
    spec: sev('INIT_EX', 'sev_mcmd_init_common'),
  },
  {
    api: 'sev', command: 'SHUTDOWN', buffer: null, direction: 'none',
    platformStates: ALL_SEV, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: 'UNINIT', nextGuestState: null, checks: [],
    spec: sev('SHUTDOWN', 'sev_mcmd_shutdown'),
    note: 'Drops every SEV guest context.',
  },
  {
    api: 'sev', command: 'PLATFORM_RESET', buffer: null, direction: 'none',
    platformStates: ['UNINIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PLATFORM_RESET', 'sev_mcmd_platform_reset'),
  },
  {
    api: 'sev', command: 'PLATFORM_STATUS', buffer: 'sev_user_data_status', direction: 'out',
    platformStates: ALL_SEV, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PLATFORM_STATUS', 'sev_mcmd_platform_status'),
    note: 'In UNINIT the owner flag, CONFIG.ES and the guest count read as 0.',
  },
  {
    api: 'sev', command: 'PEK_GEN', buffer: null, direction: 'none',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PEK_GEN', 'sev_mcmd_pek_gen'),
  },
  {
    api: 'sev', command: 'PEK_CSR', buffer: 'sev_data_pek_csr', direction: 'in_out', writeBackOnError: true,
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'length', field: 'len', rule: 'len is at least the CSR size (written back)', status: 'INVALID_LENGTH', spec: chk('sevApi', 'PEK_CSR', mcmd('sev_mcmd_pek_csr')) }],
    spec: sev('PEK_CSR', 'sev_mcmd_pek_csr'),
  },
  {
    api: 'sev', command: 'PEK_CERT_IMPORT', buffer: 'sev_data_pek_cert_import', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PEK_CERT_IMPORT', 'sev_mcmd_pek_cert_import'),
  },
  {
    api: 'sev', command: 'PDH_CERT_EXPORT', buffer: 'sev_data_pdh_cert_export', direction: 'in_out', writeBackOnError: true,
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PDH_CERT_EXPORT', 'sev_mcmd_pdh_cert_export'),
  },
  {
    api: 'sev', command: 'PDH_GEN', buffer: null, direction: 'none',
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('PDH_GEN', 'sev_mcmd_pdh_gen'),
  },
  {
    api: 'sev', command: 'DF_FLUSH', buffer: null, direction: 'none',
    platformStates: ALL_SEV, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'host', field: null, rule: 'every core executed WBINVD since the ASIDs were last dirtied (INIT, DEACTIVATE of a running guest)', status: 'WBINVD_REQUIRED', spec: chk('sevApi', 'DF_FLUSH', `${SRC}/sev_mcmd.c mcmd_df_flush_common()`) }],
    spec: sev('DF_FLUSH', 'mcmd_df_flush_common'),
    note: 'The firmware makes no platform-state check; dirty ASIDs become clean.',
  },
  {
    api: 'sev', command: 'DOWNLOAD_FIRMWARE', buffer: 'sev_data_download_firmware', direction: 'in',
    platformStates: ['UNINIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('DOWNLOAD_FIRMWARE', 'sev_mcmd_download_firmware'),
    note: 'Also refused while SNP is initialized.',
  },
  {
    api: 'sev', command: 'GET_ID', buffer: 'sev_data_get_id', direction: 'in_out', writeBackOnError: true,
    platformStates: ALL_SEV, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'length', field: 'len', rule: 'len is at least the ID size (written back)', status: 'INVALID_LENGTH', spec: chk('sevApi', 'GET_ID', mcmd('sev_mcmd_get_id')) }],
    spec: sev('GET_ID', 'sev_mcmd_get_id'),
  },
  {
    api: 'sev', command: 'NOP', buffer: null, direction: 'none',
    platformStates: ALL_SEV, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('NOP', 'sev_mcmd_nop'),
  },
  {
    api: 'sev', command: 'RING_BUFFER', buffer: 'sev_data_ring_buffer', direction: 'in',
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'param', field: null, rule: 'ring buffer mode is not already enabled', status: 'INVALID_PARAM', spec: chk('sevApi', 'RING_BUFFER', mcmd('sev_mcmd_ring_buffer')) }],
    spec: sev('RING_BUFFER', 'sev_mcmd_ring_buffer'),
    note: 'Also accepted when only SNP is initialized.',
  },
  // ---- SEV guest management --------------------------------------------------
  {
    api: 'sev', command: 'DECOMMISSION', buffer: 'sev_data_decommission', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: 'INIT', nextPlatformWhen: 'the last guest is decommissioned', nextGuestState: 'UNINIT',
    checks: [
      handleCheck('DECOMMISSION', 'sev_mcmd_decommission'),
      { kind: 'asid', field: null, rule: 'the guest is not active (DEACTIVATE first)', status: 'ACTIVE', spec: chk('sevApi', 'DECOMMISSION', `${SRC}/sev_mcmd.c mcmd_decommission_common()`) },
    ],
    spec: sev('DECOMMISSION', 'sev_mcmd_decommission'),
  },
  {
    api: 'sev', command: 'ACTIVATE', buffer: 'sev_data_activate', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LUPDATE', 'LSECRET', 'RUNNING', 'SUPDATE', 'RUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      handleCheck('ACTIVATE', 'sev_mcmd_activate'),
      { kind: 'asid', field: 'asid', rule: 'asid is 1..max SEV ASID', status: 'INVALID_ASID', spec: chk('sevApi', 'ACTIVATE', `${SRC}/sev_mcmd.c mcmd_activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'no guest holds the ASID', status: 'ASID_OWNED', spec: chk('sevApi', 'ACTIVATE', `${SRC}/sev_mcmd.c mcmd_activate_common()`) },
      { kind: 'asid', field: null, rule: 'the guest is not already active', status: 'ACTIVE', spec: chk('sevApi', 'ACTIVATE', `${SRC}/sev_mcmd.c mcmd_activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'the ASID is clean: no DF_FLUSH pending since INIT or its last DEACTIVATE', status: 'DFFLUSH_REQUIRED', spec: chk('sevApi', 'ACTIVATE', `${SRC}/sev_mcmd.c activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'an SEV-ES guest takes an ASID below MIN_SEV_ASID (CPUID Fn8000_001F EDX), any other guest one from MIN_SEV_ASID up', status: 'INVALID_ASID', spec: chk('sevApi', 'ACTIVATE', `${SRC}/sev_es.c sev_es_validate_asid()`) },
    ],
    spec: sev('ACTIVATE', 'sev_mcmd_activate'),
  },
  {
    api: 'sev', command: 'DEACTIVATE', buffer: 'sev_data_deactivate', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [handleCheck('DEACTIVATE', 'sev_mcmd_deactivate'), activeCheck('DEACTIVATE', 'sev_mcmd_deactivate')],
    spec: sev('DEACTIVATE', 'sev_mcmd_deactivate'),
    note: 'The ASID becomes dirty when the guest ran: WBINVD and DF_FLUSH before it is reused.',
  },
  {
    api: 'sev', command: 'GUEST_STATUS', buffer: 'sev_data_guest_status', direction: 'in_out',
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null, checks: [],
    spec: sev('GUEST_STATUS', 'sev_mcmd_guest_status'),
    note: 'An unknown handle is not an error: state reads 0 (no guest).',
  },
  {
    api: 'sev', command: 'COPY', buffer: 'sev_data_copy', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      handleCheck('COPY', 'sev_mcmd_copy'), activeCheck('COPY', 'sev_mcmd_copy'),
      { kind: 'length', field: 'length', rule: 'length is a non-zero multiple of 4096', status: 'INVALID_LENGTH', spec: chk('sevApi', 'COPY', mcmd('sev_mcmd_copy')) },
    ],
    spec: sev('COPY', 'sev_mcmd_copy'),
  },
  {
    api: 'sev', command: 'ACTIVATE_EX', buffer: 'sev_data_activate_ex', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LUPDATE', 'LSECRET', 'RUNNING', 'SUPDATE', 'RUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      { kind: 'length', field: 'ex_len', rule: 'ex_len is the size of this buffer', status: 'INVALID_PARAM', spec: chk('sevApi', 'ACTIVATE_EX', mcmd('sev_mcmd_activate_ex')) },
      handleCheck('ACTIVATE_EX', 'sev_mcmd_activate_ex'),
      { kind: 'asid', field: 'asid', rule: 'asid is 1..max SEV ASID', status: 'INVALID_ASID', spec: chk('sevApi', 'ACTIVATE_EX', `${SRC}/sev_mcmd.c mcmd_activate_ex_common()`) },
    ],
    spec: sev('ACTIVATE_EX', 'sev_mcmd_activate_ex'),
  },
  {
    api: 'sev', command: 'LAUNCH_START', buffer: 'sev_data_launch_start', direction: 'in_out',
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['UNINIT'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: 'WORKING', nextGuestState: 'LUPDATE',
    checks: [
      { kind: 'length', field: 'session_len', rule: 'with a DH certificate: session_len is the session blob size', status: 'INVALID_LENGTH', spec: chk('sevApi', 'LAUNCH_START', mcmd('sev_mcmd_launch_start')) },
      { kind: 'length', field: 'dh_cert_len', rule: 'with a DH certificate: dh_cert_len is the certificate size', status: 'INVALID_LENGTH', spec: chk('sevApi', 'LAUNCH_START', mcmd('sev_mcmd_launch_start')) },
      addrCheck('sevApi', 'LAUNCH_START', 'sev_mcmd_launch_start', 'dh_cert_address'),
      addrCheck('sevApi', 'LAUNCH_START', 'sev_mcmd_launch_start', 'session_address'),
      { kind: 'handle', field: 'handle', rule: 'a non-zero handle (key sharing) names an existing guest', status: 'INVALID_GUEST', spec: chk('sevApi', 'LAUNCH_START', mcmd('sev_mcmd_launch_start')) },
      { kind: 'policy', field: 'policy', rule: 'key sharing: the policy equals the other guest\'s and NOKS is clear', status: 'POLICY_FAILURE', spec: chk('sevApi', 'LAUNCH_START', mcmd('sev_mcmd_launch_start')) },
      { kind: 'policy', field: 'policy', rule: 'policy.ES needs a platform initialized with SEV_ES', status: 'UNSUPPORTED', spec: chk('sevApi', 'LAUNCH_START', mcmd('sev_mcmd_launch_start')) },
      { kind: 'config', field: null, rule: 'a free guest handle exists', status: 'RESOURCE_LIMIT', spec: chk('sevApi', 'LAUNCH_START', `${SRC}/sev_guest.c find_free_guest_handle()`) },
    ],
    spec: sev('LAUNCH_START', 'sev_mcmd_launch_start'),
    note: 'The new handle is written back to the buffer.',
  },
  ...(['LAUNCH_UPDATE_DATA', 'LAUNCH_UPDATE_VMSA'] as const).map((command): FwCommandInput => ({
    api: 'sev', command, buffer: command === 'LAUNCH_UPDATE_DATA' ? 'sev_data_launch_update_data' : 'sev_data_launch_update_vmsa', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      handleCheck(command, 'launch_update_common'),
      ...(command === 'LAUNCH_UPDATE_VMSA'
        ? [{ kind: 'policy' as const, field: null, rule: 'the guest policy has ES set', status: 'UNSUPPORTED', spec: chk('sevApi', command, `${SRC}/sev_mcmd.c launch_update_common()`) }]
        : []),
      activeCheck(command, 'launch_update_common'),
      { kind: 'alignment', field: 'address', rule: 'address is 16-byte aligned', status: 'INVALID_ADDRESS', spec: chk('sevApi', command, `${SRC}/sev_mcmd.c launch_update_common()`) },
      { kind: 'length', field: 'len', rule: 'len is a non-zero multiple of 16', status: 'INVALID_LENGTH', spec: chk('sevApi', command, `${SRC}/sev_mcmd.c launch_update_common()`) },
      addrCheck('sevApi', command, 'launch_update_common', 'address'),
    ],
    spec: sev(command, 'launch_update_common'),
    note: 'The plaintext is added to the SHA-256 launch digest, then encrypted in place.',
  })),
  {
    api: 'sev', command: 'LAUNCH_MEASURE', buffer: 'sev_data_launch_measure', direction: 'in_out', writeBackOnError: true,
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'LSECRET',
    checks: [
      handleCheck('LAUNCH_MEASURE', 'sev_mcmd_launch_measure'),
      { kind: 'length', field: 'len', rule: 'len is at least the measurement size (48, written back)', status: 'INVALID_LENGTH', spec: chk('sevApi', 'LAUNCH_MEASURE', mcmd('sev_mcmd_launch_measure')) },
      addrCheck('sevApi', 'LAUNCH_MEASURE', 'sev_mcmd_launch_measure', 'address'),
    ],
    spec: sev('LAUNCH_MEASURE', 'sev_mcmd_launch_measure', `; ${SRC}/sev_guest.c sev_guest_measure()`),
    note: 'MEASURE = HMAC-SHA-256 under the TIK of 0x04 || API_MAJOR || API_MINOR || BUILD || POLICY (32-bit LE) || launch digest || MNONCE.',
  },
  {
    api: 'sev', command: 'LAUNCH_SECRET', buffer: 'sev_data_launch_secret', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LSECRET'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      handleCheck('LAUNCH_SECRET', 'sev_mcmd_launch_secret'),
      { kind: 'alignment', field: 'guest_address', rule: 'guest_address is 16-byte aligned', status: 'INVALID_ADDRESS', spec: chk('sevApi', 'LAUNCH_SECRET', mcmd('sev_mcmd_launch_secret')) },
      transportLength('LAUNCH_SECRET', 'sev_mcmd_launch_secret'),
      { kind: 'length', field: 'guest_len', rule: 'guest_len is a non-zero multiple of 16, at most 0x5000, equal to trans_len', status: 'INVALID_LENGTH', spec: chk('sevApi', 'LAUNCH_SECRET', mcmd('sev_mcmd_launch_secret')) },
      activeCheck('LAUNCH_SECRET', 'sev_mcmd_launch_secret'),
      addrCheck('sevApi', 'LAUNCH_SECRET', 'sev_mcmd_launch_secret', 'hdr_address'),
      addrCheck('sevApi', 'LAUNCH_SECRET', 'sev_mcmd_launch_secret', 'trans_address'),
    ],
    spec: sev('LAUNCH_SECRET', 'sev_mcmd_launch_secret'),
    note: 'The firmware checks the lengths before the guest state.',
  },
  {
    api: 'sev', command: 'LAUNCH_FINISH', buffer: 'sev_data_launch_finish', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LSECRET'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'RUNNING',
    checks: [handleCheck('LAUNCH_FINISH', 'sev_mcmd_launch_finish')],
    spec: sev('LAUNCH_FINISH', 'sev_mcmd_launch_finish'),
  },
  {
    api: 'sev', command: 'ATTESTATION', buffer: 'sev_data_attestation_report', direction: 'in_out', writeBackOnError: true,
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LSECRET', 'RUNNING', 'SUPDATE', 'SENT'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null, checks: [handleCheck('ATTESTATION', 'sev_mcmd_attestation')],
    spec: sev('ATTESTATION', 'sev_mcmd_attestation'),
  },
  {
    api: 'sev', command: 'SEND_START', buffer: 'sev_data_send_start', direction: 'in_out', writeBackOnError: true,
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['RUNNING'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'SUPDATE', checks: [handleCheck('SEND_START', 'sev_mcmd_send_start')],
    spec: sev('SEND_START', 'sev_mcmd_send_start'),
  },
  ...(['SEND_UPDATE_DATA', 'SEND_UPDATE_VMSA'] as const).map((command): FwCommandInput => ({
    api: 'sev', command, buffer: command === 'SEND_UPDATE_DATA' ? 'sev_data_send_update_data' : 'sev_data_send_update_vmsa', direction: 'in_out', writeBackOnError: true,
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['SUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null, checks: [handleCheck(command, 'send_update_common')],
    spec: sev(command, 'send_update_common'),
  })),
  {
    api: 'sev', command: 'SEND_FINISH', buffer: 'sev_data_send_finish', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['SUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'SENT', checks: [handleCheck('SEND_FINISH', 'sev_mcmd_send_finish')],
    spec: sev('SEND_FINISH', 'sev_mcmd_send_finish'),
  },
  {
    api: 'sev', command: 'SEND_CANCEL', buffer: 'sev_data_send_cancel', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['SUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'RUNNING', checks: [handleCheck('SEND_CANCEL', 'sev_mcmd_send_cancel')],
    spec: sev('SEND_CANCEL', 'sev_mcmd_send_cancel'),
  },
  {
    api: 'sev', command: 'RECEIVE_START', buffer: 'sev_data_receive_start', direction: 'in_out',
    platformStates: INITED, platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['UNINIT'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: 'WORKING', nextGuestState: 'RUPDATE',
    checks: [
      { kind: 'policy', field: 'policy', rule: 'policy.ES needs a platform initialized with SEV_ES', status: 'UNSUPPORTED', spec: chk('sevApi', 'RECEIVE_START', mcmd('sev_mcmd_receive_start')) },
      { kind: 'config', field: null, rule: 'a free guest handle exists', status: 'RESOURCE_LIMIT', spec: chk('sevApi', 'RECEIVE_START', `${SRC}/sev_guest.c find_free_guest_handle()`) },
    ],
    spec: sev('RECEIVE_START', 'sev_mcmd_receive_start'),
  },
  ...(['RECEIVE_UPDATE_DATA', 'RECEIVE_UPDATE_VMSA'] as const).map((command): FwCommandInput => ({
    api: 'sev', command, buffer: command === 'RECEIVE_UPDATE_DATA' ? 'sev_data_receive_update_data' : 'sev_data_receive_update_vmsa', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['RUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null, checks: [handleCheck(command, 'receive_update_common')],
    spec: sev(command, 'receive_update_common'),
  })),
  {
    api: 'sev', command: 'RECEIVE_FINISH', buffer: 'sev_data_receive_finish', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['RUPDATE'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'RUNNING', checks: [handleCheck('RECEIVE_FINISH', 'sev_mcmd_receive_finish')],
    spec: sev('RECEIVE_FINISH', 'sev_mcmd_receive_finish'),
  },
  ...(['DBG_DECRYPT', 'DBG_ENCRYPT'] as const).map((command): FwCommandInput => ({
    api: 'sev', command, buffer: 'sev_data_dbg', direction: 'in',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      { kind: 'length', field: 'len', rule: 'len is a multiple of 16', status: 'INVALID_LENGTH', spec: chk('sevApi', command, mcmd(command === 'DBG_DECRYPT' ? 'sev_mcmd_dbg_decrypt' : 'sev_mcmd_dbg_encrypt')) },
      handleCheck(command, command === 'DBG_DECRYPT' ? 'sev_mcmd_dbg_decrypt' : 'sev_mcmd_dbg_encrypt'),
      { kind: 'policy', field: null, rule: 'the guest policy has NODBG clear', status: 'POLICY_FAILURE', spec: chk('sevApi', command, mcmd(command === 'DBG_DECRYPT' ? 'sev_mcmd_dbg_decrypt' : 'sev_mcmd_dbg_encrypt')) },
    ],
    spec: sev(command, command === 'DBG_DECRYPT' ? 'sev_mcmd_dbg_decrypt' : 'sev_mcmd_dbg_encrypt'),
  })),
  ...(['SWAP_OUT', 'SWAP_IN'] as const).map((command): FwCommandInput => ({
    api: 'sev', command, buffer: command === 'SWAP_OUT' ? 'sev_data_swap_out' : 'sev_data_swap_in', direction: command === 'SWAP_OUT' ? 'in_out' : 'in', writeBackOnError: command === 'SWAP_OUT',
    platformStates: ['WORKING'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SEV_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [handleCheck(command, command === 'SWAP_OUT' ? 'sev_mcmd_swap_out' : 'sev_mcmd_swap_in'), activeCheck(command, command === 'SWAP_OUT' ? 'sev_mcmd_swap_out' : 'sev_mcmd_swap_in')],
    spec: sev(command, command === 'SWAP_OUT' ? 'sev_mcmd_swap_out' : 'sev_mcmd_swap_in'),
  })),
  // ---- SNP platform management -----------------------------------------------
  ...(['SNP_INIT', 'SNP_INIT_EX'] as const).map((command): FwCommandInput => ({
    api: 'snp', command, buffer: command === 'SNP_INIT' ? null : 'snp_init_ex', direction: command === 'SNP_INIT' ? 'none' : 'in',
    platformStates: ['UNINIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: 'INIT', nextGuestState: null,
    checks: [
      ...(command === 'SNP_INIT_EX'
        ? [{ kind: 'reserved' as const, field: 'reserved_0x4', rule: 'the reserved fields are zero', status: 'INVALID_PARAM', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c snp_mcmd_init_common()`) }]
        : []),
      { kind: 'config' as const, field: null, rule: 'the SEV platform is UNINIT too (SNP is initialized before SEV)', status: 'INVALID_PLATFORM_STATE', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c snp_mcmd_init_common()`) },
      { kind: 'host' as const, field: null, rule: 'memory encryption, SME and SNP (SYSCFG.SNPEn) are enabled on every core and the RMP covers memory', status: 'INVALID_CONFIG', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c snp_mcmd_init_common()`) },
    ],
    spec: snp(command, 'snp_mcmd_init_common'),
  })),
  ...(['SNP_SHUTDOWN', 'SNP_SHUTDOWN_EX'] as const).map((command): FwCommandInput => ({
    api: 'snp', command, buffer: command === 'SNP_SHUTDOWN' ? null : 'snp_shutdown_ex', direction: command === 'SNP_SHUTDOWN' ? 'none' : 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: 'UNINIT', nextGuestState: null,
    checks: [
      { kind: 'config', field: null, rule: 'the SEV platform is UNINIT (SHUTDOWN first)', status: 'INVALID_PLATFORM_STATE', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c snp_mcmd_shutdown_common()`) },
      { kind: 'asid', field: null, rule: 'every ASID is clean (no DF_FLUSH pending)', status: 'DFFLUSH_REQUIRED', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c snp_mcmd_shutdown_common()`) },
    ],
    spec: snp(command, 'snp_mcmd_shutdown_common'),
    note: 'In UNINIT it succeeds without doing anything.',
  })),
  {
    api: 'snp', command: 'SNP_PLATFORM_STATUS', buffer: 'snp_platform_status_cmd', direction: 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [
      addrCheck('snpAbi', 'SNP_PLATFORM_STATUS', 'snp_mcmd_platform_status', 'address'),
      { kind: 'address', field: 'address', rule: 'in INIT the status page is a Firmware or hypervisor page', status: 'INVALID_PAGE_STATE', spec: chk('snpAbi', 'SNP_PLATFORM_STATUS', mcmd('snp_mcmd_platform_status')) },
    ],
    spec: snp('SNP_PLATFORM_STATUS', 'snp_mcmd_platform_status'),
    note: 'The firmware writes snp_platform_status at address.',
  },
  {
    api: 'snp', command: 'SNP_DF_FLUSH', buffer: null, direction: 'none',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'host', field: null, rule: 'every core executed WBINVD since the ASIDs were dirtied', status: 'WBINVD_REQUIRED', spec: chk('snpAbi', 'SNP_DF_FLUSH', `${SRC}/sev_mcmd.c mcmd_df_flush_common()`) }],
    spec: snp('SNP_DF_FLUSH', 'snp_mcmd_df_flush'),
  },
  {
    api: 'snp', command: 'SNP_CONFIG', buffer: 'snp_config', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'reserved', field: null, rule: 'reserved fields and flags are zero', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_CONFIG', mcmd('snp_mcmd_config')) }],
    spec: snp('SNP_CONFIG', 'snp_mcmd_config'),
  },
  {
    api: 'snp', command: 'SNP_DOWNLOAD_FIRMWARE_EX', buffer: 'snp_download_firmware_ex', direction: 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'config', field: null, rule: 'the SEV platform is UNINIT', status: 'INVALID_PLATFORM_STATE', spec: chk('snpAbi', 'SNP_DOWNLOAD_FIRMWARE_EX', mcmd('snp_mcmd_download_firmware_ex')) }],
    spec: snp('SNP_DOWNLOAD_FIRMWARE_EX', 'snp_mcmd_download_firmware_ex'),
  },
  {
    api: 'snp', command: 'SNP_COMMIT', buffer: 'snp_commit', direction: 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'length', field: 'len', rule: 'len is the buffer size', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_COMMIT', mcmd('snp_mcmd_commit')) }],
    spec: snp('SNP_COMMIT', 'snp_mcmd_commit'),
  },
  {
    api: 'snp', command: 'SNP_VLEK_LOAD', buffer: 'snp_vlek_load', direction: 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'length', field: 'len', rule: 'len is the buffer size', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_VLEK_LOAD', mcmd('snp_mcmd_vlek_load')) }],
    spec: snp('SNP_VLEK_LOAD', 'snp_mcmd_vlek_load'),
  },
  {
    api: 'snp', command: 'SNP_FEATURE_INFO', buffer: 'snp_feature_info', direction: 'in',
    platformStates: ['UNINIT', 'INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'address', field: 'feature_info_paddr', rule: 'in INIT the output page is a Firmware or hypervisor page', status: 'INVALID_PAGE_STATE', spec: chk('snpAbi', 'SNP_FEATURE_INFO', mcmd('snp_mcmd_feature_info')) }],
    spec: snp('SNP_FEATURE_INFO', 'snp_mcmd_feature_info'),
  },
  // ---- SNP guest management --------------------------------------------------
  {
    api: 'snp', command: 'SNP_GCTX_CREATE', buffer: 'snp_gctx_create', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: 'INIT',
    checks: [
      snpReservedAddr('SNP_GCTX_CREATE', 'snp_mcmd_gctx_create'),
      { kind: 'address', field: 'gctx_paddr', rule: 'the page is in the Firmware RMP state', status: 'INVALID_PAGE_STATE', spec: chk('snpAbi', 'SNP_GCTX_CREATE', mcmd('snp_mcmd_gctx_create')) },
      { kind: 'address', field: 'gctx_paddr', rule: 'the page is a 4 KiB RMP page', status: 'INVALID_PAGE_SIZE', spec: chk('snpAbi', 'SNP_GCTX_CREATE', mcmd('snp_mcmd_gctx_create')) },
    ],
    spec: snp('SNP_GCTX_CREATE', 'snp_mcmd_gctx_create'),
  },
  {
    api: 'snp', command: 'SNP_DECOMMISSION', buffer: 'snp_decommission', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SNP_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [snpReservedAddr('SNP_DECOMMISSION', 'snp_mcmd_decommission'), gctxCheck('SNP_DECOMMISSION', 'snp_mcmd_decommission')],
    spec: snp('SNP_DECOMMISSION', 'snp_mcmd_decommission'),
    note: 'The context page goes back to the Firmware state and the guest\'s ASID needs a DF_FLUSH before reuse.',
  },
  ...(['SNP_ACTIVATE', 'SNP_ACTIVATE_EX'] as const).map((command): FwCommandInput => ({
    api: 'snp', command, buffer: command === 'SNP_ACTIVATE' ? 'snp_activate' : 'snp_activate_ex', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LAUNCH', 'RUNNING'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      snpReservedAddr(command, command === 'SNP_ACTIVATE' ? 'snp_mcmd_activate' : 'snp_mcmd_activate_ex'),
      gctxCheck(command, command === 'SNP_ACTIVATE' ? 'snp_mcmd_activate' : 'snp_mcmd_activate_ex'),
      { kind: 'asid', field: 'asid', rule: 'asid is 1..max SNP ASID', status: 'INVALID_ASID', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c mcmd_activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'no guest holds the ASID', status: 'ASID_OWNED', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c mcmd_activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'the guest is not already bound to another ASID', status: 'ACTIVE', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c activate_common()`) },
      { kind: 'asid', field: 'asid', rule: 'the ASID is clean', status: 'DFFLUSH_REQUIRED', spec: chk('snpAbi', command, `${SRC}/sev_mcmd.c activate_common()`) },
    ],
    spec: snp(command, command === 'SNP_ACTIVATE' ? 'snp_mcmd_activate' : 'snp_mcmd_activate_ex'),
  })),
  {
    api: 'snp', command: 'SNP_GUEST_STATUS', buffer: 'snp_guest_status', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SNP_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      snpReservedAddr('SNP_GUEST_STATUS', 'snp_mcmd_guest_status'),
      { kind: 'address', field: 'address', rule: 'the 32-byte status buffer does not cross a 4 KiB page', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_GUEST_STATUS', mcmd('snp_mcmd_guest_status')) },
      gctxCheck('SNP_GUEST_STATUS', 'snp_mcmd_guest_status'),
    ],
    spec: snp('SNP_GUEST_STATUS', 'snp_mcmd_guest_status'),
    note: 'The firmware writes snp_guest_status_buffer at address.',
  },
  {
    api: 'snp', command: 'SNP_GUEST_REQUEST', buffer: 'snp_guest_request', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['RUNNING'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [gctxCheck('SNP_GUEST_REQUEST', 'snp_mcmd_guest_request')],
    spec: snp('SNP_GUEST_REQUEST', 'snp_mcmd_guest_request'),
    note: 'Migration messages (VM_IMPORT, VM_ABSORB) are also accepted in INIT and LAUNCH.',
  },
  {
    api: 'snp', command: 'SNP_LAUNCH_START', buffer: 'snp_launch_start', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['INIT'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'LAUNCH',
    checks: [
      snpReservedAddr('SNP_LAUNCH_START', 'snp_mcmd_launch_start'),
      gctxCheck('SNP_LAUNCH_START', 'snp_mcmd_launch_start'),
      { kind: 'policy', field: 'policy', rule: 'the policy is one this firmware can satisfy (ABI version, reserved bits)', status: 'POLICY_FAILURE', spec: chk('snpAbi', 'SNP_LAUNCH_START', mcmd('snp_mcmd_launch_start')) },
    ],
    spec: snp('SNP_LAUNCH_START', 'snp_mcmd_launch_start'),
  },
  {
    api: 'snp', command: 'SNP_LAUNCH_UPDATE', buffer: 'snp_launch_update', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LAUNCH'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [
      { kind: 'reserved', field: 'address', rule: 'the reserved bits of gctx_paddr and address and the reserved fields are zero', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      gctxCheck('SNP_LAUNCH_UPDATE', 'snp_mcmd_launch_update'),
      { kind: 'address', field: 'address', rule: 'the page is in the Pre-Guest RMP state', status: 'INVALID_PAGE_STATE', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      { kind: 'param', field: 'flags', rule: 'PAGE_SIZE matches the page\'s RMP page size', status: 'INVALID_PAGE_SIZE', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      { kind: 'param', field: 'flags', rule: 'PAGE_TYPE is one of NORMAL, VMSA, ZERO, UNMEASURED, SECRETS, CPUID', status: 'INVALID_PARAM', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      { kind: 'alignment', field: 'address', rule: 'a 2 MiB page is 2 MiB aligned', status: 'INVALID_ADDRESS', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      { kind: 'asid', field: null, rule: 'the guest is activated', status: 'INACTIVE', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
      { kind: 'address', field: 'address', rule: 'the page\'s RMP ASID is the guest\'s', status: 'INVALID_PAGE_OWNER', spec: chk('snpAbi', 'SNP_LAUNCH_UPDATE', mcmd('snp_mcmd_launch_update')) },
    ],
    spec: snp('SNP_LAUNCH_UPDATE', 'snp_mcmd_launch_update'),
    note: 'Each page extends the SHA-384 launch digest over a PAGE_INFO structure.',
  },
  {
    api: 'snp', command: 'SNP_LAUNCH_FINISH', buffer: 'snp_launch_finish', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LAUNCH'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: 'RUNNING',
    checks: [
      snpReservedAddr('SNP_LAUNCH_FINISH', 'snp_mcmd_launch_finish'),
      gctxCheck('SNP_LAUNCH_FINISH', 'snp_mcmd_launch_finish'),
      { kind: 'asid', field: null, rule: 'the guest is activated', status: 'INACTIVE', spec: chk('snpAbi', 'SNP_LAUNCH_FINISH', mcmd('snp_mcmd_launch_finish')) },
      { kind: 'param', field: 'id_block_paddr', rule: 'with an ID block: its launch digest equals the guest\'s', status: 'BAD_MEASUREMENT', spec: chk('snpAbi', 'SNP_LAUNCH_FINISH', mcmd('snp_mcmd_launch_finish')) },
      { kind: 'policy', field: 'id_block_paddr', rule: 'with an ID block: its policy equals the guest\'s', status: 'POLICY_FAILURE', spec: chk('snpAbi', 'SNP_LAUNCH_FINISH', mcmd('snp_mcmd_launch_finish')) },
      { kind: 'param', field: 'id_auth_paddr', rule: 'with an ID block: the ID key signature verifies (ECDSA P-384)', status: 'BAD_SIGNATURE', spec: chk('snpAbi', 'SNP_LAUNCH_FINISH', mcmd('snp_mcmd_launch_finish')) },
    ],
    spec: snp('SNP_LAUNCH_FINISH', 'snp_mcmd_launch_finish'),
  },
  ...(['SNP_DBG_DECRYPT', 'SNP_DBG_ENCRYPT'] as const).map((command): FwCommandInput => ({
    api: 'snp', command, buffer: 'snp_dbg', direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: SNP_GUEST_ANY, guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [gctxCheck(command, command === 'SNP_DBG_DECRYPT' ? 'snp_mcmd_dbg_decrypt' : 'snp_mcmd_dbg_encrypt')],
    spec: snp(command, command === 'SNP_DBG_DECRYPT' ? 'snp_mcmd_dbg_decrypt' : 'snp_mcmd_dbg_encrypt'),
  })),
  ...([
    ['SNP_PAGE_SWAP_OUT', 'snp_page_swap_out', 'snp_mcmd_swap_out'],
    ['SNP_PAGE_SWAP_IN', 'snp_page_swap_in', 'snp_mcmd_swap_in'],
    ['SNP_PAGE_MOVE', 'snp_page_move', 'snp_mcmd_page_move'],
    ['SNP_PAGE_MD_INIT', 'snp_page_md_init', 'snp_mcmd_md_init'],
  ] as const).map(([command, buffer, fn]): FwCommandInput => ({
    api: 'snp', command, buffer, direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: ['LAUNCH', 'RUNNING'], guestStatus: 'INVALID_GUEST_STATE',
    nextPlatformState: null, nextGuestState: null,
    checks: [gctxCheck(command, fn)],
    spec: snp(command, fn),
  })),
  ...([
    ['SNP_PAGE_SET_STATE', 'snp_page_set_state', 'snp_mcmd_page_set_state'],
    ['SNP_PAGE_RECLAIM', 'snp_page_reclaim', 'snp_mcmd_page_reclaim'],
    ['SNP_PAGE_UNSMASH', 'snp_page_unsmash', 'snp_mcmd_page_unsmash'],
  ] as const).map(([command, buffer, fn]): FwCommandInput => ({
    api: 'snp', command, buffer, direction: 'in',
    platformStates: ['INIT'], platformStatus: 'INVALID_PLATFORM_STATE', guestStates: null, guestStatus: null,
    nextPlatformState: null, nextGuestState: null,
    checks: [{ kind: 'param', field: null, rule: 'reserved fields are zero and the page size is valid', status: 'INVALID_PARAM', spec: chk('snpAbi', command, mcmd(fn)) }],
    spec: snp(command, fn),
  })),
];
