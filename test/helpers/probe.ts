// Builds and runs the generated layout probe, and lists what the model says it must print.
import { execa } from 'execa';
import { join } from 'node:path';
import type { EModel } from '../../generators/elaborate/model.ts';
import { STRICT_FLAGS } from './cc.ts';

/** The facts the elaborated model states, in the probe's line format (an independent rendering of the model). */
export function expectedProbeLines(model: EModel): string[] {
  const out: string[] = [];
  const hex = (v: bigint) => v.toString(16);
  for (const s of model.structs.values()) {
    out.push(`S ${s.name} ${s.size} ${s.align}`);
    for (const f of s.fields) out.push(`F ${s.name} ${f.name} ${f.offset} ${f.size}`);
  }
  for (const g of model.groups.values()) for (const v of g.values) out.push(`C ${v.cName} ${hex(v.value)}`);
  for (const l of model.layouts.values()) {
    for (const b of l.bits) {
      if (b.reserved) continue;
      out.push(`C ${b.cName}_SHIFT ${hex(BigInt(b.lsb))}`, `C ${b.cName}_MASK ${hex(b.mask)}`);
    }
    if (l.reservedMask !== 0n) out.push(`C ${l.cPrefix}RESERVED_MASK ${hex(l.reservedMask)}`);
    if (l.mustBeOneMask !== 0n) out.push(`C ${l.cPrefix}MBO_MASK ${hex(l.mustBeOneMask)}`);
  }
  return out.sort();
}

export async function runProbe(cc: string, root: string): Promise<string[]> {
  const src = join(root, 'generated/c/test/layout-probe.c');
  const exe = join(root, `layout-probe-${cc}`);
  await execa(cc, [...STRICT_FLAGS, src, '-o', exe]);
  const { stdout } = await execa(exe);
  return stdout.split('\n').filter(Boolean).sort();
}
