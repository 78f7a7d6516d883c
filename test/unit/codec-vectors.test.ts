// Golden vectors (test/vectors/), written from the specification, decoded by
// the TypeScript codec and by the C codec through the harness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { decodeGhcb, encodeGhcb, GHCB_FIELDS, GHCB_SIZE, GhcbView } from '../../generated/ts/ghcb-codec.ts';
import { decodeGhcbMsr, encodeGhcbMsr, GHCB_MSR_MESSAGES } from '../../generated/ts/ghcb-msr-codec.ts';
import { buildHarness } from '../harness/build.ts';
import { crossCheck, crossCheckFrames, crossCheckStream, describeMismatch, type FrameReference, type Mismatch } from '../harness/crosstest.ts';
import { Frames } from '../harness/frames.ts';
import { GhcbReference, ghcbHarnessModule, Kind, KIND_NAMES, msrDecodeRequest, msrEncodeRequest, pageLoadRequest, VIEW_FIELDS, ViewOp, viewRequest, viewSlotRequest } from '../harness/ghcb-kinds.ts';
import { HarnessProcess, Status } from '../harness/process.ts';
import { msrVectors, pageVectors, vectorPage } from '../harness/vectors.ts';

const pages = pageVectors();
const msrs = msrVectors();
const INT_FIELDS = GHCB_FIELDS.filter((f) => f.type !== 'bytes' && !f.reserved);

/** Field values out of a canonical form (every field in order, integers as u64). */
function fromCanonical(canon: Uint8Array): Map<string, bigint> {
  const dv = new DataView(canon.buffer, canon.byteOffset, canon.length);
  const out = new Map<string, bigint>();
  let at = 0;
  for (const f of GHCB_FIELDS) {
    if (f.type === 'bytes') at += f.size;
    else {
      out.set(f.name, dv.getBigUint64(at, true));
      at += 8;
    }
  }
  return out;
}

function expectedValue(v: (typeof pages)[number], name: string): bigint {
  if (name === 'protocol_version') return BigInt(v.expect.protocol_version);
  if (name === 'ghcb_usage') return BigInt(v.expect.ghcb_usage);
  return BigInt(v.expect.fields[name] ?? 0);
}

describe('golden vectors: coverage', () => {
  it('has a page for every software-defined VMGEXIT code and for every hardware NAE event Linux sends', () => {
    const model = projectModel();
    const names = new Set(pages.map((p) => p.event));
    for (const v of model.groups.get('vmgexit_exit_code')!.values) expect(names, v.name).toContain(v.name);
    // The hardware exits a Linux #VC handler forwards (arch/x86/kernel/sev.c vc_handle_exitcode).
    for (const n of ['READ_DR7', 'WRITE_DR7', 'EXCP_AC', 'RDTSC', 'RDTSCP', 'RDPMC', 'INVD', 'CPUID', 'IOIO', 'MSR', 'VMMCALL', 'WBINVD', 'MONITOR', 'MWAIT']) {
      expect(names, n).toContain(n);
    }
  });

  it('has a value for every GHCB MSR protocol code in the schema', () => {
    const codes = new Set(msrs.map((m) => Number(m.code)));
    for (const m of GHCB_MSR_MESSAGES) expect(codes, m.layout).toContain(m.code);
  });

  it('names each exit code as the schema does', () => {
    const model = projectModel();
    const all = [...model.groups.get('svm_exit_code')!.values, ...model.groups.get('vmgexit_exit_code')!.values];
    for (const p of pages) {
      const code = BigInt(p.expect.fields.sw_exit_code!);
      expect(all.find((v) => v.value === code)?.name, p.id).toBe(p.expect.sw_exit_code_name);
    }
  });
});

describe.each(pages.map((p) => [p.id, p] as const))('page vector %s (TypeScript)', (_id, v) => {
  const page = vectorPage(v);

  it('decodes to the expected fields, and nothing else', () => {
    const d = decodeGhcb(page) as unknown as Record<string, unknown>;
    for (const f of INT_FIELDS) {
      const [a, b] = f.prop.split('.');
      const got = b === undefined ? d[a!] : (d[a!] as Record<string, unknown>)[b];
      expect(BigInt(got as bigint | number), f.name).toBe(expectedValue(v, f.name));
    }
    for (const [at, bytes] of v.expect.shared_buffer ?? []) {
      const b = Buffer.from(bytes.replace(/ /g, ''), 'hex');
      expect(Buffer.from((d.sharedBuffer as Uint8Array).subarray(Number(at), Number(at) + b.length)).equals(b)).toBe(true);
    }
  });

  it('has exactly the expected valid bits, seen the same way by every accessor', () => {
    const view = new GhcbView(page.slice());
    expect(view.validBits()).toEqual(v.expect.valid_bits);
    for (const f of INT_FIELDS.filter((x) => x.validBit !== null)) {
      const prop = f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      const isValid = (view as unknown as Record<string, () => boolean>)[`${prop}IsValid`]!.call(view);
      expect(isValid, f.name).toBe(v.expect.valid_bits.includes(f.validBit!));
    }
  });

  it('encodes back to the same bytes', () => {
    expect(Buffer.from(encodeGhcb(decodeGhcb(page))).equals(Buffer.from(page))).toBe(true);
  });
});

describe.each(msrs.map((m) => [m.id, m] as const))('MSR vector %s (TypeScript)', (_id, m) => {
  it('decodes to the expected message and fields', () => {
    const d = decodeGhcbMsr(BigInt(m.value));
    expect(d.message?.layout ?? null).toBe(m.layout);
    expect(d.code).toBe(Number(m.code));
    expect(Object.fromEntries(Object.entries(d.fields).map(([k, x]) => [k, `0x${x.toString(16)}`]))).toEqual(m.fields);
  });

  it.skipIf(m.layout === null)('encodes from its fields to the value', () => {
    const fields = Object.fromEntries(Object.entries(m.fields).map(([k, x]) => [k, BigInt(x)]));
    expect(encodeGhcbMsr(m.layout!, fields)).toBe(BigInt(m.value));
  });
});

describe('golden vectors through the C codec', () => {
  let proc: HarnessProcess;
  beforeAll(async () => {
    proc = new HarnessProcess(await buildHarness([ghcbHarnessModule()]));
  });
  afterAll(async () => {
    await proc?.close();
  });

  it('C decodes every page vector to the expected fields', async () => {
    const responses = await proc.run(pages.map((v) => ({ kind: Kind.GHCB_DECODE, payload: vectorPage(v) })));
    pages.forEach((v, i) => {
      expect(responses[i]!.status, v.id).toBe(Status.OK);
      const got = fromCanonical(responses[i]!.payload);
      for (const f of INT_FIELDS) expect(got.get(f.name), `${v.id} ${f.name}`).toBe(expectedValue(v, f.name));
    });
  });

  it('C sees exactly the expected valid bits', async () => {
    const ops = Array.from({ length: 128 }, (_, bit) => ({ op: ViewOp.IS_VALID, arg: bit, value: 0n }));
    const responses = await proc.run(pages.map((v) => viewRequest(vectorPage(v), ops)));
    pages.forEach((v, i) => {
      const r = responses[i]!;
      expect(r.status).toBe(Status.OK);
      const dv = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.length);
      const bits = ops.map((_, bit) => bit).filter((bit) => dv.getBigUint64(8 * bit, true) === 1n);
      expect(bits, v.id).toEqual(v.expect.valid_bits);
      expect(r.payload.length).toBe(8 * 128 + GHCB_SIZE);
    });
  });

  it('C decodes and encodes every MSR vector as expected', async () => {
    const requests = msrs.flatMap((m) => {
      const out = [msrDecodeRequest(BigInt(m.value))];
      if (m.layout !== null) out.push(msrEncodeRequest(m.layout, Object.values(m.fields).map((x) => BigInt(x))));
      return out;
    });
    const responses = await proc.run(requests);
    let i = 0;
    for (const m of msrs) {
      const d = responses[i++]!;
      expect(d.status).toBe(Status.OK);
      const dv = new DataView(d.payload.buffer, d.payload.byteOffset, d.payload.length);
      expect(dv.getUint16(0, true), m.id).toBe(Number(m.code));
      expect(d.payload[2], m.id).toBe(m.layout === null ? 0 : 1);
      const nameLen = d.payload[3]!;
      expect(Buffer.from(d.payload.subarray(4, 4 + nameLen)).toString(), m.id).toBe(m.layout ?? '');
      const n = d.payload[4 + nameLen]!;
      const values = Array.from({ length: n }, (_, k) => `0x${dv.getBigUint64(5 + nameLen + 8 * k, true).toString(16)}`);
      expect(values, m.id).toEqual(Object.values(m.fields));
      if (m.layout !== null) {
        const e = responses[i++]!;
        expect(e.status, m.id).toBe(Status.OK);
        expect(new DataView(e.payload.buffer, e.payload.byteOffset, 8).getBigUint64(0, true), m.id).toBe(BigInt(m.value));
      }
    }
  });

  it('TypeScript and C agree on every vector, byte for byte', async () => {
    const ref = new GhcbReference();
    const requests = [
      ...pages.map((v) => ({ kind: Kind.GHCB_DECODE, payload: vectorPage(v) })),
      ...msrs.map((m) => msrDecodeRequest(BigInt(m.value))),
    ];
    const mismatches = await crossCheck(proc, requests, ref.answer);
    expect(mismatches.map((m) => describeMismatch(m, KIND_NAMES))).toEqual([]);
  });

  it('reports a disagreement with a replayable dump (the comparison can fail)', async () => {
    const ref = new GhcbReference();
    const wrong = (r: Parameters<typeof ref.answer>[0]) => {
      const a = ref.answer(r)!;
      const payload = a.payload.slice();
      payload[8]! ^= 1;
      return { status: a.status, payload };
    };
    const mismatches = await crossCheck(proc, [{ kind: Kind.GHCB_DECODE, payload: vectorPage(pages[0]!) }], wrong);
    expect(mismatches).toHaveLength(1);
    const report = describeMismatch(mismatches[0]!, KIND_NAMES);
    expect(report).toContain('ghcb-decode request #0');
    expect(report).toContain('first difference at byte 0x8');
    expect(report).toContain('00000390  27 00 00 00');
  });

  it('the streamed cross-check finds a disagreement in the batch it is in', async () => {
    const ref = new GhcbReference();
    const page = vectorPage(pages[0]!);
    // The TypeScript side answers the second batch wrongly; the C side is right throughout.
    let batch = 0;
    const seen: Mismatch[][] = [];
    const wrongInSecond = (r: Parameters<typeof ref.answer>[0]) => {
      const a = ref.answer(r)!;
      if (seen.length !== 1) return a;
      const payload = a.payload.slice();
      payload[8]! ^= 1;
      return { status: a.status, payload };
    };
    await crossCheckStream(
      proc,
      () => (batch++ < 4 ? [{ kind: Kind.GHCB_DECODE, payload: page }, { kind: Kind.GHCB_DECODE, payload: page }] : null),
      wrongInSecond,
      (_requests, mismatches) => seen.push(mismatches),
      2,
    );
    expect(seen.map((m) => m.length)).toEqual([0, 2, 0, 0]);
    expect(describeMismatch(seen[1]![0]!, KIND_NAMES)).toContain('first difference at byte 0x8');
  });

  it('the framed cross-check (whole batches compared at once) finds a disagreement and names its request', async () => {
    const ref = new GhcbReference();
    const page = vectorPage(pages[0]!);
    // A reference that answers right except for one byte of the second decode of the third batch.
    let batch = -1;
    let decodes = 0;
    const wrong: FrameReference = {
      answerInto(kind, payload, out) {
        const at = out.len;
        if (!ref.answerInto(kind, payload, out)) return false;
        if (kind === Kind.GHCB_DECODE && batch === 2 && ++decodes === 2) out.buf[at + 8 + 8]! ^= 1;
        return true;
      },
    };
    const seen: Mismatch[][] = [];
    await crossCheckFrames(
      proc,
      (into: Frames) => {
        if (++batch >= 5) return null;
        const requests = [
          msrDecodeRequest(0x1n),
          { kind: Kind.GHCB_DECODE, payload: page },
          msrDecodeRequest(0x5n),
          { kind: Kind.GHCB_DECODE, payload: page },
        ];
        for (const r of requests) {
          const at = into.begin(r.kind);
          into.bytes(r.payload);
          into.end(at);
        }
        return requests.length;
      },
      wrong,
      (_batch, mismatches) => seen.push(mismatches),
      2,
    );
    expect(seen.map((m) => m.length)).toEqual([0, 0, 1, 0, 0]);
    const m = seen[2]![0]!;
    expect(m.index).toBe(3);
    expect(m.request.kind).toBe(Kind.GHCB_DECODE);
    const report = describeMismatch(m, KIND_NAMES);
    expect(report).toContain('ghcb-decode request #3');
    expect(report).toContain('first difference at byte 0x8');
    expect(report).toContain('00000390  27 00 00 00');
  });

  it('a view of a stored page reports a write outside the fields its ops name (whole-page diff)', async () => {
    // As if the TypeScript view also wrote a byte of the shared buffer: the
    // answer lists it, so the C side (which did not) disagrees.
    const stray = new GhcbReference((page) => {
      page[0x900] = page[0x900]! ^ 0xff;
    });
    const page = vectorPage(pages[0]!);
    const rax = VIEW_FIELDS.findIndex((f) => f.name === 'rax');
    const requests = [pageLoadRequest(7, page), viewSlotRequest(7, [{ offset: 0x10, byte: 0xaa }], [{ op: ViewOp.WRITE, arg: rax, value: 0x1234n }])];
    const good = await crossCheck(proc, requests, new GhcbReference().answer);
    expect(good).toEqual([]);
    const bad = await crossCheck(proc, requests, stray.answer);
    expect(bad).toHaveLength(1);
    const a = bad[0]!.expected.payload;
    const offsets = Array.from({ length: a[0]! | (a[1]! << 8) }, (_, i) => a[2 + 3 * i]! | (a[3 + 3 * i]! << 8));
    expect(offsets).toContain(0x900);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
  });
});
