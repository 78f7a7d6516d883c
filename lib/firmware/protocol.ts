// A line protocol over which a long-lived process answers a mailbox driver
// from the firmware model (for a C harness that binds the driver's MMIO
// accessors to a pipe). One request per line, one answer per line:
//
//   cmd <id> <buffer hex>          -> ok <status hex> <buffer hex>  |  ok stall <buffer hex>
//   mbox <id> <address>            -> ok <status hex> | ok stall   (as the mailbox does it: CmdBuf holds the
//                                     buffer's address; the buffer is read from and written back to memory)
//   host <name>=<value> ...        -> ok            (host configuration, as in `fw simulate`: memory_encryption=off,
//                                     snp_enabled=off, stall=LAUNCH_MEASURE, max_asid=..., ...)
//   mem <address> <hex>            -> ok            (host memory the buffers point at)
//   read <address> <length>        -> ok <hex>
//   wbinvd                         -> ok
//   rmp <address> <state> <asid> <gpa>  -> ok       (state: firmware, pre_guest, hypervisor)
//   state                          -> ok <snapshot JSON>
//   reset                          -> ok            (a fresh model, same host configuration)
//
// Numbers are hex with or without 0x. A malformed request gets `err <message>`
// and the model is unchanged. The status is the low 16 bits the driver reads
// from CmdResp; `stall` means the firmware never signals completion.
import { UserError } from '../errors.ts';
import { FirmwareModel, type HostConfig } from './model.ts';
import { hostOption } from './simulate.ts';
import { fwTables } from './table.ts';

const MAX_LEN = 1 << 20;

function hexNum(s: string | undefined): bigint | null {
  if (s === undefined || !/^(0x)?[0-9a-f]+$/i.test(s)) return null;
  return BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : `0x${s}`);
}

function hexBytes(s: string | undefined): Uint8Array | null {
  const t = (s ?? '').replace(/^0x/i, '');
  if (!/^([0-9a-f]{2})*$/i.test(t)) return null;
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

export class FirmwareServer {
  private fw: FirmwareModel;
  private readonly host: Partial<HostConfig>;
  constructor(host: Partial<HostConfig> = {}) {
    this.host = { ...host };
    this.fw = new FirmwareModel(this.host);
  }

  get model(): FirmwareModel {
    return this.fw;
  }

  /** Answer one request line. */
  handle(line: string): string {
    const [verb, ...args] = line.trim().split(/\s+/);
    switch (verb) {
      case 'cmd': {
        const id = hexNum(args[0]);
        const buf = hexBytes(args[1] ?? '');
        if (id === null || id > 0x3ffn) return 'err cmd: <id> is a hex command id (10 bits)';
        if (buf === null || buf.length > MAX_LEN) return 'err cmd: <buffer> is an even number of hex digits';
        const r = this.fw.execute(Number(id), buf);
        const out = Buffer.from(r.buffer).toString('hex');
        return r.status === null ? `ok stall ${out}` : `ok ${r.status.toString(16)} ${out}`;
      }
      case 'mbox': {
        const id = hexNum(args[0]);
        const addr = hexNum(args[1]);
        if (id === null || id > 0x3ffn || addr === null) return 'err mbox: <id> <buffer address>';
        const size = fwTables().byId.get(Number(id))?.bufferSize ?? 0;
        const r = this.fw.execute(Number(id), this.fw.memory.read(addr, size));
        if (size > 0) this.fw.memory.write(addr, r.buffer.subarray(0, size));
        return r.status === null ? 'ok stall' : `ok ${r.status.toString(16)}`;
      }
      case 'host': {
        const partial: Partial<HostConfig> = {};
        try {
          for (const a of args) {
            const m = /^([a-z_]+)=(.+)$/.exec(a);
            if (m === null) return `err host: '${a.slice(0, 40)}' is not name=value`;
            hostOption('host', m[1]!, m[2]!, partial);
          }
        } catch (e) {
          if (e instanceof UserError) return `err ${e.message}`;
          throw e;
        }
        Object.assign(this.fw.host, partial);
        Object.assign(this.host, partial);
        return 'ok';
      }
      case 'mem': {
        const a = hexNum(args[0]);
        const b = hexBytes(args[1]);
        if (a === null || b === null || b.length > MAX_LEN) return 'err mem: <address> <hex bytes>';
        this.fw.memory.write(a, b);
        return 'ok';
      }
      case 'read': {
        const a = hexNum(args[0]);
        const n = hexNum(args[1]);
        if (a === null || n === null || n > BigInt(MAX_LEN)) return 'err read: <address> <length> (at most 1 MiB)';
        return `ok ${Buffer.from(this.fw.memory.read(a, Number(n))).toString('hex')}`;
      }
      case 'wbinvd':
        this.fw.wbinvd();
        return 'ok';
      case 'rmp': {
        const a = hexNum(args[0]);
        const st = args[1];
        const asid = hexNum(args[2] ?? '0');
        const gpa = hexNum(args[3] ?? '0');
        if (a === null || asid === null || gpa === null || (st !== 'firmware' && st !== 'pre_guest' && st !== 'hypervisor')) return 'err rmp: <address> firmware|pre_guest|hypervisor <asid> <gpa>';
        this.fw.rmpUpdate(a, st, Number(asid & 0xffffn), gpa);
        return 'ok';
      }
      case 'state':
        return `ok ${JSON.stringify(this.fw.snapshot())}`;
      case 'reset':
        this.fw = new FirmwareModel(this.host);
        return 'ok';
      default:
        return `err unknown request '${(verb ?? '').slice(0, 20)}' (cmd, mbox, host, mem, read, wbinvd, rmp, state, reset)`;
    }
  }
}
