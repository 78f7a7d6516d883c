// Which spec items the report has rows for, read from the elaborated model
// (and the xl.cfg surface): one row per firmware command, status code, policy
// bit, exit code, GHCB MSR code, VMCB/VMSA/GHCB field, SEV feature bit,
// CPUID/MSR bit and xl.cfg option. The schema modules are not classified by
// kind themselves, so KIND_SOURCES names which group/layout/struct feeds which kind.
import type { EModel } from '../../generators/elaborate/model.ts';
import { citation, hex } from '../../generators/emit/common.ts';
import type { SpecRef } from '../../schema/model.ts';
import type { CoverageItem, ItemKind } from './types.ts';

/** The slice of schema/coco-config.ts the report needs (kept small so the report does not depend on its whole shape). */
export interface XlOptionSource {
  options: { key: string; description: string; spec?: SpecRef | undefined }[];
}

const GROUP_KINDS: [string, ItemKind][] = [
  ['sev_cmd', 'firmware_command'],
  ['snp_cmd', 'firmware_command'],
  ['sev_status', 'status_code'],
  ['snp_status', 'status_code'],
  ['vmgexit_exit_code', 'nae_event'],
  ['svm_exit_code', 'exit_code'],
  ['ghcb_msr_info', 'ghcb_msr_code'],
];
const LAYOUT_KINDS: [string, ItemKind][] = [
  ['sev_guest_policy', 'policy_bit'],
  ['snp_guest_policy', 'policy_bit'],
  ['sev_features', 'sev_feature'],
];
const STRUCT_KINDS: [string, ItemKind][] = [
  ['ghcb', 'ghcb_field'],
  ['ghcb_save_area', 'ghcb_field'],
  ['vmcb_control_area', 'vmcb_field'],
  ['vmcb_save_area', 'vmcb_field'],
  ['sev_es_save_area', 'vmsa_field'],
];

/**
 * Modules whose every struct field and layout bit (beyond the kinds above)
 * is a row: the firmware's command buffers, attestation report, guest
 * messages, secrets page and their flag words.
 */
const FIRMWARE_MODULES = ['sev_api', 'snp_abi'];

/** What each kind is read from, for the report's notes and for the tests. */
export const KIND_SOURCES = { groups: GROUP_KINDS, layouts: LAYOUT_KINDS, structs: STRUCT_KINDS, firmwareModules: FIRMWARE_MODULES } as const;

function blank(kind: ItemKind, id: string, name: string, spec: SpecRef, value: string | null, identifiers: string[], linux: string | null): CoverageItem {
  return {
    id: `${kind}:${id}`,
    spec: spec.doc,
    section: citation(spec),
    kind,
    name,
    value,
    schema: true,
    identifiers,
    generated: [],
    tests: false,
    crossChecked: false,
    behaviour: false,
    testedBy: [],
    linux,
    xen: null,
    xenMatch: null,
    sevEs: null,
  };
}

function need<T>(map: ReadonlyMap<string, T>, name: string, what: string): T {
  const v = map.get(name);
  if (v === undefined) throw new Error(`coverage: the model has no ${what} '${name}' (lib/coverage/items.ts KIND_SOURCES is out of date)`);
  return v;
}

export function collectItems(model: EModel, xl: XlOptionSource | null): CoverageItem[] {
  const items: CoverageItem[] = [];
  for (const [name, kind] of GROUP_KINDS) {
    const g = need(model.groups, name, 'group');
    for (const v of g.values) {
      items.push(blank(kind, `${g.name}.${v.name}`, `${g.name}.${v.name}`, v.spec, hex(v.value), [v.cName], v.linux));
    }
  }
  const layoutKinds = new Map(LAYOUT_KINDS);
  const firmware = (module: string) => FIRMWARE_MODULES.includes(module);
  for (const l of model.layouts.values()) {
    const kind =
      layoutKinds.get(l.name) ??
      (l.location?.kind === 'cpuid' || l.location?.kind === 'msr' ? 'cpuid_msr_bit' : firmware(l.module) ? 'firmware_bit' : undefined);
    if (kind === undefined) continue;
    for (const b of l.bits) {
      if (b.reserved) continue;
      const range = b.width === 1 ? `bit ${b.lsb}` : `bits ${b.msb}:${b.lsb}`;
      items.push(blank(kind, `${l.name}.${b.name}`, `${l.name}.${b.name}`, b.spec, range, [`${b.cName}_MASK`, `${b.cName}_SHIFT`], b.linux));
    }
  }
  const structKinds = new Map<string, ItemKind>(STRUCT_KINDS);
  for (const [name] of STRUCT_KINDS) need(model.structs, name, 'struct');
  for (const s of model.structs.values()) {
    const kind = structKinds.get(s.name) ?? (firmware(s.module) ? 'firmware_field' : undefined);
    if (kind === undefined) continue;
    for (const f of s.fields) {
      if (f.reserved) continue;
      // A Linux member name only counts where the struct names its Linux struct too.
      items.push(blank(kind, `${s.name}.${f.name}`, `${s.name}.${f.name}`, f.spec, hex(f.offset, 3), [`${s.name}.${f.name}`], s.linux === null ? null : f.linux));
    }
  }
  if (xl !== null) {
    // The xl keys are Xen's own configuration surface: cite the AMD passage an
    // option fills when the schema gives one, xl.cfg(5) otherwise.
    const xlRef: SpecRef = { doc: '55766', rev: '-', source: 'schema/coco-config.ts' };
    for (const o of [{ key: 'coco', spec: undefined as SpecRef | undefined }, ...xl.options]) {
      const it = blank('xlcfg_option', o.key, o.key, o.spec ?? xlRef, null, [o.key], null);
      if (o.spec === undefined) {
        it.spec = 'xl.cfg';
        it.section = 'xl.cfg(5), schema/coco-config.ts';
      }
      items.push(it);
    }
  }
  return items;
}
