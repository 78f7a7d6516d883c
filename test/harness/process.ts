// The TypeScript end of the harness: streams batches of framed requests to
// the long-lived C process and collects the framed responses (see
// test/c/harness/harness.h for the frame format).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface Request {
  kind: number;
  payload: Uint8Array;
}

export interface Response {
  status: number;
  payload: Uint8Array;
}

export const SYNC = 0;
export const Status = { OK: 0, REJECTED: 1, BAD_REQUEST: 2 } as const;

/** A batch sent and not yet fully answered. */
interface Waiting {
  /** Response frames expected, the SYNC frame's included. */
  count: number;
  /** The batch's response bytes, in the pieces they came in, the SYNC frame last. */
  resolve: (parts: Buffer[]) => void;
  reject: (e: Error) => void;
}

const SYNC_FRAME = Buffer.alloc(8); // kind SYNC, length 0

export class HarnessProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Response bytes of the oldest waiting batch received so far. */
  private parts: Buffer[] = [];
  /** Frame scanning state: header bytes seen of the current frame, and payload bytes still to come. */
  private readonly header = Buffer.alloc(8);
  private headerHave = 0;
  private payloadLeft = 0;
  private framesDone = 0;
  /** The batches sent and not yet answered, oldest first: the harness answers in order. */
  private waiting: Waiting[] = [];
  private stderr = '';
  private exited: string | null = null;

  constructor(exe: string) {
    // A plain spawn: execa's line handling and buffering would sit on the hot path.
    this.child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', (code, signal) => {
      this.exited = `harness exited (code ${code}, signal ${signal}): ${this.stderr.trim()}`;
      for (const w of this.waiting) w.reject(new Error(this.exited));
      this.waiting = [];
    });
    this.child.stdin.on('error', () => {});
  }

  /**
   * Scans the frame headers only (no object per response), and hands each
   * batch its bytes once its last frame is in.
   */
  private onData(chunk: Buffer): void {
    let from = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.payloadLeft > 0) {
        const n = Math.min(this.payloadLeft, chunk.length - i);
        i += n;
        this.payloadLeft -= n;
        if (this.payloadLeft > 0) break;
      } else {
        const n = Math.min(8 - this.headerHave, chunk.length - i);
        chunk.copy(this.header, this.headerHave, i, i + n);
        this.headerHave += n;
        i += n;
        if (this.headerHave < 8) break;
        this.headerHave = 0;
        this.payloadLeft = this.header.readUInt32LE(4);
        if (this.payloadLeft > 0) continue;
      }
      // A frame is complete.
      const w = this.waiting[0];
      if (w === undefined || ++this.framesDone < w.count) continue;
      this.parts.push(chunk.subarray(from, i));
      const parts = this.parts;
      this.parts = [];
      from = i;
      this.framesDone = 0;
      this.waiting.shift();
      w.resolve(parts);
    }
    if (from < chunk.length) this.parts.push(chunk.subarray(from));
  }

  /**
   * Sends framed requests (no SYNC frame) and resolves with the bytes of the
   * `count` response frames, in the pieces they arrived in (no copy). The
   * caller must not change `frames` before the promise resolves.
   */
  runFramesParts(frames: Uint8Array, count: number): Promise<Buffer[]> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const done = new Promise<Buffer[]>((resolve, reject) => {
      // The last response answers the SYNC frame: 8 bytes, dropped.
      this.waiting.push({
        count: count + 1,
        resolve: (parts) => {
          let drop = 8;
          while (drop > 0) {
            const last = parts[parts.length - 1]!;
            if (last.length <= drop) {
              drop -= last.length;
              parts.pop();
            } else {
              parts[parts.length - 1] = last.subarray(0, last.length - drop);
              drop = 0;
            }
          }
          resolve(parts);
        },
        reject,
      });
    });
    this.child.stdin.write(frames);
    this.child.stdin.write(SYNC_FRAME);
    return done;
  }

  /** Sends framed requests (no SYNC frame) and resolves with the `count` response frames, as bytes. */
  async runFrames(frames: Uint8Array, count: number): Promise<Uint8Array> {
    const parts = await this.runFramesParts(frames, count);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * Sends one batch (followed by a SYNC frame) and resolves with one response
   * per request. Several batches may be in flight: each resolves in turn.
   */
  async run(requests: readonly Request[]): Promise<Response[]> {
    let size = 0;
    for (const r of requests) size += 8 + r.payload.length;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const r of requests) {
      out.writeUInt32LE(r.kind, at);
      out.writeUInt32LE(r.payload.length, at + 4);
      out.set(r.payload, at + 8);
      at += 8 + r.payload.length;
    }
    const bytes = await this.runFrames(out, requests.length);
    const responses: Response[] = [];
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let p = 0; p < bytes.length; ) {
      const len = dv.getUint32(p + 4, true);
      responses.push({ status: dv.getUint32(p, true), payload: bytes.subarray(p + 8, p + 8 + len) });
      p += 8 + len;
    }
    return responses;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await gone;
  }
}
