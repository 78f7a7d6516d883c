// What `xen-sev explain` says a status code means is the product, so each
// description is held to the meaning of the code's name in the AMD status
// tables (55766 "Status Codes", 56860 "Status Codes"; the names as Linux
// spells them in sev_ret_code). The words below were chosen from those names
// and meanings, as data: a description moved to another code, or replaced by
// text about something else, fails.
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { explain, renderExplanation } from '../../lib/explain/explain.ts';

/** code -> words (regular expressions, case-insensitive) the description must contain. */
const MEANING: Record<number, RegExp[]> = {
  0x00: [/complete/],
  0x01: [/platform/, /state/],
  0x02: [/guest/, /state/],
  0x03: [/config/],
  0x04: [/length|too small/],
  0x05: [/owner/],
  0x06: [/certificate/],
  0x07: [/policy/],
  0x08: [/not activ/],
  0x09: [/address/],
  0x0a: [/signature/],
  0x0b: [/measurement/],
  0x0c: [/ASID/, /bound|owned/],
  0x0d: [/ASID/, /range|unusable|invalid/],
  0x0e: [/written back|WBINVD/, /invalidat/],
  0x0f: [/DF_FLUSH/],
  0x10: [/guest/, /handle|context/],
  0x11: [/command/],
  0x12: [/still active/],
  0x13: [/hardware error/],
  0x14: [/hardware error/, /unsafe/],
  0x15: [/not supported/],
  0x16: [/parameter/],
  0x17: [/resource/],
  0x18: [/integrity|secure data/],
  0x19: [/page size/],
  0x1a: [/page state/],
  0x1b: [/metadata/],
  0x1c: [/owne/],
  0x1d: [/AEAD|overflow/],
  0x1f: [/ring.buffer/],
  0x20: [/RMP/, /initiali/],
  0x21: [/SVN/],
  0x22: [/version|roll back/],
  0x23: [/SHUTDOWN/],
  0x24: [/update|updating/],
  0x25: [/reinstall|restore/],
  0x26: [/RMP/, /failed/],
  0x27: [/key/],
};

describe('explain: what each SNP status code is said to mean', () => {
  const model = projectModel();
  it.each(Object.entries(MEANING).map(([c, w]) => [`0x${Number(c).toString(16)}`, Number(c), w] as const))('%s', (_, code, words) => {
    const e = explain(model, code, 'snp');
    const text = renderExplanation(e);
    expect(e.meanings.length, `0x${code.toString(16)} is defined`).toBe(1);
    for (const w of words) expect(e.meanings[0]!.description, `${e.meanings[0]!.name}: ${w}`).toMatch(new RegExp(w.source, 'i'));
    // The rendered text carries the same description.
    expect(text).toContain(e.meanings[0]!.description);
  });
});
