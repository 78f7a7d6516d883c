// The coverage report's data shapes. The JSON output of `xen-sev coverage`
// is exactly CoverageReport (plus keys the issue allows), so a report written
// today can be read back by `--diff` after the next spec revision or patch series.

export const ITEM_KINDS = [
  'firmware_command',
  'status_code',
  'policy_bit',
  'nae_event',
  'exit_code',
  'ghcb_msr_code',
  'ghcb_field',
  'vmcb_field',
  'vmsa_field',
  'sev_feature',
  'cpuid_msr_bit',
  'firmware_field',
  'firmware_bit',
  'xlcfg_option',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const KIND_TITLES: Record<ItemKind, string> = {
  firmware_command: 'Firmware command',
  status_code: 'Firmware status code',
  policy_bit: 'Guest policy bit',
  nae_event: 'NAE event (VMGEXIT exit code)',
  exit_code: 'SVM exit code',
  ghcb_msr_code: 'GHCB MSR protocol code',
  ghcb_field: 'GHCB field',
  vmcb_field: 'VMCB field',
  vmsa_field: 'VMSA field',
  sev_feature: 'SEV feature bit',
  cpuid_msr_bit: 'CPUID / MSR bit',
  firmware_field: 'Firmware structure field',
  firmware_bit: 'Firmware flag / bit field',
  xlcfg_option: 'xl.cfg option',
};

/** How an item was found in a Xen tree. */
export interface XenMatch {
  /** 'generated': our generated C identifier; 'xen-name': Xen's own name (from lib/coverage/xen-names.json); 'member': a member of a Xen struct. */
  how: 'generated' | 'xen-name' | 'member';
  /** The identifier that matched in the Xen tree. */
  identifier: string;
  /** First file (relative to the tree) where it occurs. */
  file: string;
}

export interface CoverageItem {
  /** Stable id: kind:qualified-name (e.g. status_code:sev_status.INVALID_PLATFORM_STATE). */
  id: string;
  /** AMD document number ("55766"), or "xl.cfg" for options that only Xen's configuration defines. */
  spec: string;
  /** Full citation: document, revision, section or the independent source. */
  section: string;
  kind: ItemKind;
  /** The spec's name (qualified for fields and bits: struct.field, layout.bit). */
  name: string;
  /** Value or offset, as the spec gives it (hex), when the item has one. */
  value: string | null;
  /** The schema describes it. */
  schema: boolean;
  /** The C identifier(s) the generators emit for it (macros, struct members, xl keys). */
  identifiers: string[];
  /** Generated files (repository-relative) that contain one of the identifiers. */
  generated: string[];
  /** crossChecked or behaviour (see testedBy; drift checks such as the layout probe do not count). */
  tests: boolean;
  /** Compared with an independent source: the Linux cross-check, or a test under test/spec/ that writes the source's table down as data. */
  crossChecked: boolean;
  /** Exercised by a behaviour test: another test file naming it, a JSON vector using it, or the C-vs-TS GHCB harness. */
  behaviour: boolean;
  /** Which suites exercise it: linux-crosscheck, layout-probe, test-sources:<file>. */
  testedBy: string[];
  /** The Linux name of the same thing, null when Linux has none. */
  linux: string | null;
  /** Whether the Xen tree given with --xen references it; null without --xen. */
  xen: boolean | null;
  xenMatch: XenMatch[] | null;
  /**
   * Exit codes only: how the exit reaches the hypervisor from an SEV-ES or
   * SEV-SNP guest (schema/nae.ts): 'nae' the guest's #VC handler asks for it
   * by VMGEXIT, 'ae' an automatic exit, 'none' neither. null for other kinds
   * and when the report was built without the exit tables.
   */
  sevEs: SevEsExit | null;
}

export type SevEsExit = 'nae' | 'ae' | 'none';

export interface CountRow {
  key: string;
  title: string;
  total: number;
  schema: number;
  generated: number;
  tests: number;
  crossChecked: number;
  behaviour: number;
  linux: number;
  /** null without --xen. */
  xen: number | null;
}

export interface CoverageSummary {
  total: number;
  bySpec: CountRow[];
  byKind: CountRow[];
  /** Kinds left out, and why (e.g. a schema module that does not exist yet). */
  omitted: { kind: ItemKind; why: string }[];
  /** The Xen tree the xen column was computed against, or null. */
  xenTree: { path: string; files: number } | null;
  /** What implementations use that the cited documents do not define (schema gaps), with the source using it. */
  specGaps: SpecGapRow[];
}

export interface SpecGapRow {
  module: string;
  item: string;
  /** Citation of the document revision that lacks it. */
  absentFrom: string;
  usedBy: string;
  note: string;
}

export interface CoverageReport {
  generator: 'xen-sev coverage';
  items: CoverageItem[];
  summary: CoverageSummary;
}
