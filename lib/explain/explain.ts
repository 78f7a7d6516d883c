// `xen-sev explain CODE`: what a firmware status code means according to the
// SEV API and SNP ABI status tables (groups sev_status and snp_status of the
// model), and what public answers give as known causes. A code neither table
// defines is reported as undefined; nothing is guessed.
import type { EGroup, EModel, EValue } from '../../generators/elaborate/model.ts';
import { citation, hex } from '../../generators/emit/common.ts';
import { UserError } from '../errors.ts';
import knownCauses from './known-causes.json' with { type: 'json' };

export type Api = 'sev' | 'snp';
export const STATUS_GROUPS: Record<Api, { group: string; title: string }> = {
  sev: { group: 'sev_status', title: 'SEV API' },
  snp: { group: 'snp_status', title: 'SNP ABI' },
};

export interface KnownCause {
  code: number;
  api: Api | null;
  commands: string[];
  symptom: string;
  cause: string;
  source: { url: string; who: string; date: string; kind: 'maintainer' | 'community' | 'reporter' };
}
export const KNOWN_CAUSES = (knownCauses as { causes: KnownCause[] }).causes;

export interface Meaning {
  api: Api;
  table: string;
  name: string;
  cName: string;
  description: string;
  spec: string;
  linux: string | null;
}

export interface Explanation {
  code: number;
  hex: string;
  defined: boolean;
  meanings: Meaning[];
  /** Where each table is, for an undefined code: the documents that were searched. */
  searched: string[];
  commands: { recorded: boolean; note: string };
  knownCauses: KnownCause[];
}

/** "0x13", "19", "13h" or a status name (INVALID_PLATFORM_STATE, SEV_RET_..., SNP_STATUS_...). */
export function parseCode(text: string, model: EModel): number {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[0-9a-f]+h$/i.test(t)) return Number.parseInt(t.slice(0, -1), 16);
  if (/^[0-9]+$/.test(t)) return Number.parseInt(t, 10);
  const name = t.toUpperCase();
  for (const { group } of Object.values(STATUS_GROUPS)) {
    const v = model.groups.get(group)?.values.find((x) => x.name === name || x.cName === name || x.linux === name);
    if (v !== undefined) return Number(v.value);
  }
  throw new UserError(`explain: '${text}' is not a status code: give a number (0x13, 19) or a status name (INVALID_PLATFORM_STATE)`);
}

function statusGroup(model: EModel, api: Api): EGroup {
  const g = model.groups.get(STATUS_GROUPS[api].group);
  if (g === undefined) throw new Error(`explain: the model has no group ${STATUS_GROUPS[api].group}`);
  return g;
}

function meaning(api: Api, v: EValue): Meaning {
  return { api, table: STATUS_GROUPS[api].title, name: v.name, cName: v.cName, description: v.description, spec: citation(v.spec), linux: v.linux };
}

export function explain(model: EModel, code: number, only: Api | null): Explanation {
  if (!Number.isSafeInteger(code) || code < 0) throw new UserError(`explain: ${code} is not a status code`);
  const apis: Api[] = only === null ? ['sev', 'snp'] : [only];
  const meanings: Meaning[] = [];
  const searched: string[] = [];
  for (const api of apis) {
    const g = statusGroup(model, api);
    searched.push(`${STATUS_GROUPS[api].title} (${citation(g.spec)})`);
    const v = g.values.find((x) => x.value === BigInt(code));
    if (v !== undefined) meanings.push(meaning(api, v));
  }
  return {
    code,
    hex: hex(code),
    defined: meanings.length > 0,
    meanings,
    searched,
    commands: {
      recorded: false,
      note: 'not recorded in the schema; the SEV API and SNP ABI list the possible status codes in each command\'s description.',
    },
    knownCauses: KNOWN_CAUSES.filter((c) => c.code === code && (only === null || c.api === null || c.api === only)),
  };
}

const KIND_LABEL = { maintainer: 'maintainer answer', community: 'community answer, not confirmed by a maintainer', reporter: 'how the reporter fixed it' };

export function renderExplanation(e: Explanation): string {
  const out: string[] = [`${e.hex} (${e.code})`];
  if (!e.defined) {
    out.push(`  Not defined: no status code ${e.hex} in ${e.searched.join(' or ')}.`);
  }
  for (const m of e.meanings) {
    out.push(`  ${m.table}: ${m.name}: ${m.description}`);
    out.push(`    ${m.spec}; C: ${m.cName}${m.linux !== null ? `; Linux: ${m.linux}` : ''}`);
  }
  if (e.defined) out.push(`  Commands: ${e.commands.note}`);
  if (e.knownCauses.length > 0) {
    out.push('  Known causes (public answers):');
    for (const c of e.knownCauses) {
      const cmd = c.commands.length > 0 ? ` [${c.commands.join(', ')}]` : '';
      out.push(`    - ${c.symptom}${cmd}: ${c.cause}`);
      out.push(`      ${c.source.url} (${c.source.who}, ${c.source.date}; ${KIND_LABEL[c.source.kind]})`);
    }
  } else {
    out.push('  Known causes: none recorded (lib/explain/known-causes.json).');
  }
  return out.join('\n');
}
