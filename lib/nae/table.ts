// The exit-handling tables of schema/nae.ts resolved against the elaborated
// model: exit codes as numbers, valid bits of inputs and outputs, feature
// bits, and every SVM exit code classified as AE, NAE or neither.
import { projectModel } from '../../generators/model.ts';
import type { EModel } from '../../generators/elaborate/model.ts';
import { exitTables } from '../../schema/nae.ts';
import { ExitTables, type Condition, type GhcbField, type NaeEvent, type RuleId } from '../../schema/nae-model.ts';
import type { SpecRef } from '../../schema/model.ts';
import { SchemaError, type LintIssue } from '../errors.ts';

export interface FieldRef {
  name: GhcbField;
  offset: number;
  validBit: number;
}

export interface ECondition extends Condition {
  mask: bigint;
  offset: number;
}

export interface ENaeEvent {
  name: string;
  exitCode: bigint;
  /** The C name of the exit code (SVM_EXIT_CPUID, SVM_VMGEXIT_PSC). */
  cName: string;
  src: NaeEvent;
  minVersion: number;
  snpOnly: boolean;
  featureBit: number | null;
  required: FieldRef[];
  conditional: { fields: FieldRef[]; when: ECondition; guestRule: string | null }[];
  optional: FieldRef[];
  outputs: FieldRef[];
  scratch: (NonNullable<NaeEvent['scratch']> & { whenE: ECondition | null }) | null;
  rules: RuleId[];
}

export interface EAeEvent {
  name: string;
  exitCode: bigint;
  cName: string;
  nature: 'fault' | 'trap' | 'asynchronous';
  description: string;
  spec: SpecRef;
}

export interface ClassifiedCode {
  name: string;
  exitCode: bigint;
  kind: 'ae' | 'nae' | 'none';
  why: string | null;
}

export interface NaeTables {
  nae: ENaeEvent[];
  ae: EAeEvent[];
  /** Every svm_exit_code and vmgexit_exit_code value, classified. */
  all: ClassifiedCode[];
  policy: ExitTables['policy'];
  byCode: ReadonlyMap<bigint, ENaeEvent>;
  /** Offsets and valid bits of every GHCB field the tables use. */
  fields: ReadonlyMap<GhcbField, FieldRef>;
  /** Page State Change constants (group values and struct snp_psc_desc). */
  psc: { maxEntry: number; descSize: number; errInvalidHdr: bigint; errInvalidEntry: bigint; opPrivate: number; opShared: number };
  /** Page-level offsets from struct ghcb. */
  page: { protocolVersion: number; ghcbUsage: number; sharedBuffer: { start: number; end: number }; validBitmap: { start: number; end: number } };
}

function resolve(model: EModel, raw: unknown): NaeTables {
  const parsed = ExitTables.safeParse(raw);
  const issues: LintIssue[] = [];
  const issue = (item: string, rule: string, message: string) => issues.push({ module: 'nae', item, rule, message });
  if (!parsed.success) {
    for (const i of parsed.error.issues) issue(`tables ${i.path.join('.')}`, 'meta-schema', i.message);
    throw new SchemaError(issues);
  }
  const t = parsed.data;
  const save = model.structs.get('ghcb_save_area');
  const ghcb = model.structs.get('ghcb');
  const features = model.layouts.get('ghcb_hv_features');
  if (!save || !ghcb || !features) throw new Error('nae: the model has no ghcb_save_area, ghcb or ghcb_hv_features');

  const fields = new Map<GhcbField, FieldRef>();
  const field = (item: string, name: GhcbField): FieldRef => {
    const hit = fields.get(name);
    if (hit) return hit;
    const f = save.fields.find((x) => x.name === name);
    if (!f || f.validBit === null) {
      issue(item, 'field', `'${name}' is not a save-area field with a valid bit`);
      return { name, offset: 0, validBit: 0 };
    }
    const r = { name, offset: f.offset, validBit: f.validBit };
    fields.set(name, r);
    return r;
  };
  for (const n of ['sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2', 'sw_scratch', 'rax', 'rcx', 'rdx', 'rbx', 'xcr0', 'xss', 'cpl'] as const) field('fields', n);

  const code = (item: string, ref: { group: string; name: string }) => {
    const g = model.groups.get(ref.group);
    const v = g?.values.find((x) => x.name === ref.name);
    if (!v) {
      issue(item, 'code', `no value ${ref.name} in group ${ref.group}`);
      return { value: -1n, cName: ref.name };
    }
    return { value: v.value, cName: v.cName };
  };
  const cond = (item: string, c: Condition): ECondition => ({ ...c, mask: c.mask ?? 0xffff_ffff_ffff_ffffn, offset: field(item, c.field).offset });

  const nae: ENaeEvent[] = t.nae.map((e) => {
    const item = `nae ${e.name}`;
    const c = code(item, e.code);
    let featureBit: number | null = null;
    if (e.feature !== undefined) {
      const b = features.bits.find((x) => x.name === e.feature);
      if (!b) issue(item, 'feature', `no bit '${e.feature}' in ghcb_hv_features`);
      else featureBit = b.lsb;
    }
    if (e.exitInfo1Layout !== undefined && !model.layouts.has(e.exitInfo1Layout)) issue(item, 'layout', `no layout '${e.exitInfo1Layout}'`);
    return {
      name: e.name,
      exitCode: c.value,
      cName: c.cName,
      src: e,
      minVersion: e.minVersion,
      snpOnly: e.snpOnly,
      featureBit,
      required: e.inputs.required.map((f) => field(item, f)),
      conditional: e.inputs.conditional.map((ci) => ({ fields: ci.fields.map((f) => field(item, f)), when: cond(item, ci.when), guestRule: ci.guestRule ?? null })),
      optional: e.inputs.optional.map((f) => field(item, f)),
      outputs: e.outputs.fields.map((f) => field(item, f)),
      scratch: e.scratch ? { ...e.scratch, whenE: e.scratch.when ? cond(item, e.scratch.when) : null } : null,
      rules: e.rules,
    };
  });
  const ae: EAeEvent[] = t.ae.map((a) => {
    const c = code(`ae ${a.code.name}`, a.code);
    return { name: a.code.name, exitCode: c.value, cName: c.cName, nature: a.nature, description: a.description, spec: a.spec };
  });

  const seen = new Map<bigint, string>();
  const claim = (what: string, v: bigint) => {
    const prev = seen.get(v);
    if (prev !== undefined) issue(what, 'unique', `exit code 0x${v.toString(16)} is also classified as ${prev}`);
    seen.set(v, what);
  };
  nae.forEach((e) => claim(`nae ${e.name}`, e.exitCode));
  ae.forEach((a) => claim(`ae ${a.name}`, a.exitCode));
  const noneWhy = new Map<bigint, string>();
  for (const n of t.none) {
    const c = code(`none ${n.code.name}`, n.code);
    claim(`none ${n.code.name}`, c.value);
    noneWhy.set(c.value, n.why);
  }

  const all: ClassifiedCode[] = [];
  const naeCodes = new Set(nae.map((e) => e.exitCode));
  const aeCodes = new Set(ae.map((a) => a.exitCode));
  for (const gname of ['svm_exit_code', 'vmgexit_exit_code']) {
    for (const v of model.groups.get(gname)!.values) {
      const kind = naeCodes.has(v.value) ? 'nae' : aeCodes.has(v.value) ? 'ae' : 'none';
      if (gname === 'vmgexit_exit_code' && kind !== 'nae') issue(`group ${gname}`, 'complete', `software exit code ${v.name} has no NAE entry`);
      all.push({ name: v.name, exitCode: v.value, kind, why: kind === 'none' ? (noneWhy.get(v.value) ?? t.defaultNone.why) : null });
    }
  }
  if (issues.length > 0) throw new SchemaError(issues);
  const pf = (n: string) => ghcb.fields.find((f) => f.name === n)!;
  const shared = pf('shared_buffer');
  const vb = save.validBitmap!;
  const page = {
    protocolVersion: pf('protocol_version').offset,
    ghcbUsage: pf('ghcb_usage').offset,
    sharedBuffer: { start: shared.offset, end: shared.offset + shared.size },
    validBitmap: { start: vb.offset, end: vb.offset + vb.bits / 8 },
  };
  const constant = (group: string, name: string): bigint => {
    const v = model.groups.get(group)?.values.find((x) => x.name === name);
    if (!v) throw new SchemaError([{ module: 'nae', item: `group ${group}`, rule: 'constant', message: `no value ${name}` }]);
    return v.value;
  };
  const psc = {
    maxEntry: Number(constant('vmgexit_psc_limits', 'MAX_ENTRY')),
    descSize: model.structs.get('snp_psc_desc')!.size,
    errInvalidHdr: constant('vmgexit_psc_error', 'INVALID_HDR'),
    errInvalidEntry: constant('vmgexit_psc_error', 'INVALID_ENTRY'),
    opPrivate: Number(constant('vmgexit_psc_op', 'PRIVATE')),
    opShared: Number(constant('vmgexit_psc_op', 'SHARED')),
  };
  return { nae, ae, all, policy: t.policy, byCode: new Map(nae.map((e) => [e.exitCode, e])), fields, page, psc };
}

let cached: NaeTables | undefined;

/** The project's tables, resolved once per process. */
export function naeTables(model: EModel = projectModel()): NaeTables {
  if (model !== projectModel()) return resolve(model, exitTables);
  cached ??= resolve(model, exitTables);
  return cached;
}

/** `(value & mask) op expected` */
export function holds(c: ECondition, value: bigint): boolean {
  const v = value & c.mask;
  return c.op === 'eq' ? v === c.value : v !== c.value;
}
