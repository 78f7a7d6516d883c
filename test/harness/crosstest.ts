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

const equalBytes = Buffer.prototype.equals as (this: Uint8Array, other: Uint8Array) => boolean;

function same(a: Response, b: Response): boolean {
  if (a.status !== b.status || a.payload.length !== b.payload.length) return false;
  const n = a.payload.length;
  if (n > 32) return equalBytes.call(a.payload, b.payload);
  // Most answers are a few bytes: a loop beats a native call.
  for (let i = 0; i < n; i++) if (a.payload[i] !== b.payload[i]) return false;
  return true;
}

/**
 * Calls `answer` with stack traces off: the reference refuses bad input by
 * throwing RangeError, which it catches itself; capturing a stack for each of
 * those cost as much as the rest of the answer, and none is ever shown.
 */
function answerQuietly(answer: Answer, r: Request): Response {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let a: Response | undefined;
  try {
    a = answer(r);
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (a === undefined) throw new Error(`no TypeScript answer for request kind ${r.kind}`);
  return a;
}

/** Runs `requests` through both sides; returns every disagreement. */
export async function crossCheck(proc: HarnessProcess, requests: readonly Request[], answer: Answer): Promise<Mismatch[]> {
  // Send first: the C side works through the batch while TypeScript computes
  // its answers, yielding now and then so the event loop keeps both pipes moving.
  const pending = proc.run(requests);
  const expected: Response[] = [];
  for (let i = 0; i < requests.length; i++) {
    expected.push(answerQuietly(answer, requests[i]!));
    if ((i & 255) === 255) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const actual = await pending;
  const out: Mismatch[] = [];
  for (let i = 0; i < requests.length; i++) {
    if (!same(expected[i]!, actual[i]!)) out.push({ index: i, request: requests[i]!, expected: expected[i]!, actual: actual[i]! });
  }
  return out;
}

/**
 * A stream of batches through both sides, pipelined: while the C process
 * works on the batches already sent, TypeScript makes the next one, and
 * answers and compares the oldest once its C answers are in. `next` returns
 * null when there are no more batches; `done` sees each batch with its
 * disagreements (answers are compared as they are made, and only a
 * disagreement keeps a copy).
 */
export async function crossCheckStream(
  proc: HarnessProcess,
  next: () => readonly Request[] | null,
  answer: Answer,
  done: (requests: readonly Request[], mismatches: Mismatch[]) => void,
  inFlight = 3,
): Promise<void> {
  const queue: { requests: readonly Request[]; actual: Promise<Response[]> }[] = [];
  let more = true;
  const fill = () => {
    while (more && queue.length < inFlight) {
      const requests = next();
      if (requests === null) more = false;
      else queue.push({ requests, actual: proc.run(requests) });
    }
  };
  fill();
  while (queue.length > 0) {
    const { requests, actual } = queue.shift()!;
    const got = await actual;
    // The C side already has the next batches; keep it busy before answering this one.
    fill();
    const out: Mismatch[] = [];
    for (let from = 0; from < requests.length; from += 512) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        for (let i = from; i < Math.min(from + 512, requests.length); i++) {
          const a = answer(requests[i]!);
          if (a === undefined) throw new Error(`no TypeScript answer for request kind ${requests[i]!.kind}`);
          if (!same(a, got[i]!)) out.push({ index: i, request: requests[i]!, expected: { status: a.status, payload: a.payload.slice() }, actual: got[i]! });
        }
      } finally {
        Error.stackTraceLimit = limit;
      }
      // Let the event loop drain the harness's output now and then: with its pipe full, the C side would stop.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    done(requests, out);
  }
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
