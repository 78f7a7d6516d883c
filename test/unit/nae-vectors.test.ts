// The regression vectors (test/vectors/nae/vectors.json): expected responses
// written from the GHCB specification, checked against the TypeScript model
// and the generated C validator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GHCB_VALID_BITMAP } from '../../generated/ts/ghcb-codec.ts';
import { MODEL_SEV_FEATURES, ModelBackend } from '../../lib/nae/backend.ts';
import { GhcbErr, handleVmgexit } from '../../lib/nae/hypervisor.ts';
import { buildHarness } from '../harness/build.ts';
import { HarnessProcess } from '../harness/process.ts';
import { loadRequest, naeHarnessModule, runRequest } from '../nae/kinds.ts';
import { fieldInfo, loadVectors, SHARED, vectorPage, vectorRun, type NaeVector } from '../nae/vectors.ts';

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const VERDICTS = ['no_action', 'exception', 'malformed', 'terminate'] as const;

/** Records the backend calls whose arguments the vectors pin down. */
class Recording extends ModelBackend {
  calls: string[][] = [];
  override mmioWrite(gpa: bigint, data: Uint8Array): void {
    this.calls.push(['mmio_write', hex(gpa), Buffer.from(data).toString('hex')]);
    super.mmioWrite(gpa, data);
  }
  override mmioRead(gpa: bigint, len: number): Uint8Array {
    this.calls.push(['mmio_read', hex(gpa), String(len)]);
    return super.mmioRead(gpa, len);
  }
  override ioIn(port: number, size: number): number {
    this.calls.push(['io_in', hex(port), String(size)]);
    return super.ioIn(port, size);
  }
  override ioOut(port: number, size: number, value: number): void {
    this.calls.push(['io_out', hex(port), String(size), hex(value)]);
    super.ioOut(port, size, value);
  }
  override cpuid(leaf: number, subleaf: number, xcr0: bigint, xss: bigint): [number, number, number, number] {
    this.calls.push(['cpuid', hex(leaf), hex(subleaf), hex(xcr0), hex(xss)]);
    return super.cpuid(leaf, subleaf, xcr0, xss);
  }
  override dr7Read(): bigint {
    this.calls.push(['dr7_read']);
    return super.dr7Read();
  }
  override dr7Write(value: bigint): void {
    this.calls.push(['dr7_write', hex(value)]);
    super.dr7Write(value);
  }
  override apCreation(op: number, apicId: number, vmsa: bigint): void {
    this.calls.push(['ap_creation', hex(op), hex(apicId), hex(vmsa)]);
    super.apCreation(op, apicId, vmsa);
  }
  override pageState(gfn: bigint, op: number, large: boolean): boolean {
    this.calls.push(['page_state', hex(gfn), String(op), large ? '1' : '0']);
    return super.pageState(gfn, op, large);
  }
}


/** What every vector's expectation says about a response page and verdict. */
function checkResponse(v: NaeVector, verdict: string, errorCode: number, fieldOffset: number | null, page: Uint8Array, request: Uint8Array): void {
  const e = v.expect;
  const dv = new DataView(page.buffer, page.byteOffset, 4096);
  expect(verdict, 'verdict').toBe(e.verdict);
  if (e.verdict === 'terminate') {
    expect(Buffer.from(page).equals(Buffer.from(request)), 'a terminate leaves the page untouched').toBe(true);
    return;
  }
  const info1 = fieldInfo('sw_exit_info_1');
  const info2 = fieldInfo('sw_exit_info_2');
  const isValid = (bit: number) => ((page[GHCB_VALID_BITMAP.offset + (bit >> 3)]! >> (bit & 7)) & 1) === 1;
  expect(isValid(info1.validBit!) && isValid(info2.validBit!), 'SW_EXITINFO1/2 marked valid').toBe(true);
  if (e.sw_exit_info_1 !== undefined) expect(hex(dv.getBigUint64(info1.offset, true)), 'sw_exit_info_1').toBe(e.sw_exit_info_1);
  if (e.sw_exit_info_2 !== undefined) expect(hex(dv.getBigUint64(info2.offset, true)), 'sw_exit_info_2').toBe(e.sw_exit_info_2);
  if (e.error !== undefined) {
    expect(errorCode, 'reason').toBe(GhcbErr[e.error as keyof typeof GhcbErr]);
    expect(hex(dv.getBigUint64(info2.offset, true)), 'reason in sw_exit_info_2').toBe(hex(GhcbErr[e.error as keyof typeof GhcbErr]));
  }
  if (e.field !== undefined) {
    expect(fieldOffset, 'offending field').toBe(e.field === null ? null : fieldInfo(e.field).offset);
  }
  if (e.output_valid !== undefined) {
    for (const name of ['rax', 'rbx', 'rcx', 'rdx']) expect(isValid(fieldInfo(name).validBit!), `${name} valid in the response`).toBe(e.output_valid.includes(name));
  }
  if (e.shared_buffer !== undefined) expect(Buffer.from(page.subarray(SHARED, SHARED + e.shared_buffer.length / 2)).toString('hex'), 'shared buffer').toBe(e.shared_buffer);
}

const vectors = loadVectors();

describe('NAE regression vectors: TypeScript model', () => {
  for (const v of vectors) {
    it(`${v.name} (${v.class})`, () => {
      const request = vectorPage(v);
      const page = request.slice();
      const b = new Recording();
      const r = vectorRun(v);
      if (v.race) b.racePage = page;
      const o = handleVmgexit(page, r.ghcbGpa, { snp: r.snp, sevFeatures: MODEL_SEV_FEATURES, ...(r.registered ? { registeredGpa: r.registeredGpa } : {}) }, b);
      // The racing guest's scribbles stay in the page: compare only what the hypervisor answers.
      checkResponse(v, o.verdict, o.violation ? GhcbErr[o.violation.code] : 0, o.violation?.offset ?? null, page, v.race ? page : request);
      if (v.expect.calls !== undefined) expect(b.calls).toEqual(v.expect.calls);
      if (v.expect.call_counts !== undefined) {
        for (const [k, n] of Object.entries(v.expect.call_counts)) expect(b.calls.filter((c) => c[0] === k).length, `${k} calls`).toBe(n);
      }
    });
  }
});

describe('NAE regression vectors: generated C', () => {
  let proc: HarnessProcess;
  beforeAll(async () => {
    proc = new HarnessProcess(await buildHarness([naeHarnessModule()]));
  }, 120_000);
  afterAll(async () => proc?.close());

  it('answers every vector as the specification requires', async () => {
    const reqs = vectors.flatMap((v, i) => [
      loadRequest(i, vectorPage(v)),
      runRequest({ slot: i, flags: vectorRun(v).flags, ghcbGpa: vectorRun(v).ghcbGpa, registeredGpa: vectorRun(v).registeredGpa, patches: [] }),
    ]);
    const res = await proc.run(reqs);
    vectors.forEach((v, i) => {
      const r = res[2 * i + 1]!;
      expect(r.status, v.name).toBe(0);
      const dv = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.length);
      const page = r.payload.slice(39);
      const field = dv.getUint16(5, true);
      try {
        checkResponse(v, VERDICTS[r.payload[0]!]!, dv.getUint32(1, true), field === 0xffff ? null : field, page, v.race ? page : vectorPage(v));
      } catch (e) {
        throw new Error(`vector ${v.name}: ${(e as Error).message}`);
      }
    });
  });
});
