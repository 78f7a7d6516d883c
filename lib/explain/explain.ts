// `xen-sev explain CODE|LINE`: what a firmware status code means according to
// the SEV API and SNP ABI status tables (groups sev_status and snp_status of
// the model), which commands can return it (the firmware model, schema/fw.ts),
// and what public answers give as known causes. A code neither table defines
// is reported as undefined, with what the mailbox register layout says about
// it; nothing is guessed.
import type { EGroup, EModel, EValue } from '../../generators/elaborate/model.ts';
import { citation, hex } from '../../generators/emit/common.ts';
import { UserError } from '../errors.ts';
import { parseErrorLine } from '../firmware/ccp-log.ts';
import { commandsReturning, fwTables } from '../firmware/table.ts';
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
  /** The code as a number when it is a safe integer, else its exact decimal digits. */
  code: number | string;
  hex: string;
  defined: boolean;
  meanings: Meaning[];
  /** Where each table is, for an undefined code: the documents that were searched. */
  searched: string[];
  /** For a code outside the tables: what the mailbox register layout says about it. */
  register: string[];
  /** Which commands can return the code, from the firmware model (schema/fw.ts). */
  commands: { recorded: boolean; note: string; sev: string[]; snp: string[] };
  /** When a log line was given: the command it names and what the model says about it failing so. */
  line: { text: string; api: Api; command: string | null; model: string[] } | null;
  knownCauses: KnownCause[];
}

export interface Query {
  code: bigint;
  /** The API the log line names (SEV or SEV-SNP), when a line was given. */
  api: Api | null;
  line: Explanation['line'];
}

function parseNumber(t: string): bigint | null {
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (/^[0-9a-f]+h$/i.test(t)) return BigInt(`0x${t.slice(0, -1)}`);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return null;
}

/**
 * "0x13", "19", "13h", a status name (INVALID_PLATFORM_STATE, SEV_RET_..., SNP_STATUS_...)
 * or a whole log line ("ccp 0000:42:00.1: SEV: failed to INIT error 0x13"). Codes of any size are exact.
 */
export function parseQuery(text: string, model: EModel): Query {
  const t = text.trim();
  if (t.length > 100_000) throw new UserError(`explain: the argument is ${t.length} characters; give one code or one log line`);
  const n = parseNumber(t);
  if (n !== null) return { code: n, api: null, line: null };
  const name = t.toUpperCase();
  for (const { group } of Object.values(STATUS_GROUPS)) {
    const v = model.groups.get(group)?.values.find((x) => x.name === name || x.cName === name || x.linux === name);
    if (v !== undefined) return { code: v.value, api: null, line: null };
  }
  const e = parseErrorLine(t);
  if (e !== null && e.code !== null) {
    return { code: BigInt(e.code), api: e.api, line: { text: e.text, api: e.api, command: e.command, model: e.model } };
  }
  if (e !== null) throw new UserError(`explain: '${t.slice(0, 80)}' reports a timeout, not a status code`);
  throw new UserError(`explain: '${t.slice(0, 80)}' is not a status code: give a number (0x13, 19), a status name (INVALID_PLATFORM_STATE) or a log line (SEV: failed to INIT error 0x13)`);
}

/** The code as a number (small codes) or bigint (wider ones). */
export function parseCode(text: string, model: EModel): number | bigint {
  const c = parseQuery(text, model).code;
  return c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c;
}

function statusGroup(model: EModel, api: Api): EGroup {
  const g = model.groups.get(STATUS_GROUPS[api].group);
  if (g === undefined) throw new Error(`explain: the model has no group ${STATUS_GROUPS[api].group}`);
  return g;
}

function meaning(api: Api, v: EValue): Meaning {
  return { api, table: STATUS_GROUPS[api].title, name: v.name, cName: v.cName, description: v.description, spec: citation(v.spec), linux: v.linux };
}

// The PSP mailbox register as Linux reads it (include/linux/psp.h, drivers/crypto/ccp/sev-dev.c).
const LINUX_PSP = 'linux:include/linux/psp.h PSP_CMDRESP_*, drivers/crypto/ccp/sev-dev.h SEV_CMDRESP_CMD and sev-dev.c';
const NO_FW_CALL = 0xffffffffn;

function statusNameOf(code: bigint): string | null {
  const t = fwTables();
  return t.statusName('sev', Number(code)) ?? t.statusName('snp', Number(code));
}

function registerNotes(code: bigint, maxDefined: bigint): string[] {
  const out: string[] = [];
  if (code === NO_FW_CALL) {
    out.push(`Linux prints ${hex(code)} for SEV_RET_NO_FW_CALL (-1): the driver did not call the firmware at all (for example the PSP was disabled after a timed-out command); it is not a firmware status (linux:include/uapi/linux/psp-sev.h).`);
    return out;
  }
  if (code > 0xffffn) {
    out.push(`${hex(code)} is wider than the status field: the firmware writes its status into bits 15:0 of the CmdResp register (Linux masks it with PSP_CMDRESP_STS = GENMASK(15, 0)), so no firmware status exceeds 0xffff (${LINUX_PSP}).`);
    return out;
  }
  out.push(`The firmware writes its status into bits 15:0 of the CmdResp register; Linux reports those 16 bits (PSP_CMDRESP_STS = GENMASK(15, 0); in the SEV mailbox bits 26:16 hold the command id, SEV_CMDRESP_CMD in sev-dev.h, and bit 31 is the response flag) (${LINUX_PSP}).`);
  const offset = code - 0x40n;
  const base = offset > 0n && offset <= maxDefined ? statusNameOf(offset) : null;
  if (base !== null) {
    out.push(`The SEV API and SNP ABI status tables define codes 0x0 to ${hex(maxDefined)} only. AMD's published firmware source adds 0x40 to the status when, with SNP initialized, the command buffer itself is not in a page the firmware may write (amd/AMD-ASPFW:fw/psp_bl_uapps/sev_uapp/src/sev_dispatch.c, the check before each command): ${hex(code)} is ${hex(offset)} (${base}) + 0x40 in that case.`);
  } else {
    out.push(`The SEV API and SNP ABI status tables define codes 0x0 to ${hex(maxDefined)} only; ${hex(code)} is outside that range${(code & 0x8000n) !== 0n ? ', with bit 15 set' : ''}, and no public AMD document or AMD's published firmware source (amd/AMD-ASPFW) defines it.`);
  }
  return out;
}

export function explain(model: EModel, code: number | bigint, only: Api | null, line: Explanation['line'] = null): Explanation {
  if (typeof code === 'number' && (!Number.isSafeInteger(code) || code < 0)) throw new UserError(`explain: ${code} is not a status code`);
  const c = BigInt(code);
  if (c < 0n) throw new UserError(`explain: ${c} is not a status code`);
  const apis: Api[] = only === null ? ['sev', 'snp'] : [only];
  const meanings: Meaning[] = [];
  const searched: string[] = [];
  let maxDefined = 0n;
  for (const api of apis) {
    const g = statusGroup(model, api);
    searched.push(`${STATUS_GROUPS[api].title} (${citation(g.spec)})`);
    for (const v of g.values) if (v.value > maxDefined) maxDefined = v.value;
    const v = g.values.find((x) => x.value === c);
    if (v !== undefined) meanings.push(meaning(api, v));
  }
  const t = fwTables();
  const small = c <= 0xffffn ? Number(c) : -1;
  const sevCmds = small < 0 || !apis.includes('sev') ? [] : commandsReturning(t, 'sev', small);
  const snpCmds = small < 0 || !apis.includes('snp') ? [] : commandsReturning(t, 'snp', small);
  const defined = meanings.length > 0;
  return {
    code: c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c.toString(),
    hex: hex(c),
    defined,
    meanings,
    searched,
    register: defined ? [] : registerNotes(c, maxDefined),
    commands: {
      recorded: sevCmds.length + snpCmds.length > 0,
      note: c === 0n
        ? 'every command returns it on success'
        : sevCmds.length + snpCmds.length > 0
          ? 'commands the firmware model (schema/fw.ts) says can return it: by state refusal or buffer check'
          : 'the firmware model (schema/fw.ts) records no command returning it',
      sev: sevCmds,
      snp: snpCmds,
    },
    line,
    knownCauses: KNOWN_CAUSES.filter((k) => BigInt(k.code) === c && (only === null || k.api === null || k.api === only)),
  };
}

const KIND_LABEL = { maintainer: 'maintainer answer', community: 'community answer, not confirmed by a maintainer', reporter: 'how the reporter fixed it' };

export function renderExplanation(e: Explanation): string {
  const out: string[] = [`${e.hex} (${e.code})`];
  if (e.line !== null) {
    out.push(`  Log line: ${e.line.text}`);
    out.push(`    ${e.line.api === 'snp' ? 'SEV-SNP' : 'SEV'} ${e.line.command ?? '(command not recognised)'} failed with ${e.hex}`);
    for (const m of e.line.model) out.push(`    model: ${m}`);
  }
  if (!e.defined) {
    out.push(`  Not defined: no status code ${e.hex} in ${e.searched.join(' or ')}.`);
    for (const r of e.register) out.push(`  ${r}`);
  }
  for (const m of e.meanings) {
    out.push(`  ${m.table}: ${m.name}: ${m.description}`);
    out.push(`    ${m.spec}; C: ${m.cName}${m.linux !== null ? `; Linux: ${m.linux}` : ''}`);
  }
  if (e.defined) {
    const lists = [e.commands.sev.length > 0 ? `SEV ${e.commands.sev.join(', ')}` : null, e.commands.snp.length > 0 ? `SNP ${e.commands.snp.join(', ')}` : null].filter((x) => x !== null);
    out.push(`  Commands: ${e.commands.note}${lists.length > 0 ? `: ${lists.join('; ')}` : ''}.`);
  }
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
