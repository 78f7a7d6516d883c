// What the JSON test vectors under test/vectors/ exercise, read from their
// data rather than from identifiers: the exit codes they put in sw_exit_code
// (NAE events and SVM exit codes), the GHCB MSR codes of MSR protocol
// vectors (objects naming a ghcb_msr_* layout with a `code`), and the GHCB
// fields they set (object keys, in files about the GHCB).
import type { TextFile } from './token-index.ts';
import type { CoverageItem } from './types.ts';

export interface VectorFacts {
  path: string;
  exitCodes: Set<bigint>;
  msrCodes: Set<bigint>;
  keys: Set<string>;
  aboutGhcb: boolean;
}

function toBig(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v.trim())) return BigInt(v.trim());
  return null;
}

export function vectorFacts(file: TextFile): VectorFacts | null {
  if (!file.path.startsWith('test/vectors/') || !file.path.endsWith('.json')) return null;
  let data: unknown;
  try {
    data = JSON.parse(file.contents);
  } catch {
    return null;
  }
  const facts: VectorFacts = { path: file.path, exitCodes: new Set(), msrCodes: new Set(), keys: new Set(), aboutGhcb: /ghcb/i.test(file.contents) };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      facts.keys.add(k);
      if (k === 'sw_exit_code') {
        const b = toBig(x);
        if (b !== null) facts.exitCodes.add(b);
      }
      walk(x);
    }
    if (typeof o.layout === 'string' && o.layout.startsWith('ghcb_msr')) {
      const b = toBig(o.code);
      if (b !== null) facts.msrCodes.add(b);
    }
  };
  walk(data);
  return facts;
}

/** The vector files (paths) that exercise an item. */
export function vectorsFor(item: CoverageItem, facts: readonly VectorFacts[]): string[] {
  const value = item.value !== null && /^0x[0-9a-f]+$/i.test(item.value) ? BigInt(item.value) : null;
  const field = item.kind === 'ghcb_field' ? item.name.split('.')[1]! : null;
  return facts
    .filter((f) => {
      if ((item.kind === 'nae_event' || item.kind === 'exit_code') && value !== null) return f.exitCodes.has(value);
      if (item.kind === 'ghcb_msr_code' && value !== null) return f.msrCodes.has(value);
      if (field !== null) return f.aboutGhcb && f.keys.has(field);
      return false;
    })
    .map((f) => f.path);
}
