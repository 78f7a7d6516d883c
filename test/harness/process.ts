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

export class HarnessProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Buffer = Buffer.alloc(0);
  private responses: Response[] = [];
  /** The batches sent and not yet answered, oldest first: the harness answers in order. */
  private waiting: { count: number; resolve: (r: Response[]) => void; reject: (e: Error) => void }[] = [];
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

  private onData(chunk: Buffer): void {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (buf.length - at >= 8) {
      const status = buf.readUInt32LE(at);
      const len = buf.readUInt32LE(at + 4);
      if (buf.length - at - 8 < len) break;
      this.responses.push({ status, payload: buf.subarray(at + 8, at + 8 + len) });
      at += 8 + len;
    }
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    buf = this.pending;
    while (this.waiting.length > 0 && this.responses.length >= this.waiting[0]!.count) {
      const w = this.waiting.shift()!;
      const all = this.responses.length === w.count ? this.responses : this.responses.slice(0, w.count);
      this.responses = all === this.responses ? [] : this.responses.slice(w.count);
      // The last response answers the SYNC frame.
      all.pop();
      w.resolve(all);
    }
  }

  /**
   * Sends one batch (followed by a SYNC frame) and resolves with one response
   * per request. Several batches may be in flight: each resolves in turn.
   */
  run(requests: readonly Request[]): Promise<Response[]> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    let size = 8;
    for (const r of requests) size += 8 + r.payload.length;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const r of requests) {
      out.writeUInt32LE(r.kind, at);
      out.writeUInt32LE(r.payload.length, at + 4);
      out.set(r.payload, at + 8);
      at += 8 + r.payload.length;
    }
    out.writeUInt32LE(SYNC, at);
    out.writeUInt32LE(0, at + 4);
    const done = new Promise<Response[]>((resolve, reject) => {
      this.waiting.push({ count: requests.length + 1, resolve, reject });
    });
    this.child.stdin.write(out);
    return done;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await gone;
  }
}
