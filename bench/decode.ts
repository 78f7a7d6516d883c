// decode_vs_binary_parser: full decodes per second of decodeGhcb against
// binary-parser (npm) decoding the same layout, built from the same field table.
import { createRequire } from 'node:module';
// binary-parser's package.json exports hide its typings from NodeNext resolution; take them from the file itself.
import type { Parser as ParserType } from '../node_modules/binary-parser/dist/binary_parser.js';
import { decodeGhcb, GHCB_FIELDS, GHCB_SIZE } from '../generated/ts/ghcb-codec.ts';
import { benchPages, PAGES } from './view-read.ts';
import { keep, rate } from './measure.ts';

/** struct ghcb for binary-parser: the save area nested, integers little endian, byte arrays as buffers. */
const { Parser } = createRequire(import.meta.url)('binary-parser') as { Parser: typeof ParserType };
type Parser = ParserType;

function ghcbParser(): Parser {
  const add = (p: Parser, f: (typeof GHCB_FIELDS)[number]): Parser => {
    const name = f.name;
    switch (f.type) {
      case 'u8':
        return p.uint8(name);
      case 'u16':
        return p.uint16le(name);
      case 'u32':
        return p.uint32le(name);
      case 'u64':
        return p.uint64le(name);
      default:
        return p.buffer(name, { length: f.size });
    }
  };
  let save = new Parser();
  for (const f of GHCB_FIELDS.filter((x) => x.path.startsWith('save.'))) save = add(save, f);
  let page = new Parser().nest('save', { type: save });
  for (const f of GHCB_FIELDS.filter((x) => !x.path.startsWith('save.'))) page = add(page, f);
  return page;
}

export interface DecodeResult {
  oursPerS: number;
  binaryParserPerS: number;
}

export function decode(): DecodeResult {
  const all = benchPages();
  const pages = Array.from({ length: PAGES }, (_, i) => all.subarray(i * GHCB_SIZE, (i + 1) * GHCB_SIZE));
  const buffers = pages.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length));
  const parser = ghcbParser();
  // Same answer first: the comparison is only fair if both decode the same fields.
  const a = decodeGhcb(pages[3]!);
  const b = parser.parse(buffers[3]!) as { save: { rax: bigint }; ghcb_usage: number };
  if (a.save.rax !== b.save.rax || a.ghcbUsage !== b.ghcb_usage) throw new Error('binary-parser and decodeGhcb disagree');
  const ours = rate(() => {
    for (let i = 0; i < PAGES; i++) keep(decodeGhcb(pages[i]!));
    return PAGES;
  });
  const theirs = rate(() => {
    for (let i = 0; i < PAGES; i++) keep(parser.parse(buffers[i]!));
    return PAGES;
  });
  return { oursPerS: ours, binaryParserPerS: theirs };
}
