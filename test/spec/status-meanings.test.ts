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
  0x05: [/owne/],
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
  0x14: [/hardware error/, /unsafe|not safe/],
  0x15: [/not supported/],
  0x16: [/parameter/],
  0x17: [/resource/],
  0x18: [/integrity|secure data/],
  0x19: [/page size/],
  0x1a: [/page state|state of a page/],
  0x1b: [/metadata/],
  0x1c: [/owne/],
  0x1d: [/AEAD|overflow/],
  0x1f: [/ring.buffer/],
  0x20: [/RMP/, /initiali/],
  0x21: [/SVN|security version/],
  0x22: [/version|roll back/],
  0x23: [/SHUTDOWN/],
  0x24: [/update|updating/],
  0x25: [/reinstall|restore/],
  0x26: [/RMP/, /failed/],
  0x27: [/key/],
};

describe('explain: what each status code is said to mean', () => {
  const model = projectModel();
  const cases = Object.entries(MEANING).flatMap(([c, w]) => (['snp', 'sev'] as const).map((api) => [`${api} 0x${Number(c).toString(16)}`, api, Number(c), w] as const));
  it.each(cases)('%s', (_, api, code, words) => {
    const e = explain(model, code, api);
    // Every code here is in the SNP table; the SEV API table lacks the SNP-only ones.
    if (api === 'sev' && e.meanings.length === 0) return;
    const text = renderExplanation(e);
    expect(e.meanings.length, `${api} 0x${code.toString(16)} is defined`).toBe(1);
    for (const w of words) expect(e.meanings[0]!.description, `${e.meanings[0]!.name}: ${w}`).toMatch(new RegExp(w.source, 'i'));
    // The rendered text carries the same description.
    expect(text).toContain(e.meanings[0]!.description);
  });

  it('the SEV API table defines the codes it shares with the SNP ABI (0x00..0x18)', () => {
    for (let code = 0; code <= 0x18; code++) expect(explain(model, code, 'sev').meanings, `0x${code.toString(16)}`).toHaveLength(1);
  });
});
