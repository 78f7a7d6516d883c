// Writes the fuzzer's seed corpus: every regression vector and every
// scenario page, each prefixed with the flags byte test/fuzz/vmgexit-fuzz.c reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors, vectorPage, vectorRun } from '../nae/vectors.ts';
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
// Flags: 1 SNP, 2 racing guest, 4 GHCB registered, 0x20 registered elsewhere, 0x40 SEV features 0x1.
for (const v of loadVectors()) {
  const r = vectorRun(v);
  const flags = (r.snp ? 1 : 0) | (v.race ? 2 : 0) | (r.registered ? 4 : 0) | (r.registeredGpa !== r.ghcbGpa ? 0x20 : 0) | 0x40;
  seed(`vector-${v.name}`, flags, vectorPage(v));
}
for (const s of scenarios()) seed(`scenario-${s.name}`, (s.snp ? 1 : 0) | 4 | 0x40, s.page);
