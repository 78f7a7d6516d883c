// The xl.cfg / libxl surface for encrypted guests (`coco = "sev-es"` ...) and the
// one rule set both the TS checker (lib/xlcfg) and the generated libxl/xl C
// (generators/emit/libxl) enforce. Policy bits come from the elaborated model
// (layouts sev_guest_policy and snp_guest_policy); blob sizes from the firmware
// structs they fill.
import { CocoConfig, type CocoConfigInput } from './coco-model.ts';
import { cite, citeVia } from './spec.ts';

const KVM_UAPI = 'linux:arch/x86/include/uapi/asm/kvm.h';
const ALL = ['sev', 'sev-es', 'sev-snp'];
const SEV_ES = ['sev', 'sev-es'];
const SNP = ['sev-snp'];

const input: CocoConfigInput = {
  idl: {
    kindEnum: 'coco_type',
    settingsStruct: 'coco_info',
    buildInfoField: 'coco',
    policyDefault: 'LIBXL_COCO_POLICY_DEFAULT',
    have: 'LIBXL_HAVE_COCO',
  },
  kinds: [
    {
      name: 'none',
      idl: 'none',
      value: 0,
      policyLayout: null,
      defaultPolicy: null,
      policyName: null,
      protects: 'Nothing: guest memory and registers are readable by the hypervisor and dom0.',
    },
    {
      name: 'sev',
      idl: 'sev',
      value: 1,
      policyLayout: 'sev_guest_policy',
      defaultPolicy: 0x1n,
      policyName: 'SEV guest policy',
      forbiddenPolicyBits: ['es'],
      policyHint: '; use coco="sev-es" for an SEV-ES guest',
      protects:
        'Memory: guest pages are encrypted with a per-guest key the host never sees. Register state is saved unencrypted in the VMCB, so the hypervisor can still read and change it.',
      spec: citeVia('sevApi', 'linux:arch/x86/kvm/svm/sev.c', 'Guest Policy'),
    },
    {
      name: 'sev-es',
      idl: 'sev_es',
      value: 2,
      policyLayout: 'sev_guest_policy',
      defaultPolicy: 0x5n,
      policyName: 'SEV guest policy',
      requiredPolicyBits: ['es'],
      policyHint: ': it is what makes the firmware launch an SEV-ES guest',
      protects:
        'Memory and register state: on every exit the CPU encrypts the registers into the VMSA; the guest shares only what it chooses through the GHCB.',
      spec: citeVia('sevApi', 'linux:arch/x86/kvm/svm/sev.c', 'Guest Policy'),
    },
    {
      name: 'sev-snp',
      idl: 'sev_snp',
      value: 3,
      policyLayout: 'snp_guest_policy',
      defaultPolicy: 0x30000n,
      policyName: 'SNP guest policy',
      protects:
        'Memory, register state and integrity: the RMP stops the host from remapping, replaying or writing guest pages; VMPLs split the guest into privilege levels; restricted injection limits the interrupts the host can inject.',
      spec: cite('snpAbi', 'Guest Policy'),
    },
  ],
  libvirtTypes: { sev: 'sev', 'sev-es': 'sev', 'sev-snp': 'sev-snp' },
  options: [
    {
      key: 'coco_policy',
      field: 'policy',
      type: 'policy',
      description:
        'The guest policy the firmware enforces for the guest\'s whole life: for sev and sev-es the 32-bit policy of the SEV API, for sev-snp the 64-bit policy of the SNP ABI.',
      kinds: ALL,
      libvirt: { element: 'policy' },
      qemu: 'sev-guest policy=, sev-snp-guest policy=',
    },
    {
      key: 'coco_dh_cert',
      field: 'dh_cert',
      type: 'base64',
      bytes: { struct: 'sev_cert' },
      what: 'the guest owner\'s Diffie-Hellman certificate',
      description: 'The guest owner\'s Diffie-Hellman certificate for LAUNCH_START, to set up a secure channel with the firmware.',
      kinds: SEV_ES,
      requires: [{ key: 'coco_session', why: 'LAUNCH_START takes the certificate and the session blob together' }],
      libvirt: { element: 'dhCert' },
      qemu: 'dh-cert-file= (a file; xl takes the base64 text as libvirt does)',
      spec: citeVia('sevApi', 'linux:include/uapi/linux/psp-sev.h', 'LAUNCH_START'),
    },
    {
      key: 'coco_session',
      field: 'session',
      type: 'base64',
      bytes: { struct: 'sev_session_buf' },
      what: 'the launch session blob',
      description: 'The guest owner\'s session parameters for LAUNCH_START (nonce, wrapped keys and their MAC).',
      kinds: SEV_ES,
      requires: [{ key: 'coco_dh_cert', why: 'LAUNCH_START takes the certificate and the session blob together' }],
      libvirt: { element: 'session' },
      qemu: 'session-file=',
      spec: citeVia('sevApi', 'linux:include/uapi/linux/psp-sev.h', 'LAUNCH_START'),
    },
    {
      key: 'coco_id_block',
      field: 'id_block',
      type: 'base64',
      bytes: { struct: 'snp_id_block' },
      what: 'the SNP ID block',
      description: 'The ID block for SNP_LAUNCH_FINISH: the expected launch digest, family and image ids, and the policy, signed by the ID key.',
      kinds: SNP,
      requires: [{ key: 'coco_id_auth', why: 'SNP_LAUNCH_FINISH checks the ID block against the signature in the ID authentication structure' }],
      libvirt: { element: 'idBlock' },
      qemu: 'id-block=',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_FINISH'),
    },
    {
      key: 'coco_id_auth',
      field: 'id_auth',
      type: 'base64',
      bytes: { struct: 'snp_id_auth' },
      what: 'the SNP ID authentication structure',
      description: 'The ID authentication structure for SNP_LAUNCH_FINISH: the ID key with its signature of the ID block, optionally signed by an author key.',
      kinds: SNP,
      requires: [{ key: 'coco_id_block', why: 'the ID authentication structure signs an ID block' }],
      libvirt: { element: 'idAuth' },
      qemu: 'id-auth=',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_FINISH'),
    },
    {
      key: 'coco_host_data',
      field: 'host_data',
      type: 'base64',
      bytes: { struct: 'snp_launch_finish', field: 'host_data' },
      what: 'the SNP host data',
      description: 'Data the host binds to the guest at SNP_LAUNCH_FINISH; it appears in every attestation report.',
      kinds: SNP,
      libvirt: { element: 'hostData' },
      qemu: 'host-data=',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_FINISH'),
    },
    {
      key: 'coco_guest_visible_workarounds',
      field: 'guest_visible_workarounds',
      type: 'base64',
      bytes: { struct: 'snp_launch_start', field: 'gosvw' },
      what: 'the SNP guest OS visible workarounds',
      description: 'Guest OS visible workarounds passed to SNP_LAUNCH_START; the firmware copies them into the guest\'s secrets page.',
      kinds: SNP,
      libvirt: { element: 'guestVisibleWorkarounds' },
      qemu: 'guest-visible-workarounds=',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_START'),
    },
    {
      key: 'coco_author_key',
      field: 'author_key',
      type: 'boolean',
      default: false,
      description: 'The ID authentication structure also carries an author key signing the ID key (AUTH_KEY_EN of SNP_LAUNCH_FINISH).',
      kinds: SNP,
      requires: [{ key: 'coco_id_auth', why: 'the author key is part of the ID authentication structure' }],
      libvirt: { attribute: 'authorKey' },
      qemu: 'author-key-enabled=on',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_FINISH'),
    },
    {
      key: 'coco_vcek',
      field: 'vcek',
      type: 'boolean',
      default: true,
      description:
        'Let attestation reports be signed with the VCEK (the chip-unique key); 0 restricts the guest to the VLEK (VCEK_DISABLED of SNP_LAUNCH_FINISH).',
      kinds: SNP,
      libvirt: { attribute: 'vcek' },
      qemu: 'vcek-disabled= (inverted)',
      spec: citeVia('snpAbi', KVM_UAPI, 'SNP_LAUNCH_FINISH'),
    },
  ],
  domainTypes: {
    required: { value: 'hvm', cName: 'LIBXL_DOMAIN_TYPE_HVM' },
    rejected: [
      {
        value: 'pv',
        cName: 'LIBXL_DOMAIN_TYPE_PV',
        why: 'a PV guest\'s page tables are written by Xen, which cannot read encrypted memory',
      },
      {
        value: 'pvh',
        cName: 'LIBXL_DOMAIN_TYPE_PVH',
        why: 'encrypted launch is only implemented for HVM guests booted by OVMF',
      },
    ],
  },
  bios: {
    required: { value: 'ovmf', cName: 'LIBXL_BIOS_TYPE_OVMF' },
    default: 'seabios',
    rejected: [
      {
        value: 'seabios',
        cName: 'LIBXL_BIOS_TYPE_SEABIOS',
        why: 'SeaBIOS starts in 16-bit real mode, where no page table can set the C-bit, so it cannot run from encrypted memory',
      },
      {
        value: 'rombios',
        cName: 'LIBXL_BIOS_TYPE_ROMBIOS',
        why: 'ROMBIOS runs in 16-bit real mode, where no page table can set the C-bit, so it cannot run from encrypted memory',
      },
    ],
  },
  rules: [
    { id: 'parse_kind', layer: 'xl', summary: 'coco is one of the kinds', message: 'invalid value "{value}" for "coco": use {kinds}' },
    { id: 'parse_number', layer: 'xl', summary: 'numbers and booleans are numbers', message: 'invalid value "{value}" for "{option}": not a number' },
    { id: 'parse_range', layer: 'xl', summary: 'small integers are within the CPUID field', message: '{option}={value}: must be between {min} and {max}' },
    { id: 'parse_negative', layer: 'xl', summary: 'the policy is not negative', message: '{option}={value}: must not be negative' },
    { id: 'parse_single', layer: 'xl', summary: 'coco options are single values', message: '"{option}" must be a single value, not a list' },
    { id: 'needs_hvm', layer: 'libxl', summary: 'coco needs type = "hvm"', message: 'coco="{kind}" needs type="hvm", not type="{type}": {why}' },
    { id: 'needs_ovmf', layer: 'libxl', summary: 'coco needs bios = "ovmf"', message: 'coco="{kind}" needs bios="ovmf", not bios="{bios}": {why}' },
    { id: 'policy_width', layer: 'libxl', summary: 'the policy fits the kind\'s policy word', message: '{option}={value}: does not fit the {width}-bit {policyName} of coco="{kind}"' },
    { id: 'policy_reserved', layer: 'libxl', summary: 'reserved policy bits are zero', message: '{option}={value}: sets bits {bits}, which the {policyName} reserves' },
    { id: 'policy_must_be_one', layer: 'libxl', summary: 'must-be-one policy bits are set', message: '{option}={value}: must set bits {mustBeOne}, which the {policyName} requires to be one' },
    { id: 'policy_required_bit', layer: 'libxl', summary: 'the kind\'s policy bits are set', message: '{option}={value}: coco="{kind}" needs the {bit} bit (bit {lsb}) of the {policyName} set{hint}' },
    { id: 'policy_forbidden_bit', layer: 'libxl', summary: 'another kind\'s policy bits are clear', message: '{option}={value}: coco="{kind}" must not set the {bit} bit (bit {lsb}) of the {policyName}{hint}' },
    { id: 'needs_coco', layer: 'libxl', summary: 'coco_* options need coco', message: '{option}={value}: needs coco={kinds}, but coco is "none"' },
    { id: 'other_kind', layer: 'libxl', summary: 'options of another kind are errors', message: '{option}={value}: only applies to coco={kinds}, not coco="{kind}"' },
    { id: 'base64_invalid', layer: 'libxl', summary: 'blobs are base64', message: '{option}={value}: not valid base64' },
    { id: 'base64_size', layer: 'libxl', summary: 'blobs decode to the exact firmware size', message: '{option}={value}: {what} is {size} bytes, this decodes to {got}' },
    { id: 'requires_option', layer: 'libxl', summary: 'options given together', message: '{option}={value}: needs {other} too: {why}' },
  ],
  notMirrored: [
    { name: 'libvirt <handle>, QEMU handle=', why: 'the firmware handle of another running guest whose key the new guest shares (LAUNCH_START HANDLE); xl has no handle of another guest to give' },
    { name: 'QEMU sev-device=', why: 'the firmware device is Xen\'s PSP driver in the hypervisor, not a host file' },
    { name: 'QEMU legacy-vm-type=', why: 'selects the KVM VM type ioctl; it has no Xen meaning' },
    {
      name: 'libvirt <cbitpos>, QEMU cbitpos=',
      why: 'Xen gives an encrypted guest the C-bit position CPUID Fn8000_001F EBX[5:0] reports; there is nothing to choose',
    },
    {
      name: 'libvirt <reducedPhysBits>, QEMU reduced-phys-bits=',
      why: 'Xen gives an encrypted guest the reduction CPUID Fn8000_001F EBX[11:6] reports; there is nothing to choose',
    },
    {
      name: 'libvirt kernelHashes=, QEMU kernel-hashes=',
      why: 'OVMF receives the kernel, initrd and command line to hash through QEMU\'s fw_cfg, which a Xen guest does not have',
    },
    { name: 'QEMU sev-snp-guest id-block/id-auth given as files', why: 'xl takes the base64 text, as libvirt does' },
  ],
};

export const cocoConfig: CocoConfig = CocoConfig.parse(input);
