// Writes the fuzzer's seed corpus: every regression vector and every
// scenario page, each prefixed with the flags byte test/fuzz/vmgexit-fuzz.c reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors, vectorPage } from '../nae/vectors.ts';
import { scenarios } from '../nae/scenarios.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: seeds.ts DIR');
mkdirSync(out, { recursive: true });
const seed = (name: string, flags: number, page: Uint8Array) => {
  const b = new Uint8Array(1 + page.length);
  b[0] = flags;
  b.set(page, 1);
  writeFileSync(join(out, name), b);
};
for (const v of loadVectors()) seed(`vector-${v.name}`, (v.guest === 'sev-snp' ? 1 : 0) | (v.race ? 2 : 0), vectorPage(v));
for (const s of scenarios()) seed(`scenario-${s.name}`, s.snp ? 1 : 0, s.page);
