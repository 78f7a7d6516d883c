// A C program that prints the compiled layout of every generated struct and
// the value of every generated macro (the PeakRDL-style layout test).
import { template as compiled } from '../template.ts';
import type { EModel } from '../../elaborate/model.ts';
import { bannerLines, type OutputFile } from '../common.ts';

const template = compiled('c-probe/probe.c.hbs');

export function emitLayoutProbe(model: EModel): OutputFile[] {
  const lines: string[] = [];
  for (const m of model.modules) {
    for (const s of m.structs) {
      lines.push(`S(${s.name});`);
      for (const f of s.fields) lines.push(`F(${s.name}, ${f.name});`);
    }
    for (const g of m.groups) for (const v of g.values) lines.push(`C(${v.cName});`);
    for (const l of m.layouts) {
      for (const b of l.bits) {
        if (b.reserved) continue;
        lines.push(`C(${b.cName}_SHIFT);`, `C(${b.cName}_MASK);`);
      }
      if (l.reservedMask !== 0n) lines.push(`C(${l.cPrefix}RESERVED_MASK);`);
      if (l.mustBeOneMask !== 0n) lines.push(`C(${l.cPrefix}MBO_MASK);`);
    }
  }
  const contents = template({
    banner: bannerLines('generators/emit/c-probe', 'the whole schema'),
    headers: model.modules.map((m) => m.header),
    lines,
  });
  return [{ path: 'generated/c/test/layout-probe.c', contents }];
}
