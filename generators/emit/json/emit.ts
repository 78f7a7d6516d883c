// JSON exports of the elaborated model for other tools and later stages.
import type { EModel } from '../../elaborate/model.ts';
import { citation, hex, type OutputFile } from '../common.ts';

/** JSON has exact integers only up to 2^53; larger values travel as "0x…" strings. */
function jsonInt(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : hex(v);
}

function layouts(model: EModel) {
  return {
    generator: 'generators/emit/json',
    structs: model.modules.flatMap((m) =>
      m.structs.map((s) => ({
        name: s.name,
        module: m.name,
        size: s.size,
        align: s.align,
        packed: s.packed,
        spec: citation(s.spec),
        linux: s.linux,
        fields: s.fields.map((f) => ({
          name: f.name,
          offset: f.offset,
          size: f.size,
          type: f.typeText,
          reserved: f.reserved,
          valid_bit: f.validBit,
          layout: f.layout,
          enum: f.enum,
          spec: citation(f.spec),
          linux: f.linux,
        })),
      })),
    ),
    bitLayouts: model.modules.flatMap((m) =>
      m.layouts.map((l) => ({
        name: l.name,
        module: m.name,
        width: l.width,
        location: l.location,
        spec: citation(l.spec),
        linux: l.linux,
        reserved_mask: hex(l.reservedMask),
        bits: l.bits.map((b) => ({
          name: b.name,
          c_name: b.reserved ? null : b.cName,
          lsb: b.lsb,
          msb: b.msb,
          mask: hex(b.mask),
          reserved: b.reserved,
          must_be_one: b.mustBeOne,
          enum: b.enum,
          spec: citation(b.spec),
          linux: b.linux,
        })),
      })),
    ),
  };
}

function constants(model: EModel) {
  return {
    generator: 'generators/emit/json',
    groups: model.modules.flatMap((m) =>
      m.groups.map((g) => ({
        name: g.name,
        module: m.name,
        kind: g.kind,
        spec: citation(g.spec),
        linux: g.linux,
        values: g.values.map((v) => ({
          name: v.name,
          c_name: v.cName,
          value: jsonInt(v.value),
          description: v.description,
          spec: citation(v.spec),
          linux: v.linux,
        })),
      })),
    ),
  };
}

export function emitJson(model: EModel): OutputFile[] {
  const json = (o: unknown) => `${JSON.stringify(o, null, 1)}\n`;
  return [
    { path: 'generated/json/layouts.json', contents: json(layouts(model)) },
    { path: 'generated/json/constants.json', contents: json(constants(model)) },
  ];
}
