// The golden vectors of test/vectors/: GHCB pages and GHCB MSR values with
// the decoding the specification says they have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/paths.ts';

export interface PageVector {
  id: string;
  event: string;
  doc: string;
  spec: string;
  /** [offset, "little-endian bytes"]: everything else is zero. */
  data: [string, string][];
  expect: {
    protocol_version: number;
    ghcb_usage: number;
    fields: Record<string, string>;
    valid_bits: number[];
    sw_exit_code_name?: string;
    shared_buffer?: [string, string][];
  };
}

export interface MsrVector {
  id: string;
  value: string;
  layout: string | null;
  code: string;
  fields: Record<string, string>;
  doc: string;
  spec: string;
}

export const VECTOR_DIR = join(REPO_ROOT, 'test/vectors');

export function pageVectors(): PageVector[] {
  return (JSON.parse(readFileSync(join(VECTOR_DIR, 'ghcb-pages.json'), 'utf8')) as { pages: PageVector[] }).pages;
}

export function msrVectors(): MsrVector[] {
  return (JSON.parse(readFileSync(join(VECTOR_DIR, 'ghcb-msr.json'), 'utf8')) as { values: MsrVector[] }).values;
}

export function hexBytes(text: string): Uint8Array {
  return Uint8Array.from(text.trim().split(/\s+/), (b) => parseInt(b, 16));
}

/** The 4096-byte page a vector describes. */
export function vectorPage(v: PageVector): Uint8Array {
  const page = new Uint8Array(4096);
  for (const [at, bytes] of v.data) page.set(hexBytes(bytes), Number(at));
  return page;
}
