// Each known cause in lib/explain/known-causes.json is checked against the
// issue thread it cites. The expectations below were written down from those
// threads (read through the search tool's issues corpus), not from the JSON:
// the code in the reported message, who answered, when, and the words the
// answer turns on. A cause moved to another code or thread, or rewritten to
// say something else, fails here.
import knownCauses from '../../lib/explain/known-causes.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';

interface Thread {
  /** The status code in the reported kernel/tool message. */
  code: number;
  /** A string of the reported message the entry's symptom must contain. */
  message: string;
  /** The answer the entry paraphrases: its author, date and standing. */
  answer: { who: string; date: string; kind: 'maintainer' | 'community' | 'reporter' };
  /** Words of that answer the paraphrase must keep (case-insensitive). */
  keeps: string[];
}

const THREADS: Record<string, Thread> = {
  // "SEV: failed to INIT error 0x13"; lilienbm: set SMEE to Enabled in the BIOS CBS options.
  'https://github.com/AMDESE/sev-tool/issues/43': { code: 0x13, message: 'failed to INIT error 0x13', answer: { who: 'lilienbm', date: '2021-08-30', kind: 'maintainer' }, keeps: ['SMEE', 'CBS'] },
  // SNP giving 0x13: iommu settings or bios settings; SNP_SUPPORT enabled.
  'https://github.com/AMDESE/AMDSEV/issues/85': { code: 0x13, message: '0x13', answer: { who: 'lilienbm', date: '2022-03-10', kind: 'maintainer' }, keeps: ['IOMMU', 'BIOS'] },
  // AMI BIOS: Advanced > AMD CBS > NBIO Common Options > "SEV-SNP Support", besides the CPU options.
  'https://github.com/AMDESE/AMDSEV/issues/271': { code: 0x3, message: 'failed to INIT error 0x3', answer: { who: 'RARelph', date: '2025-06-06', kind: 'maintainer' }, keeps: ['NBIO', 'SEV-SNP Support', 'AMI'] },
  // "SEV-SNP: failed to INIT error 0x3" then 0x1 on API 1.51; tlendacky: base firmware too old (1.23.23).
  'https://github.com/AMDESE/AMDSEV/issues/176': { code: 0x3, message: 'failed to INIT error 0x3', answer: { who: 'tlendacky', date: '2023-08-21', kind: 'maintainer' }, keeps: ['1.23.23', 'too old'] },
  // sevtool --pek_cert_import -> "Command Unsuccessful: 0x01"; lilienbm: 0x1 is INVALID_PLATFORM_STATE,
  // probably not an SEV-supported platform or no ccp kernel driver.
  'https://github.com/AMDESE/sev-tool/issues/39': { code: 0x1, message: '0x01', answer: { who: 'lilienbm', date: '2021-06-01', kind: 'maintainer' }, keeps: ['SEV', 'ccp'] },
  // The same message on an SEV platform; RARelph: pek_cert_import is only valid while the platform is self-owned.
  'https://github.com/AMDESE/sev-tool/issues/42': { code: 0x1, message: 'pek_cert_import', answer: { who: 'RARelph', date: '2021-08-19', kind: 'maintainer' }, keeps: ['self-owned', 'PLATFORM_STATUS'] },
  // "SEV: failed to INIT error 0xe"; Tan-YiFan: WBINVD_REQUIRED, suggests updating the SEV firmware.
  'https://github.com/AMDESE/AMDSEV/issues/202': { code: 0xe, message: 'failed to INIT error 0xe', answer: { who: 'Tan-YiFan', date: '2023-12-12', kind: 'community' }, keeps: ['WBINVD', 'firmware'] },
  // "SEV: failed to INIT error 0x8004"; the reporter solved it by updating the BIOS.
  'https://github.com/AMDESE/AMDSEV/issues/25': { code: 0x8004, message: 'failed to INIT error 0x8004', answer: { who: 'Bonjourz', date: '2019-03-26', kind: 'reporter' }, keeps: ['BIOS'] },
};

describe('known causes against the threads they cite', () => {
  it('every cause cites a thread listed here (add the thread\'s facts with a new cause)', () => {
    for (const c of knownCauses.causes) expect(Object.keys(THREADS), c.source.url).toContain(c.source.url);
  });

  it.each(knownCauses.causes.map((c) => [c.source.url, c] as const))('%s', (url, c) => {
    const t = THREADS[url]!;
    expect(c.code).toBe(t.code);
    expect(c.symptom).toContain(t.message);
    expect(c.source).toMatchObject(t.answer);
    for (const w of t.keeps) expect(c.cause.toLowerCase(), `${url}: cause keeps "${w}"`).toContain(w.toLowerCase());
  });
});
