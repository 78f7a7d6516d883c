// The compiled CLI carries the elaborated model as data (generators/snapshot.ts):
// the round trip must give back the same model, shared objects still shared.
import { describe, expect, it } from 'vitest';
import { projectModel } from '../../generators/model.ts';
import { fromSnapshot, modelFromSnapshot, snapshotOf } from '../../generators/snapshot.ts';

describe('model snapshot', () => {
  it('gives back the elaborated model, through JSON', () => {
    const model = projectModel();
    const back = modelFromSnapshot(JSON.parse(JSON.stringify(snapshotOf(model))));
    expect(back).toEqual(model);
    expect([...back.structs.keys()]).toEqual([...model.structs.keys()]);
  });

  it('keeps bigint (negative too), undefined, Map, Set and shared references', () => {
    const shared = { a: 1n };
    const value = { big: -0x1234567890abcdef1n, none: undefined, m: new Map([['k', shared]]), s: new Set([shared]), list: [shared, shared] };
    const back = fromSnapshot(JSON.parse(JSON.stringify(snapshotOf(value)))) as typeof value;
    expect(back).toEqual(value);
    expect('none' in back).toBe(true);
    expect(back.list[0]).toBe(back.list[1]);
    expect(back.m.get('k')).toBe(back.list[0]);
  });

  it('refuses what it cannot give back', () => {
    expect(() => snapshotOf({ f: () => 1 })).toThrow(/model\.f: a function/);
    expect(() => snapshotOf({ d: new Date(0) })).toThrow(/model\.d: not a plain object/);
    expect(() => snapshotOf({ x: NaN })).toThrow(/model\.x/);
  });
});
