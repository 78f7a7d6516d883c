// CPU side of AMD memory encryption: CPUID Fn8000_001F (SME/SEV/SEV-ES/SEV-SNP
// capabilities) and the MSRs that enable, report and configure memory
// encryption (SYSCFG, SEV_STATUS, VM_PAGE_FLUSH, RMP_BASE/RMP_END/RMP_CFG,
// GUEST_TSC_FREQ, Secure AVIC control, and the GHCB MSR whose protocol
// messages are described in ghcb-msr.ts).
//
// The full Fn8000_001F register tables are in APM volume 3 (CPUID appendix),
// which is not one of the cited documents; APM volume 2 describes the
// SME/SEV/SEV-ES/SEV-SNP support checks in 7.10.1, 15.34.1, 15.35.1 and
// 15.36.1. Bits those sections do not cover are cited through the independent
// sources they were checked against: Linux arch/x86/include/asm/cpufeatures.h
// and msr-index.h (6.1 and current), OVMF MdePkg/Include/Register/Amd
// (Cpuid.h, SevSnpMsr.h; "APM volume 2, March 2024"), AMD's SEV firmware
// source (amd/AMD-ASPFW, cpuid_lookup.h) and OpenVMM x86defs.
import type { BitField, ModuleInput } from './model.ts';
import { cite, citeVia } from './spec.ts';

const CPUFEAT = 'linux:arch/x86/include/asm/cpufeatures.h';
const MSRIDX = 'linux:arch/x86/include/asm/msr-index.h';
const FW_CPUID = 'amd/AMD-ASPFW:fw/psp_bl_uapps/sev_uapp/src/cpuid_lookup.h';
const OVMF_CPUID = 'tianocore/edk2:MdePkg/Include/Register/Amd/Cpuid.h';
const OVMF_MSR = 'tianocore/edk2:MdePkg/Include/Register/Amd/SevSnpMsr.h';
const OPENVMM = 'microsoft/openvmm:vm/x86/x86defs/src/cpuid.rs';

const LEAF = 0x8000001f;

const eaxSpec = citeVia('apm2', `${CPUFEAT}; ${FW_CPUID}; ${OPENVMM}`);
const sevStatusSpec = citeVia('apm2', `${MSRIDX}; ${OVMF_MSR}`);

const rsvBits = (msb: number, lsb: number, description = 'Reserved.'): BitField => ({
  name: `reserved_${msb}_${lsb}`,
  lsb,
  msb,
  reserved: true,
  description,
});

export const cpuModule: ModuleInput = {
  name: 'cpu',
  header: 'sev-cpu.h',
  title: 'CPUID Fn8000_001F and memory encryption MSRs',
  spec: [cite('apm2', '7.10 Secure Memory Encryption'), cite('apm2', '15.34 Secure Encrypted Virtualization'), citeVia('apm2', `${CPUFEAT}; ${MSRIDX}`)],
  groups: [
    {
      name: 'sev_cpuid_leaf',
      description: 'CPUID leaves describing memory encryption.',
      kind: 'enum',
      cPrefix: 'SEV_CPUID_LEAF_',
      spec: cite('apm2', '7.10.1 Determining Support for Secure Memory Encryption'),
      linux: null,
      values: [
        { name: 'MEM_ENCRYPT', value: LEAF, description: 'Fn8000_001F: encrypted memory capabilities (SME, SEV, SEV-ES, SEV-SNP and their features).', linux: null },
        {
          name: 'RMP_SEGMENT',
          value: 0x80000025,
          description: 'Fn8000_0025: segmented RMP parameters (supported segment sizes and segment table size), valid when SEGMENTED_RMP is set.',
          spec: citeVia('apm2', 'linux:arch/x86/virt/svm/sev.c'),
          linux: null,
        },
      ],
    },
    {
      name: 'sev_msr_index',
      description: 'MSRs used to enable, report and manage memory encryption.',
      kind: 'enum',
      cPrefix: 'MSR_AMD64_',
      spec: citeVia('apm2', MSRIDX),
      linux: null,
      values: [
        { name: 'SYSCFG', value: 0xc0010010, description: 'System configuration: memory encryption, SEV-SNP and VMPL enables (msr_syscfg).', spec: cite('apm2', '7.10.2 Enabling Memory Encryption Extensions'), linux: 'MSR_AMD64_SYSCFG' },
        { name: 'VM_PAGE_FLUSH', value: 0xc001011e, description: 'Write-only: flush the cache lines of one page encrypted with a given ASID (msr_vm_page_flush).', linux: 'MSR_AMD64_VM_PAGE_FLUSH' },
        { name: 'SEV_ES_GHCB', value: 0xc0010130, description: 'GHCB MSR: the GHCB guest physical address or a GHCB MSR protocol message (see ghcb-msr.h).', linux: 'MSR_AMD64_SEV_ES_GHCB' },
        { name: 'SEV', value: 0xc0010131, description: 'SEV_STATUS (read-only, guest view): which SEV features are active for the running guest (msr_sev_status).', linux: 'MSR_AMD64_SEV' },
        { name: 'RMP_BASE', value: 0xc0010132, description: 'System physical address of the first byte of the RMP.', linux: 'MSR_AMD64_RMP_BASE' },
        { name: 'RMP_END', value: 0xc0010133, description: 'System physical address of the last byte of the RMP (zero when the RMP is segmented).', linux: 'MSR_AMD64_RMP_END' },
        { name: 'GUEST_TSC_FREQ', value: 0xc0010134, description: 'Read-only in an SEV-SNP guest with Secure TSC: the guest TSC frequency (msr_guest_tsc_freq).', linux: 'MSR_AMD64_GUEST_TSC_FREQ' },
        { name: 'RMP_CFG', value: 0xc0010136, description: 'RMP configuration: segmented RMP enable and segment size (msr_rmp_cfg).', linux: 'MSR_AMD64_RMP_CFG' },
        { name: 'SAVIC_CONTROL', value: 0xc0010138, description: 'Secure AVIC control, written by an SEV-SNP guest using Secure AVIC (msr_savic_control).', linux: 'MSR_AMD64_SAVIC_CONTROL' },
        {
          name: 'SVSM_CAA',
          value: 0xc001f000,
          description: 'SVSM_CAA: a virtual MSR an SVSM emulates for its guest, holding the calling area of the current vCPU (msr_svsm_caa); present when CPUID Fn8000_001F EAX bit 28 is set.',
          spec: citeVia('svsm', `${MSRIDX} (MSR_SVSM_CAA)`, 'SVSM_CAA MSR'),
          linux: 'MSR_SVSM_CAA',
        },
      ],
    },
  ],
  layouts: [
    {
      name: 'cpuid_8000001f_eax',
      description: 'CPUID Fn8000_001F EAX: memory encryption features supported by the processor.',
      width: 32,
      cPrefix: 'CPUID_8000001F_EAX_',
      location: { kind: 'cpuid', leaf: LEAF, reg: 'eax' },
      spec: eaxSpec,
      linux: null,
      bits: [
        { name: 'sme', lsb: 0, description: 'Secure Memory Encryption.', spec: cite('apm2', '7.10.1 Determining Support for Secure Memory Encryption'), linux: 'X86_FEATURE_SME' },
        { name: 'sev', lsb: 1, description: 'Secure Encrypted Virtualization.', spec: cite('apm2', '15.34.1 Determining Support for SEV'), linux: 'X86_FEATURE_SEV' },
        { name: 'page_flush_msr', lsb: 2, description: 'The VM_PAGE_FLUSH MSR is available.', linux: 'X86_FEATURE_VM_PAGE_FLUSH' },
        { name: 'sev_es', lsb: 3, description: 'SEV Encrypted State.', spec: cite('apm2', '15.35.1 Determining Support for SEV-ES'), linux: 'X86_FEATURE_SEV_ES' },
        { name: 'sev_snp', lsb: 4, description: 'SEV Secure Nested Paging.', spec: cite('apm2', '15.36.1 Determining Support for SEV-SNP'), linux: 'X86_FEATURE_SEV_SNP' },
        { name: 'vmpl', lsb: 5, description: 'Virtual Machine Privilege Levels.', linux: null },
        { name: 'rmpquery', lsb: 6, description: 'The RMPQUERY instruction.', linux: null },
        { name: 'vmpl_sss', lsb: 7, description: 'VMPL supervisor shadow stack.', linux: null },
        { name: 'secure_tsc', lsb: 8, description: 'Secure TSC for SEV-SNP guests.', linux: null },
        { name: 'tsc_aux_virt', lsb: 9, description: 'TSC_AUX virtualization for SEV-ES/SNP guests.', linux: 'X86_FEATURE_V_TSC_AUX' },
        { name: 'hw_enforced_cache_coh', lsb: 10, description: 'Hardware enforces cache coherency between mappings of the same page with different encryption keys or C-bit settings.', linux: 'X86_FEATURE_SME_COHERENT' },
        { name: 'req_64bit_hypervisor', lsb: 11, description: 'SEV guests may only be run by a 64-bit hypervisor.', linux: null },
        { name: 'restricted_injection', lsb: 12, description: 'Restricted Injection.', linux: null },
        { name: 'alternate_injection', lsb: 13, description: 'Alternate Injection.', linux: null },
        { name: 'debug_swap', lsb: 14, description: 'Full debug state swap for SEV-ES/SNP guests.', linux: 'X86_FEATURE_DEBUG_SWAP' },
        { name: 'prevent_host_ibs', lsb: 15, description: 'The host can be prevented from using IBS while a guest runs.', linux: null },
        { name: 'vte', lsb: 16, description: 'Virtual Transparent Encryption.', linux: null },
        { name: 'vmgexit_parameter', lsb: 17, description: 'VMGEXIT parameter in RAX.', linux: null },
        { name: 'virtual_tom_msr', lsb: 18, description: 'Virtual TOM MSR.', linux: null },
        { name: 'ibs_virt', lsb: 19, description: 'IBS virtualization for SEV-ES/SNP guests.', linux: null },
        rsvBits(20, 20, 'Reserved (no definition found in the sources checked).'),
        { name: 'rmpread', lsb: 21, description: 'The RMPREAD instruction.', spec: citeVia('apm2', CPUFEAT), linux: 'X86_FEATURE_RMPREAD' },
        rsvBits(22, 22, 'Reserved (no definition found in the sources checked).'),
        { name: 'segmented_rmp', lsb: 23, description: 'Segmented RMP (see CPUID Fn8000_0025 and RMP_CFG).', spec: citeVia('apm2', CPUFEAT), linux: 'X86_FEATURE_SEGMENTED_RMP' },
        { name: 'vmsa_reg_prot', lsb: 24, description: 'VMSA register protection.', linux: null },
        { name: 'smt_protection', lsb: 25, description: 'SMT protection for SEV-SNP guests.', linux: 'X86_FEATURE_SMT_PROTECTION' },
        { name: 'secure_avic', lsb: 26, description: 'Secure AVIC.', spec: citeVia('apm2', CPUFEAT), linux: 'X86_FEATURE_SECURE_AVIC' },
        { name: 'allowed_sev_features', lsb: 27, description: 'The VMCB ALLOWED_SEV_FEATURES control.', spec: citeVia('apm2', CPUFEAT, '15.36.20 Allowed SEV Features'), linux: 'X86_FEATURE_ALLOWED_SEV_FEATURES' },
        { name: 'svsm_comm_page_msr', lsb: 28, description: 'SVSM communication page MSR (an SVSM is present).', spec: citeVia('apm2', CPUFEAT), linux: 'X86_FEATURE_SVSM' },
        { name: 'nested_virt_snp_msr', lsb: 29, description: 'MSRs letting a nested hypervisor in an SEV-SNP guest request RMP updates.', spec: citeVia('apm2', OPENVMM), linux: null },
        { name: 'hv_inuse_wr_allowed', lsb: 30, description: 'Writes to in-use hypervisor-owned pages are allowed.', spec: citeVia('apm2', CPUFEAT), linux: 'X86_FEATURE_HV_INUSE_WR_ALLOWED' },
        { name: 'ibpb_on_entry', lsb: 31, description: 'IBPB on VM entry for SEV-SNP guests.', spec: citeVia('apm2', CPUFEAT, '15.36.17 Side-Channel Protection'), linux: 'X86_FEATURE_IBPB_ON_ENTRY' },
      ],
    },
    {
      name: 'cpuid_8000001f_ebx',
      description: 'CPUID Fn8000_001F EBX: encryption bit position, physical address reduction and VMPL count.',
      width: 32,
      cPrefix: 'CPUID_8000001F_EBX_',
      location: { kind: 'cpuid', leaf: LEAF, reg: 'ebx' },
      spec: cite('apm2', '7.10.1 Determining Support for Secure Memory Encryption'),
      linux: null,
      bits: [
        { name: 'cbit_position', lsb: 0, msb: 5, description: 'Page table bit number of the encryption (C) bit.', linux: null },
        { name: 'phys_addr_reduction', lsb: 6, msb: 11, description: 'Number of physical address bits lost when memory encryption is enabled.', linux: null },
        { name: 'num_vmpls', lsb: 12, msb: 15, description: 'Number of VMPLs supported.', spec: citeVia('apm2', `${FW_CPUID}; ${OPENVMM}`), linux: null },
        rsvBits(30, 16),
        { name: 'coherency_sfw_no', lsb: 31, description: 'No software cache-coherency mitigation is needed for SEV-SNP. (Linux keeps this feature in a synthetic word of its own, X86_FEATURE_COHERENCY_SFW_NO, not at its CPUID position.)', spec: citeVia('apm2', OVMF_CPUID), linux: null },
      ],
    },
    {
      name: 'cpuid_8000001f_ecx',
      description: 'CPUID Fn8000_001F ECX.',
      width: 32,
      cPrefix: 'CPUID_8000001F_ECX_',
      location: { kind: 'cpuid', leaf: LEAF, reg: 'ecx' },
      spec: cite('apm2', '15.34.1 Determining Support for SEV'),
      linux: null,
      bits: [{ name: 'num_encrypted_guests', lsb: 0, msb: 31, description: 'Number of encrypted guests supported simultaneously (the highest usable ASID).', linux: null }],
    },
    {
      name: 'cpuid_8000001f_edx',
      description: 'CPUID Fn8000_001F EDX.',
      width: 32,
      cPrefix: 'CPUID_8000001F_EDX_',
      location: { kind: 'cpuid', leaf: LEAF, reg: 'edx' },
      spec: cite('apm2', '15.34.1 Determining Support for SEV'),
      linux: null,
      bits: [
        {
          name: 'min_sev_no_es_asid',
          lsb: 0,
          msb: 31,
          description: 'Minimum ASID of an SEV guest without SEV-ES; lower ASIDs (from 1) are for SEV-ES/SNP guests.',
          linux: null,
        },
      ],
    },
    {
      name: 'msr_syscfg',
      description: 'SYSCFG (C001_0010): the memory-typing and memory-encryption enables. Bits not listed have other or model-specific uses.',
      width: 64,
      cPrefix: 'MSR_SYSCFG_',
      location: { kind: 'msr', index: 0xc0010010 },
      spec: citeVia('apm2', `${MSRIDX}; amd/AMD-ASPFW:fw/psp_bl_uapps/sev_uapp/src/sev_plat.h`),
      linux: null,
      bits: [
        { name: 'mtrr_fix_dram_en', lsb: 18, description: 'MtrrFixDramEn: the RdDram/WrDram attributes of the fixed MTRRs are enabled.', linux: null },
        { name: 'mtrr_fix_dram_mod_en', lsb: 19, description: 'MtrrFixDramModEn: the fixed MTRR RdDram/WrDram attributes are writable; the SNP firmware requires it set before SNP initialization.', linux: 'MSR_AMD64_SYSCFG_MFDM' },
        { name: 'mtrr_var_dram_en', lsb: 20, description: 'MtrrVarDramEn: TOP_MEM is enabled (DRAM below it is recognized for memory typing).', linux: null },
        { name: 'mtrr_tom2_en', lsb: 21, description: 'MtrrTom2En: TOP_MEM2 is enabled.', linux: null },
        { name: 'tom2_force_mem_type_wb', lsb: 22, description: 'Tom2ForceMemTypeWB: memory between 4 GiB and TOP_MEM2 is typed write-back by default.', linux: null },
        {
          name: 'mem_encrypt_mod_en',
          lsb: 23,
          description: 'MemEncryptionModEn: memory encryption (SME/SEV) is enabled; the C-bit is honoured.',
          spec: cite('apm2', '7.10.2 Enabling Memory Encryption Extensions'),
          linux: 'MSR_AMD64_SYSCFG_MEM_ENCRYPT',
        },
        { name: 'snp_en', lsb: 24, description: 'SecureNestedPagingEn: RMP checks are enabled (SEV-SNP).', linux: 'MSR_AMD64_SYSCFG_SNP_EN' },
        { name: 'vmpl_en', lsb: 25, description: 'VMPLEn: virtual machine privilege levels are enabled.', linux: 'MSR_AMD64_SYSCFG_SNP_VMPL_EN' },
      ],
    },
    {
      name: 'msr_sev_status',
      description: 'SEV_STATUS (C001_0131, read-only, meaningful in a guest): SEV features active for the current guest. Bits 3 and up mirror SEV_FEATURES bits 1 and up of the VMSA.',
      width: 64,
      cPrefix: 'MSR_SEV_STATUS_',
      location: { kind: 'msr', index: 0xc0010131 },
      spec: sevStatusSpec,
      linux: null,
      bits: [
        { name: 'sev_enabled', lsb: 0, description: 'SEV is active.', linux: 'MSR_AMD64_SEV_ENABLED' },
        { name: 'sev_es_enabled', lsb: 1, description: 'SEV-ES is active.', linux: 'MSR_AMD64_SEV_ES_ENABLED' },
        { name: 'snp_enabled', lsb: 2, description: 'SEV-SNP is active.', linux: 'MSR_AMD64_SEV_SNP_ENABLED' },
        { name: 'vtom', lsb: 3, description: 'Virtual TOM is enabled.', linux: 'MSR_AMD64_SNP_VTOM' },
        { name: 'reflect_vc', lsb: 4, description: 'ReflectVC: #VC is turned into an automatic exit.', linux: 'MSR_AMD64_SNP_REFLECT_VC' },
        { name: 'restricted_injection', lsb: 5, description: 'Restricted Injection is enabled.', linux: 'MSR_AMD64_SNP_RESTRICTED_INJ' },
        { name: 'alternate_injection', lsb: 6, description: 'Alternate Injection is enabled.', linux: 'MSR_AMD64_SNP_ALT_INJ' },
        { name: 'debug_swap', lsb: 7, description: 'Debug register state is swapped on world switch.', linux: 'MSR_AMD64_SNP_DEBUG_SWAP' },
        { name: 'prevent_host_ibs', lsb: 8, description: 'The host may not use IBS while the guest runs.', linux: 'MSR_AMD64_SNP_PREVENT_HOST_IBS' },
        { name: 'btb_isolation', lsb: 9, description: 'Branch target buffer isolation.', linux: 'MSR_AMD64_SNP_BTB_ISOLATION' },
        { name: 'vmpl_sss', lsb: 10, description: 'VMPL supervisor shadow stack.', linux: 'MSR_AMD64_SNP_VMPL_SSS' },
        { name: 'secure_tsc', lsb: 11, description: 'Secure TSC is enabled.', linux: 'MSR_AMD64_SNP_SECURE_TSC' },
        { name: 'vmgexit_parameter', lsb: 12, description: 'VMGEXIT parameter is enabled.', linux: 'MSR_AMD64_SNP_VMGEXIT_PARAM' },
        { name: 'pmc_virt', lsb: 13, description: 'PMC virtualization is enabled (Linux treats this bit as reserved).', spec: citeVia('apm2', OVMF_MSR), linux: null },
        { name: 'ibs_virt', lsb: 14, description: 'IBS virtualization is enabled.', linux: 'MSR_AMD64_SNP_IBS_VIRT' },
        rsvBits(15, 15),
        { name: 'vmsa_reg_prot', lsb: 16, description: 'VMSA register protection is enabled.', linux: 'MSR_AMD64_SNP_VMSA_REG_PROTECTION' },
        { name: 'smt_prot', lsb: 17, description: 'SMT protection is enabled.', linux: 'MSR_AMD64_SNP_SMT_PROTECTION' },
        { name: 'secure_avic', lsb: 18, description: 'Secure AVIC is enabled.', linux: 'MSR_AMD64_SNP_SECURE_AVIC' },
        rsvBits(22, 19),
        { name: 'ibpb_on_entry', lsb: 23, description: 'IBPB on VM entry is enabled.', linux: 'MSR_AMD64_SNP_IBPB_ON_ENTRY' },
        rsvBits(63, 24),
      ],
    },
    {
      name: 'msr_sev_es_ghcb',
      description: 'GHCB MSR (C001_0130): either the page-aligned GPA of the GHCB or a GHCB MSR protocol message (GHCBInfo in bits 11:0, layouts in ghcb-msr.h).',
      width: 64,
      cPrefix: 'MSR_SEV_ES_GHCB_',
      location: { kind: 'msr', index: 0xc0010130 },
      spec: cite('ghcb', '2.3.1 GHCB MSR Protocol'),
      linux: null,
      bits: [
        { name: 'info', lsb: 0, msb: 11, description: 'GHCBInfo: 0 for a GHCB GPA, otherwise the protocol message code.', linux: 'GHCB_MSR_INFO_MASK' },
        { name: 'data', lsb: 12, msb: 63, description: 'GHCBData: GHCB page frame number or message payload.', linux: 'GHCB_DATA_LOW' },
      ],
    },
    {
      name: 'msr_vm_page_flush',
      description: 'VM_PAGE_FLUSH (C001_011E, write-only): writes back and invalidates the cache lines of one 4 KiB page tagged with an ASID.',
      width: 64,
      cPrefix: 'MSR_VM_PAGE_FLUSH_',
      location: { kind: 'msr', index: 0xc001011e },
      spec: citeVia('apm2', 'linux:arch/x86/kvm/svm/sev.c'),
      linux: null,
      bits: [
        { name: 'asid', lsb: 0, msb: 11, description: 'ASID whose cache lines are flushed.', linux: null },
        { name: 'address', lsb: 12, msb: 63, description: 'Bits 63:12 of the host virtual address of the page.', linux: null },
      ],
    },
    {
      name: 'msr_rmp_base',
      description: 'RMP_BASE (C001_0132): start of the RMP. Set by firmware (BIOS) before SNP is enabled.',
      width: 64,
      cPrefix: 'MSR_RMP_BASE_',
      location: { kind: 'msr', index: 0xc0010132 },
      spec: citeVia('apm2', 'linux:arch/x86/virt/svm/sev.c'),
      linux: null,
      bits: [{ name: 'address', lsb: 13, msb: 51, description: 'Bits 51:13 of the system physical address of the first RMP byte.', linux: null }],
    },
    {
      name: 'msr_rmp_end',
      description: 'RMP_END (C001_0133): last byte of a contiguous RMP (zero with a segmented RMP).',
      width: 64,
      cPrefix: 'MSR_RMP_END_',
      location: { kind: 'msr', index: 0xc0010133 },
      spec: citeVia('apm2', 'linux:arch/x86/virt/svm/sev.c'),
      linux: null,
      bits: [{ name: 'address', lsb: 13, msb: 51, description: 'Bits 51:13 of the system physical address of the last RMP byte.', linux: null }],
    },
    {
      name: 'msr_rmp_cfg',
      description: 'RMP_CFG (C001_0136): segmented RMP configuration.',
      width: 64,
      cPrefix: 'MSR_RMP_CFG_',
      location: { kind: 'msr', index: 0xc0010136 },
      spec: citeVia('apm2', `${MSRIDX}; linux:arch/x86/virt/svm/sev.c`),
      linux: null,
      bits: [
        { name: 'segmented_rmp_en', lsb: 0, description: 'The RMP is segmented (RMP_BASE points at the RMP segment table).', linux: 'MSR_AMD64_SEG_RMP_ENABLED' },
        { name: 'segment_size', lsb: 8, msb: 13, description: 'log2 of the memory size covered by one RMP segment.', linux: 'MSR_AMD64_RMP_SEGMENT_SHIFT' },
      ],
    },
    {
      name: 'msr_guest_tsc_freq',
      description: 'GUEST_TSC_FREQ (C001_0134): nominal TSC frequency of an SEV-SNP guest with Secure TSC.',
      width: 64,
      cPrefix: 'MSR_GUEST_TSC_FREQ_',
      location: { kind: 'msr', index: 0xc0010134 },
      spec: citeVia('apm2', 'linux:arch/x86/coco/sev/core.c'),
      linux: null,
      bits: [
        { name: 'tsc_freq_mhz', lsb: 0, msb: 17, description: 'Guest TSC frequency in MHz.', linux: null },
        rsvBits(63, 18),
      ],
    },
    {
      name: 'msr_svsm_caa',
      description: 'SVSM_CAA (C001_F000): guest physical address of the SVSM calling area of the current vCPU. Read (RDMSR, or the GHCB MSR event) by the guest; the SVSM emulates it.',
      width: 64,
      cPrefix: 'MSR_SVSM_CAA_',
      location: { kind: 'msr', index: 0xc001f000 },
      spec: citeVia('svsm', `${MSRIDX}; linux:arch/x86/coco/sev/core.c`, 'SVSM_CAA MSR'),
      linux: null,
      bits: [{ name: 'gpa', lsb: 0, msb: 63, description: 'Guest physical address of the calling area (4 KiB aligned).', linux: null }],
    },
    {
      name: 'msr_savic_control',
      description: 'SAVIC_CONTROL (C001_0138): Secure AVIC control written by the guest. Only the bits Linux uses are listed.',
      width: 64,
      cPrefix: 'MSR_SAVIC_CONTROL_',
      location: { kind: 'msr', index: 0xc0010138 },
      spec: citeVia('apm2', MSRIDX),
      linux: null,
      bits: [
        { name: 'en', lsb: 0, description: 'Secure AVIC is enabled for this vCPU.', linux: 'MSR_AMD64_SAVIC_EN' },
        { name: 'allowed_nmi', lsb: 1, description: 'The hypervisor may inject NMIs.', linux: 'MSR_AMD64_SAVIC_ALLOWEDNMI' },
      ],
    },
  ],
};
