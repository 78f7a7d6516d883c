// Timing helpers: run a body until a minimum time has passed, several times, keep the best rate.
export function rate(body: () => number, minMs = 300, repeats = 3): number {
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    let ops = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      ops += body();
      t = performance.now();
    } while (t - t0 < minMs);
    best = Math.max(best, (ops * 1000) / (t - t0));
  }
  return best;
}

/** Keeps results alive so the JIT cannot drop the work. */
export let sink: unknown = 0;
export function keep(v: unknown): void {
  sink = v;
}
