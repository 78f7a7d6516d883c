// The elaborated model as data: a JSON-safe form that keeps what JSON drops
// (bigint, undefined, Map, Set) and shared references, and its inverse. The
// compiled CLI carries the model elaborated at build time in this form
// (scripts/build-cli.mjs, generators/model-compiled.ts), so a command that
// only reads the model starts without zod and without elaborating the schema.
import type { EModel } from './elaborate/model.ts';

type Enc = string | number | boolean | null | Enc[];
type Node = ['o', Record<string, Enc>] | ['a', Enc[]] | ['m', [Enc, Enc][]] | ['s', Enc[]];

export interface Snapshot {
  root: Enc;
  nodes: Node[];
}

/** Encodes `value`; plain objects, arrays, Maps and Sets only (anything else is a bug here, not data). */
export function snapshotOf(value: unknown): Snapshot {
  const nodes: Node[] = [];
  const ids = new Map<object, number>();
  const enc = (v: unknown, path: string): Enc => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) throw new Error(`snapshot: ${path}: ${String(v)} has no JSON form`);
        return v;
      case 'bigint':
        return ['b', v < 0n ? `-${(-v).toString(16)}` : v.toString(16)];
      case 'undefined':
        return ['u'];
      case 'object': {
        if (v === null) return null;
        const seen = ids.get(v);
        if (seen !== undefined) return ['r', seen];
        const id = nodes.length;
        ids.set(v, id);
        nodes.push(['a', []]);
        if (Array.isArray(v)) nodes[id] = ['a', v.map((x, i) => enc(x, `${path}[${i}]`))];
        else if (v instanceof Map) nodes[id] = ['m', [...v].map(([k, x]): [Enc, Enc] => [enc(k, `${path} key`), enc(x, `${path}.get(${String(k)})`)])];
        else if (v instanceof Set) nodes[id] = ['s', [...v].map((x) => enc(x, `${path} member`))];
        else {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) throw new Error(`snapshot: ${path}: not a plain object`);
          const o: Record<string, Enc> = {};
          for (const [k, x] of Object.entries(v)) o[k] = enc(x, `${path}.${k}`);
          nodes[id] = ['o', o];
        }
        return ['r', id];
      }
      default:
        throw new Error(`snapshot: ${path}: a ${typeof v} has no JSON form`);
    }
  };
  const root = enc(value, 'model');
  return { root, nodes };
}

/**
 * The value a snapshot describes, shared references shared again. Plain
 * index loops: this runs at every CLI start, and the iterator-and-destructuring
 * form of the same took ten times as long.
 */
export function fromSnapshot(s: Snapshot): unknown {
  const nodes = s.nodes;
  const made: unknown[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const tag = nodes[i]![0];
    made[i] = tag === 'o' ? {} : tag === 'a' ? [] : tag === 'm' ? new Map() : new Set();
  }
  const dec = (e: Enc): unknown => {
    if (typeof e !== 'object' || e === null) return e;
    if (e[0] === 'r') return made[e[1] as number];
    if (e[0] === 'b') {
      const h = e[1] as string;
      return h.charCodeAt(0) === 45 /* - */ ? -BigInt(`0x${h.slice(1)}`) : BigInt(`0x${h}`);
    }
    return undefined;
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const into = made[i];
    if (n[0] === 'o') {
      const v = n[1];
      for (const k in v) (into as Record<string, unknown>)[k] = dec(v[k]!);
    } else if (n[0] === 'a') {
      const v = n[1];
      for (let j = 0; j < v.length; j++) (into as unknown[]).push(dec(v[j]!));
    } else if (n[0] === 'm') {
      const v = n[1];
      for (let j = 0; j < v.length; j++) (into as Map<unknown, unknown>).set(dec(v[j]![0]), dec(v[j]![1]));
    } else {
      const v = n[1];
      for (let j = 0; j < v.length; j++) (into as Set<unknown>).add(dec(v[j]!));
    }
  }
  return dec(s.root);
}

export function modelFromSnapshot(s: Snapshot): EModel {
  return fromSnapshot(s) as EModel;
}
