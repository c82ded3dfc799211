// Built-in scenarios, generated from a seeded PRNG so every run is the same.
import { SimParams } from './page-pool';
import { Trace, TraceOp } from './trace';

/** mulberry32: small, fast, good enough to vary burst sizes reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Scenario {
  name: string;
  summary: string;
  build(params: SimParams, rounds: number, seed: number): Trace;
}

const napiRounds = (rounds: number, seed: number, direct: boolean, budget = 64): TraceOp[] => {
  const r = prng(seed);
  const ops: TraceOp[] = [];
  for (let i = 0; i < rounds; i++) {
    const n = 1 + Math.floor(r() * budget); // a NAPI poll's worth of packets
    ops.push({ alloc: n }, { put: n, direct }, { time: 0.05 });
  }
  return ops;
};

export const SCENARIOS: Scenario[] = [
  {
    name: 'steady-rx',
    summary: 'steady RX: each NAPI poll refills the RX ring and the stack frees the skbs in the same NAPI context (direct recycling)',
    build: (p, rounds, seed) => ({ pool: { pool_size: p.pool_size }, ops: napiRounds(rounds, seed, true) }),
  },
  {
    name: 'remote-free',
    summary: 'RX whose skbs are freed on another CPU: every page comes back through the ptr_ring',
    build: (p, rounds, seed) => ({ pool: { pool_size: p.pool_size }, ops: napiRounds(rounds, seed, false) }),
  },
  {
    name: 'burst',
    summary: 'a burst of twice the ring size held by the stack, then returned at once from another CPU (ring_full)',
    build: (p, rounds) => {
      const ops: TraceOp[] = [];
      const burst = 2 * p.pool_size;
      for (let i = 0; i < Math.max(1, Math.floor(rounds / 64)); i++) ops.push({ alloc: burst }, { put: burst, direct: false }, { time: 1 });
      return { pool: { pool_size: p.pool_size }, ops };
    },
  },
  {
    name: 'frag-2k',
    summary: '2 KB fragments: two users share each 4 KB page through pp_ref_count; the last put recycles',
    build: (p, rounds, seed) => {
      const r = prng(seed);
      const ops: TraceOp[] = [];
      for (let i = 0; i < rounds; i++) {
        const n = 2 * (1 + Math.floor(r() * 32));
        ops.push({ alloc_frag: n, size: 2048 }, { put: n, direct: true }, { time: 0.05 });
      }
      return { pool: { pool_size: p.pool_size }, ops };
    },
  },
  {
    name: 'devmem-slow-tokens',
    summary: 'devmem: a 4 MiB dmabuf binding; the user returns tokens (SO_DEVMEM_DONTNEED) late and only half as fast as it receives, so the pool starves',
    build: (p, rounds, seed) => {
      const r = prng(seed);
      const ops: TraceOp[] = [{ bind: 4 << 20 }];
      let held = 0;
      for (let i = 0; i < rounds; i++) {
        const n = 1 + Math.floor(r() * 32);
        ops.push({ alloc: n });
        held += n;
        if (i % 2 === 1 && held > 0) { const back = Math.min(held, n); ops.push({ token_return: back }); held -= back; }
        ops.push({ time: 0.05 });
      }
      return { pool: { pool_size: p.pool_size }, ops };
    },
  },
  {
    name: 'destroy-inflight',
    summary: 'page_pool_destroy() with pages still held by sockets: the release is deferred until the last one comes back',
    build: (p, rounds, seed) => {
      const ops: TraceOp[] = napiRounds(Math.max(1, Math.floor(rounds / 2)), seed, true);
      ops.push({ alloc: 200 }, { put: 50, direct: false }, { destroy: true }, { time: 1000 }, { put: 150, direct: false });
      return { pool: { pool_size: p.pool_size }, ops };
    },
  },
];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
