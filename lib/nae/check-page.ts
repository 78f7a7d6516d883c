// `ghcb validate`: the hypervisor's checks applied to a dumped request page,
// reporting every violation found rather than stopping at the first (the
// VMGEXIT handler itself answers with the first one only).
import { GHCB_SIZE } from '../../generated/ts/ghcb-codec.ts';
import { checkScratch, malformed, Malformed, Request, scratchLength, validate, type GuestInfo, type Violation } from './hypervisor.ts';
import { holds, naeTables, type ENaeEvent } from './table.ts';
import { MODEL_FEATURES } from './backend.ts';

export interface PageCheck {
  ok: boolean;
  event: ENaeEvent | null;
  violations: Violation[];
  /** Checks that could not be made (e.g. scratch bounds without the page's GPA). */
  unchecked: string[];
}

function attempt(out: Violation[], f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    out.push(e.v);
    return false;
  }
}

export function checkPage(page: Uint8Array, ghcbGpa: bigint | null, guest: GuestInfo, features = MODEL_FEATURES): PageCheck {
  if (page.length !== GHCB_SIZE) throw new RangeError(`a GHCB page is ${GHCB_SIZE} bytes, got ${page.length}`);
  const t = naeTables();
  // Copies: a Buffer's slice() shares its memory, and the checks below write to their page.
  const req = new Request(new Uint8Array(page), t);
  const violations: Violation[] = [];
  const unchecked: string[] = [];
  // Header checks, each on its own (validate() stops at the first).
  const v = req.view;
  if (v.ghcbUsage !== 0) violations.push({ code: 'INVALID_USAGE', field: 'ghcb_usage', offset: t.page.ghcbUsage, message: `ghcb_usage is ${v.ghcbUsage}; only 0 (standard format) is supported` });
  const min = guest.snp ? t.policy.snpMinVersion : t.policy.minVersion;
  if (v.protocolVersion < min || v.protocolVersion > t.policy.maxVersion) {
    violations.push({ code: 'INVALID_INPUT', field: 'protocol_version', offset: t.page.protocolVersion, message: `protocol_version ${v.protocolVersion} is outside ${min}..${t.policy.maxVersion}` });
  }
  for (const name of ['sw_exit_code', 'sw_exit_info_1', 'sw_exit_info_2'] as const) {
    const f = req.field(name);
    if (!req.valid(f)) violations.push({ code: 'MISSING_INPUT', field: name, offset: f.offset, message: `${name} is not marked valid (valid bit ${f.validBit})` });
  }
  // The event and its inputs: run validate() on a copy with the header fixed up, collecting one finding at a time.
  const fixed = new Uint8Array(page);
  const fv = new Request(fixed, t).view;
  fv.ghcbUsage = 0;
  fv.protocolVersion = Math.min(Math.max(fv.protocolVersion, min), t.policy.maxVersion);
  for (const bit of [req.field('sw_exit_code').validBit, req.field('sw_exit_info_1').validBit, req.field('sw_exit_info_2').validBit]) fv.setValid(bit);
  let ev: ENaeEvent | null = null;
  for (let guard = 0; guard < 64; guard++) {
    const fr = new Request(fixed, t);
    let found: Violation | null = null;
    try {
      ev = validate(fr, ghcbGpa, guest, features);
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
      found = e.v;
    }
    if (found === null) break;
    violations.push(found);
    if (found.code === 'INVALID_INPUT') {
      // A value rule failed after the event and its inputs were accepted: the scratch checks below still apply.
      ev = t.byCode.get(fr.get(fr.field('sw_exit_code'))) ?? null;
      if (ev?.rules.includes('ioio_operand_size') && found.offset === fr.field('sw_exit_info_1').offset) ev = null;
      break;
    }
    if (found.code !== 'MISSING_INPUT' || found.offset === null) break;
    // Pretend the missing input was supplied to find the next one.
    const f = [...t.fields.values()].find((x) => x.offset === found!.offset);
    if (!f) break;
    fv.setValid(f.validBit);
  }
  if (ev !== null && ev.scratch) {
    const fr = new Request(fixed, t);
    const s = ev.scratch;
    if (!s.whenE || holds(s.whenE, fr.dv.getBigUint64(s.whenE.offset, true))) {
      if (ghcbGpa === null) {
        attempt(violations, () => checkScratch(fr, scratchLength(fr, ev!), null));
        unchecked.push('scratch area bounds (the page\'s guest-physical address was not given: --gpa)');
      } else {
        attempt(violations, () => {
          const where = checkScratch(fr, scratchLength(fr, ev!), ghcbGpa)!;
          if (s.kind === 'psc') checkPsc(fr, where.inGhcb ? Number(fr.get(fr.field('sw_scratch')) - ghcbGpa) : null, violations, unchecked);
        });
      }
    }
  }
  const unique = violations.filter((x, i) => violations.findIndex((y) => y.code === x.code && y.offset === x.offset && y.message === x.message) === i);
  return { ok: unique.length === 0, event: ev, violations: unique, unchecked };
}

function checkPsc(req: Request, offset: number | null, out: Violation[], unchecked: string[]): void {
  if (offset === null) {
    unchecked.push('page state change entries (the descriptor is outside the GHCB page)');
    return;
  }
  const dv = req.dv;
  const PSC = req.t.psc;
  const SHARED_BUF = req.t.page.sharedBuffer;
  const cur = dv.getUint16(offset, true);
  const end = dv.getUint16(offset + 2, true);
  const hdr = { name: 'psc_hdr', offset };
  if (end >= PSC.maxEntry || cur > end) {
    out.push({ code: 'INVALID_INPUT', field: hdr.name, offset, message: `page state change header cur_entry ${cur}, end_entry ${end}: needs cur_entry <= end_entry < ${PSC.maxEntry} (the hypervisor answers VMGEXIT_PSC_ERROR_INVALID_HDR)` });
    return;
  }
  const need = 8 + 8 * (end + 1);
  if (offset + need > SHARED_BUF.end) {
    throw malformed('INVALID_SCRATCH_AREA', req.field('sw_scratch'), `page state change entries 0..${end} need ${need} bytes from offset 0x${offset.toString(16)}, past the end of the shared buffer (0x${SHARED_BUF.end.toString(16)}); the descriptor holds at most ${PSC.descSize} bytes`);
  }
}
