// Dispatch of a validated event to the backend. Inputs come from the snapshot
// (`req`); data written back to the guest goes to the live page or, for a
// scratch area outside the GHCB, through the backend once.
import type { Backend } from './backend.ts';
import { ioioSize, malformed, type Request, type Scratch } from './hypervisor.ts';
import type { ENaeEvent, FieldRef } from './table.ts';

export type DispatchResult =
  | { kind: 'ok'; outputs: [FieldRef, bigint][]; exitInfo2: bigint }
  | { kind: 'exception'; event: bigint }
  | { kind: 'terminate' };

/** The #GP vector: the backend turns it into an event-injection value. */
const GP = 13;



function ok(outputs: [FieldRef, bigint][] = [], exitInfo2 = 0n): DispatchResult {
  return { kind: 'ok', outputs, exitInfo2 };
}

function scratchBytes(req: Request, s: Scratch): Uint8Array {
  return s.inGhcb ? req.snap.subarray(s.offset, s.offset + s.len) : s.data;
}

function putScratch(page: Uint8Array, s: Scratch, offset: number, data: Uint8Array, backend: Backend): void {
  if (s.inGhcb) page.set(data, s.offset + offset);
  else backend.writeGuest(s.gpa + BigInt(offset), data);
}

export function dispatch(ev: ENaeEvent, req: Request, scratch: Scratch | null, b: Backend, page: Uint8Array): DispatchResult {
  // Plain helpers rather than closures: this runs millions of times in the cross-test.
  const F = req.fieldOf;
  const get = req.valueOf;
  const info1 = get('sw_exit_info_1');
  const info2 = get('sw_exit_info_2');
  switch (ev.src.handler) {
    case 'dr7_read':
      return ok([[F('rax'), b.dr7Read()]]);
    case 'dr7_write':
      b.dr7Write(get('rax'));
      return ok();
    case 'rdtsc': {
      const tsc = b.rdtsc();
      return ok([[F('rax'), tsc & 0xffff_ffffn], [F('rdx'), tsc >> 32n]]);
    }
    case 'rdtscp': {
      const r = b.rdtscp();
      return ok([[F('rax'), r.tsc & 0xffff_ffffn], [F('rcx'), BigInt(r.aux)], [F('rdx'), r.tsc >> 32n]]);
    }
    case 'rdpmc': {
      const v = b.rdpmc(Number(get('rcx') & 0xffff_ffffn));
      return v === null ? { kind: 'exception', event: b.exceptionEvent(GP) } : ok([[F('rax'), v & 0xffff_ffffn], [F('rdx'), v >> 32n]]);
    }
    case 'cpuid': {
      const xcr0 = req.valid(F('xcr0')) ? get('xcr0') : 1n;
      const xss = req.valid(F('xss')) ? get('xss') : 0n;
      const r = b.cpuid(Number(get('rax') & 0xffff_ffffn), Number(get('rcx') & 0xffff_ffffn), xcr0, xss);
      return ok([[F('rax'), BigInt(r[0])], [F('rbx'), BigInt(r[1])], [F('rcx'), BigInt(r[2])], [F('rdx'), BigInt(r[3])]]);
    }
    case 'msr': {
      const index = Number(get('rcx') & 0xffff_ffffn);
      if (info1 === 1n) {
        const value = ((get('rdx') & 0xffff_ffffn) << 32n) | (get('rax') & 0xffff_ffffn);
        return b.wrmsr(index, value) ? ok() : { kind: 'exception', event: b.exceptionEvent(GP) };
      }
      const v = b.rdmsr(index);
      return v === null ? { kind: 'exception', event: b.exceptionEvent(GP) } : ok([[F('rax'), v & 0xffff_ffffn], [F('rdx'), v >> 32n]]);
    }
    case 'ioio': {
      const port = Number((info1 >> 16n) & 0xffffn);
      const size = ioioSize(info1);
      const isIn = (info1 & 1n) !== 0n;
      if (scratch) {
        const count = scratch.len / size;
        if (isIn) {
          const data = new Uint8Array(scratch.len);
          const dv = new DataView(data.buffer);
          for (let i = 0; i < count; i++) {
            const v = b.ioIn(port, size);
            if (size === 1) dv.setUint8(i, v);
            else if (size === 2) dv.setUint16(2 * i, v, true);
            else dv.setUint32(4 * i, v, true);
          }
          if (scratch.len > 0) putScratch(page, scratch, 0, data, b);
        } else {
          const src = scratchBytes(req, scratch);
          const dv = new DataView(src.buffer, src.byteOffset, src.length);
          for (let i = 0; i < count; i++) b.ioOut(port, size, size === 1 ? dv.getUint8(i) : size === 2 ? dv.getUint16(2 * i, true) : dv.getUint32(4 * i, true));
        }
        return ok();
      }
      if (isIn) return ok([[F('rax'), BigInt(b.ioIn(port, size))]]);
      const mask = size === 4 ? 0xffff_ffffn : (1n << BigInt(8 * size)) - 1n;
      b.ioOut(port, size, Number(get('rax') & mask));
      return ok();
    }
    case 'vmmcall':
      return ok([[F('rax'), b.vmmcall(get('rax'), req.view.cpl)]]);
    case 'invd':
    case 'wbinvd':
    case 'nmi_complete':
      b.simple(ev.src.handler, 0n, 0n);
      return ok();
    case 'monitor':
      b.simple('monitor', get('rax'), get('rcx'));
      return ok();
    case 'mwait':
      b.simple('mwait', get('rax'), get('rcx'));
      return ok();
    case 'mmio_read': {
      const data = b.mmioRead(info1, scratch!.len);
      putScratch(page, scratch!, 0, data, b);
      return ok();
    }
    case 'mmio_write':
      b.mmioWrite(info1, scratchBytes(req, scratch!).slice());
      return ok();
    case 'ap_hlt_loop':
      return ok([], b.apHltLoop());
    case 'ap_jump_table':
      if (info1 === 0n) {
        b.apJumpTableSet(info2);
        return ok();
      }
      return ok([], b.apJumpTableGet());
    case 'psc':
      return psc(req, scratch!, b, page);
    case 'guest_request':
      return ok([], b.guestRequest(info1, info2));
    case 'ext_guest_request': {
      const r = b.extGuestRequest(info1, info2, get('rax'), get('rbx'));
      return ok([[F('rbx'), r.rbx]], r.exitInfo2);
    }
    case 'ap_creation':
      b.apCreation(Number(info1 & 0xffff_ffffn), Number(info1 >> 32n), info2);
      return ok();
    case 'hv_features':
      return ok([], b.features);
    case 'term_request':
    case 'unsupported_event':
      b.simple(ev.src.handler, info1, info2);
      return { kind: 'terminate' };
    case 'not_offered':
      // validate() rejects these while their feature bit is clear.
      throw new Error(`${ev.name}: no backend`);
  }
}

/**
 * SNP Page State Change. The descriptor was validated only for its header;
 * the entries up to end_entry must also lie inside the scratch bounds.
 */
function psc(req: Request, s: Scratch, b: Backend, page: Uint8Array): DispatchResult {
  // Outside the GHCB the whole largest descriptor was copied once; inside, the snapshot holds it.
  const PSC = req.t.psc;
  const end_ = req.t.page.sharedBuffer.end;
  const avail = s.inGhcb ? end_ - s.offset : PSC.descSize;
  const desc = s.inGhcb ? req.snap.slice(s.offset, end_) : s.data.slice();
  const dv = new DataView(desc.buffer, desc.byteOffset, desc.length);
  let cur = dv.getUint16(0, true);
  const end = dv.getUint16(2, true);
  if (end >= PSC.maxEntry || cur > end) return { kind: 'ok', outputs: [], exitInfo2: PSC.errInvalidHdr };
  const need = 8 + 8 * (end + 1);
  if (need > avail) {
    const at = s.gpa + BigInt(need);
    throw malformed('INVALID_SCRATCH_AREA', req.field('sw_scratch'), `page state change entries 0..${end} end at 0x${at.toString(16)}, past the ${s.inGhcb ? 'end of the GHCB shared buffer' : 'descriptor'} (${avail} bytes available)`);
  }
  let result = 0n;
  for (; cur <= end; cur++) {
    const e = dv.getBigUint64(8 + 8 * cur, true);
    const op = Number((e >> 52n) & 0xfn);
    const large = ((e >> 56n) & 1n) === 1n;
    const gfn = (e >> 12n) & 0xff_ffff_ffffn;
    const done = Number(e & 0xfffn);
    const pages = large ? 512 : 1;
    if ((op !== PSC.opPrivate && op !== PSC.opShared) || done > pages || (large && (gfn & 0x1ffn) !== 0n)) {
      result = PSC.errInvalidEntry;
      break;
    }
    if (done < pages) b.pageState(gfn, op, large);
    dv.setBigUint64(8 + 8 * cur, (e & ~0xfffn) | BigInt(pages), true);
  }
  dv.setUint16(0, cur, true);
  putScratch(page, s, 0, desc.subarray(0, need), b);
  return { kind: 'ok', outputs: [], exitInfo2: result };
}
