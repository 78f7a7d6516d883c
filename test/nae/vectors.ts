// Loads test/vectors/nae/vectors.json and builds each vector's request page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GHCB_FIELDS, GhcbView } from '../../generated/ts/ghcb-codec.ts';
import { REPO_ROOT } from '../../lib/paths.ts';
import { RunFlag } from './kinds.ts';

export interface NaeVector {
  name: string;
  class: string;
  why?: string;
  guest?: 'sev-es' | 'sev-snp';
  ghcb_gpa?: string;
  /** The GHCB GPA the SEV-SNP guest registered (default: ghcb_gpa). */
  registered_gpa?: string;
  /** The guest registered no GHCB at all. */
  unregistered?: boolean;
  race?: boolean;
  protocol_version?: number;
  ghcb_usage?: number;
  valid: Record<string, string>;
  written?: Record<string, string>;
  shared_buffer?: string;
  shared_buffer_at?: { offset: string; hex: string };
  expect: {
    verdict: 'no_action' | 'exception' | 'malformed' | 'terminate';
    sw_exit_info_1?: string;
    sw_exit_info_2?: string;
    error?: string;
    field?: string | null;
    output_valid?: string[];
    calls?: string[][];
    call_counts?: Record<string, number>;
    shared_buffer?: string;
  };
}

/** The guest and GHCB a vector runs with, and the matching nae-run flags. */
export function vectorRun(v: NaeVector): { snp: boolean; ghcbGpa: bigint; registered: boolean; registeredGpa: bigint; flags: number } {
  const snp = v.guest === 'sev-snp';
  const ghcbGpa = BigInt(v.ghcb_gpa ?? '0x7f000');
  const registered = !v.unregistered;
  const registeredGpa = v.registered_gpa !== undefined ? BigInt(v.registered_gpa) : ghcbGpa;
  const flags = (snp ? RunFlag.SNP : 0) | (registered ? RunFlag.REGISTERED : 0) | (v.race ? RunFlag.RACE : 0) | RunFlag.FULL_PAGE;
  return { snp, ghcbGpa, registered, registeredGpa, flags };
}

export function loadVectors(): NaeVector[] {
  const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'test/vectors/nae/vectors.json'), 'utf8')) as { vectors: NaeVector[] };
  return doc.vectors;
}

export const SHARED = GHCB_FIELDS.find((f) => f.name === 'shared_buffer')!.offset;

export function fieldInfo(name: string) {
  const f = GHCB_FIELDS.find((x) => x.name === name);
  if (!f) throw new Error(`vector: unknown field ${name}`);
  return f;
}

export function vectorPage(v: NaeVector): Uint8Array {
  const page = new Uint8Array(4096);
  const view = new GhcbView(page);
  const dv = new DataView(page.buffer);
  view.protocolVersion = v.protocol_version ?? 2;
  view.ghcbUsage = v.ghcb_usage ?? 0;
  const put = (name: string, value: string, valid: boolean) => {
    const f = fieldInfo(name);
    if (f.type === 'u8') page[f.offset] = Number(value);
    else dv.setBigUint64(f.offset, BigInt(value), true);
    if (valid) view.setValid(f.validBit!);
  };
  for (const [k, val] of Object.entries(v.valid)) put(k, val, true);
  for (const [k, val] of Object.entries(v.written ?? {})) put(k, val, false);
  if (v.shared_buffer) page.set(Buffer.from(v.shared_buffer, 'hex'), SHARED);
  if (v.shared_buffer_at) page.set(Buffer.from(v.shared_buffer_at.hex, 'hex'), SHARED + Number(v.shared_buffer_at.offset));
  return page;
}
