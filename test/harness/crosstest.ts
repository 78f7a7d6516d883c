// Differential runs: the same requests answered by the TypeScript reference
// and by the C harness, compared byte for byte.
import { hexdumpC } from './hexdump.ts';
import type { HarnessProcess, Request, Response } from './process.ts';

export type Answer = (r: Request) => Response | undefined;

export interface Mismatch {
  index: number;
  request: Request;
  expected: Response;
  actual: Response;
}

function same(a: Response, b: Response): boolean {
  return a.status === b.status && Buffer.from(a.payload.buffer, a.payload.byteOffset, a.payload.length).equals(b.payload);
}

/** Runs `requests` through both sides; returns every disagreement. */
export async function crossCheck(proc: HarnessProcess, requests: readonly Request[], answer: Answer): Promise<Mismatch[]> {
  // Send first: the C side works through the batch while TypeScript computes
  // its answers, yielding now and then so the event loop keeps both pipes moving.
  const pending = proc.run(requests);
  const expected: Response[] = [];
  for (let i = 0; i < requests.length; i++) {
    const a = answer(requests[i]!);
    if (a === undefined) throw new Error(`no TypeScript answer for request kind ${requests[i]!.kind}`);
    expected.push(a);
    if ((i & 255) === 255) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const actual = await pending;
  const out: Mismatch[] = [];
  for (let i = 0; i < requests.length; i++) {
    if (!same(expected[i]!, actual[i]!)) out.push({ index: i, request: requests[i]!, expected: expected[i]!, actual: actual[i]! });
  }
  return out;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** A report that lets the case be replayed: the request as a hexdump -C, and where the answers part. */
export function describeMismatch(m: Mismatch, kindNames: Record<number, string> = {}): string {
  const kind = kindNames[m.request.kind] ?? `kind ${m.request.kind}`;
  const lines = [`${kind} request #${m.index}: TypeScript answered status ${m.expected.status} (${m.expected.payload.length} bytes), C answered status ${m.actual.status} (${m.actual.payload.length} bytes)`];
  if (m.expected.status === m.actual.status) {
    const at = firstDifference(m.expected.payload, m.actual.payload);
    const win = (p: Uint8Array) => Buffer.from(p.subarray(at, at + 16)).toString('hex');
    lines.push(`first difference at byte 0x${at.toString(16)}: TypeScript ${win(m.expected.payload)}, C ${win(m.actual.payload)}`);
  }
  lines.push('request payload:', hexdumpC(m.request.payload));
  return lines.join('\n');
}
