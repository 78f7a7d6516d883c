// Differential runs: the same requests answered by the TypeScript reference
// and by the C harness, compared byte for byte.
import { hexdumpC } from './hexdump.ts';
import { Frames, framesOf } from './frames.ts';
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

/** A TypeScript reference that appends its answer frame to a buffer (see GhcbReference.answerInto). */
export interface FrameReference {
  /** Appends the response frame to `out`; false, appending nothing, for a kind it does not know. */
  answerInto(kind: number, payload: Uint8Array, out: Frames): boolean;
}

/** A batch of framed requests (kind, length, payload; no SYNC frame) and how many frames it holds. */
export interface FrameBatch {
  frames: Uint8Array;
  count: number;
}

/** A copy (Buffer's own slice() would be a view of a buffer that is about to be reused). */
const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);

/**
 * Where two response streams disagree, frame by frame, with the request of
 * each disagreement (copies, so a report can outlive the batch).
 */
export function frameMismatches(requests: Uint8Array, expected: Uint8Array, actual: Uint8Array): Mismatch[] {
  const out: Mismatch[] = [];
  const r = framesOf(requests);
  const e = framesOf(expected);
  const a = framesOf(actual);
  for (let index = 0; ; index++) {
    const rq = r.next();
    const ex = e.next();
    const ac = a.next();
    if (rq.done) {
      // Any response beyond the requests is itself a disagreement of the framing.
      if (!ex.done || !ac.done) throw new Error(`response streams have frames beyond the ${index} requests of the batch`);
      return out;
    }
    if (ex.done || ac.done) throw new Error(`request #${index}: ${ex.done ? 'TypeScript' : 'C'} answered fewer frames than there are requests`);
    const expectedR = { status: ex.value.tag, payload: ex.value.payload };
    const actualR = { status: ac.value.tag, payload: ac.value.payload };
    if (!same(expectedR, actualR)) {
      out.push({
        index,
        request: { kind: rq.value.tag, payload: copy(rq.value.payload) },
        expected: { status: expectedR.status, payload: copy(expectedR.payload) },
        actual: { status: actualR.status, payload: copy(actualR.payload) },
      });
    }
  }
}

/** Whether the pieces, end to end, are exactly `whole`. */
function samePieces(parts: readonly Buffer[], whole: Buffer): boolean {
  let at = 0;
  for (const p of parts) {
    if (at + p.length > whole.length || p.compare(whole, at, at + p.length) !== 0) return false;
    at += p.length;
  }
  return at === whole.length;
}

/**
 * crossCheckStream for framed batches. `next` writes a batch's requests as
 * frames into the (emptied) buffer it is given and returns how many frames
 * it wrote, or null when there are no more; the TypeScript reference writes
 * its answers as frames too, and each batch's two response streams are
 * compared whole (memcmp); only when they differ are they walked frame by
 * frame to name the requests that disagree. TypeScript answers a batch right
 * after sending it, while C works on the ones before. The buffers are reused
 * batch after batch: `done` sees a batch's frames only while it runs.
 */
export async function crossCheckFrames(
  proc: HarnessProcess,
  next: (into: Frames) => number | null,
  reference: FrameReference,
  done: (batch: FrameBatch, mismatches: Mismatch[]) => void,
  inFlight = 3,
): Promise<void> {
  interface Slot {
    requests: Frames;
    expected: Frames;
    count: number;
    actual: Promise<Buffer[]> | null;
  }
  const free: Slot[] = [];
  for (let i = 0; i < inFlight; i++) free.push({ requests: new Frames(1 << 21), expected: new Frames(1 << 20), count: 0, actual: null });
  const queue: Slot[] = [];
  let more = true;
  const answer = (slot: Slot): void => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      const out = slot.expected;
      out.len = 0;
      let n = 0;
      const bytes = slot.requests.buf;
      const end = slot.requests.len;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, end);
      for (let at = 0; at + 8 <= end; n++) {
        const kind = dv.getUint32(at, true);
        const len = dv.getUint32(at + 4, true);
        if (!reference.answerInto(kind, bytes.subarray(at + 8, at + 8 + len), out)) throw new Error(`no TypeScript answer for request kind ${kind}`);
        at += 8 + len;
      }
      if (n !== slot.count) throw new Error(`a batch said it has ${slot.count} frames and has ${n}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  const fill = () => {
    while (more && free.length > 0) {
      const slot = free.pop()!;
      slot.requests.len = 0;
      const count = next(slot.requests);
      if (count === null) {
        more = false;
        free.push(slot);
        break;
      }
      slot.count = count;
      slot.actual = proc.runFramesParts(slot.requests.buf.subarray(0, slot.requests.len), count);
      answer(slot);
      queue.push(slot);
    }
  };
  for (;;) {
    fill();
    const head = queue.shift();
    if (head === undefined) break;
    const parts = await head.actual!;
    const expected = Buffer.from(head.expected.buf.buffer, head.expected.buf.byteOffset, head.expected.len);
    const requests = head.requests.buf.subarray(0, head.requests.len);
    const mismatches = samePieces(parts, expected) ? [] : frameMismatches(requests, expected, Buffer.concat(parts));
    done({ frames: requests, count: head.count }, mismatches);
    head.actual = null;
    free.push(head);
    // Let the event loop take in the harness's output before the next answers.
    await new Promise<void>((resolve) => setImmediate(resolve));
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
