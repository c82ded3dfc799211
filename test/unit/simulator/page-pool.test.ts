import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PagePoolModel } from '../../../src/engine/simulator/page-pool';
import { runTrace, validateTrace, TraceError } from '../../../src/engine/simulator/trace';
import { SCENARIOS, prng } from '../../../src/engine/simulator/scenarios';
import { simParamsFromTree } from '../../../src/engine/simulator/params';

test('the issue\'s example trace, derived by hand from page_pool.c', () => {
  // pool_size 256, order 0, cache 128 / refill 64.
  // alloc 200: cache empty, ring empty → "empty"; slow path bulk-allocates 64 into the cache
  //   and hands one out ("slow"); 63 fast; empty again → +1 empty, +1 slow, 63 fast; and so on:
  //   200 = 4 slow paths (4 × 64 = 256 pages held) + 196 fast. 56 pages stay in the cache.
  // put 200 direct: cache has 56, room for 72 → 72 "cached", then 128 "cache_full" → ring
  //   (256 slots) takes all 128 ("ring").
  // alloc 300: 128 fast from the cache; then cache empty, ring has 128 → refill moves 64 (once),
  //   hands one; 63 fast; refill again 64, one out, 63 fast: 128 + 2 refills + 126 fast = 256 served;
  //   44 more: ring empty → "empty", slow (64 new pages, hold 320), 43 fast → 300.
  const r = runTrace(validateTrace({ pool: { pool_size: 256, order: 0, napi: true }, ops: [{ alloc: 200 }, { put: 200, direct: true }, { alloc: 300 }] }, 't.json'));
  assert.deepEqual(r.stats.alloc, { fast: 196 + 128 + 126 + 43, slow: 5, slow_high_order: 0, empty: 5, refill: 2, waive: 0 });
  assert.deepEqual(r.stats.recycle, { cached: 72, cache_full: 128, ring: 128, ring_full: 0, released_refcnt: 0 });
  assert.equal(r.hold_cnt, 320);
  assert.equal(r.release_cnt, 0);
  assert.equal(r.inflight, 320);
  assert.equal(r.cache, 20);
  assert.equal(r.ring, 0);
  assert.deepEqual(r.memory, { kind: 'pages', pages: 320, page_bytes: 320 * 4096, descriptor_bytes: 320 * 64 });
});

test('ring_full releases to the page allocator; released_refcnt for pages someone else holds', () => {
  // pool_size 16. alloc 64 → 1 slow (64 pages), 63 fast. put 64 not direct: ring takes 16, 48 ring_full released.
  const m = new PagePoolModel({ pool_size: 16 });
  m.alloc(64);
  m.put(64, false);
  let s = m.stats();
  assert.equal(s.stats.recycle.ring, 16);
  assert.equal(s.stats.recycle.ring_full, 48);
  assert.equal(s.release_cnt, 48);
  assert.equal(s.inflight, 16);
  // 4 pages with an elevated refcount go back to the allocator whatever the context
  m.alloc(4);
  m.put(4, true, 4);
  s = m.stats();
  assert.equal(s.stats.recycle.released_refcnt, 4);
  assert.equal(s.release_cnt, 52);
});

test('fragments: two 2 KB users per page, the last put recycles; the pool holds the page it is cutting', () => {
  const m = new PagePoolModel({});
  m.allocFrag(4, 2048); // pages A (frags 1,2) and B (frags 3,4): 1 slow path
  assert.equal(m.stats().hold_cnt, 64);
  m.put(1, true); // A: one frag still out
  assert.equal(m.stats().stats.recycle.cached, 0);
  m.put(1, true); // A: the last user let go and the pool moved on to B → recycled
  assert.equal(m.stats().stats.recycle.cached, 1);
  m.put(2, true); // B: both frags back, but the pool still cuts B
  assert.equal(m.stats().stats.recycle.cached, 1);
  // a 4 KB frag does not fit in B's remaining 0 bytes: B is drained, nobody uses it, so the pool
  // cuts it again at once (page_pool_alloc_frag counts that as cached + fast), no new page
  const fastBefore = m.stats().stats.alloc.fast;
  m.allocFrag(1, 4096);
  assert.equal(m.stats().stats.recycle.cached, 2);
  assert.equal(m.stats().stats.alloc.fast, fastBefore + 1);
  assert.equal(m.stats().hold_cnt, 64);
});

test('devmem: net_iovs come from the binding, starve when the user holds them, return to the binding not the allocator', () => {
  const m = new PagePoolModel({ pool_size: 8 });
  assert.equal(m.bind(64 * 4096), 64);
  assert.equal(m.alloc(100), 64);
  let s = m.stats();
  assert.equal(s.alloc_failed, 1);
  assert.equal(s.stats.alloc.slow, 0);
  assert.equal(s.memory.kind, 'devmem');
  // tokens come back from process context: ring (8 slots), then ring_full → back to the binding
  m.put(64, false);
  s = m.stats();
  assert.equal(s.stats.recycle.ring, 8);
  assert.equal(s.stats.recycle.ring_full, 56);
  assert.equal(s.memory.kind === 'devmem' && s.memory.net_iovs_free_in_binding, 56);
  assert.equal(m.alloc(64), 64);
});

test('destroy with pages inflight: cache and ring released at once, the rest when they come back', () => {
  const m = new PagePoolModel({});
  m.alloc(100); // 2 slow paths: 128 held, 28 in cache
  m.put(30, true); // cache 58
  m.destroy();
  let s = m.stats();
  assert.equal(s.release_cnt, 58);
  assert.equal(s.inflight, 70);
  assert.equal(s.freed_at_op, null);
  m.put(70, true);
  s = m.stats();
  assert.equal(s.inflight, 0);
  assert.equal(s.freed_at_op, 200);
  assert.equal(m.alloc(1), 0);
});

test('property: pages are conserved and counters never go down, after every op of random traces', () => {
  const rand = prng(42);
  for (let trial = 0; trial < 30; trial++) {
    const size = 1 + Math.floor(rand() * 200);
    const m = new PagePoolModel({ pool_size: 1 + Math.floor(rand() * 300), PP_ALLOC_CACHE_SIZE: size, PP_ALLOC_CACHE_REFILL: 1 + Math.floor(rand() * Math.min(64, size)), order: rand() < 0.2 ? 2 : 0 });
    if (rand() < 0.3) m.bind(Math.floor(rand() * 400 + 1) * 4096);
    let prev = m.stats();
    for (let i = 0; i < 300; i++) {
      const x = rand();
      if (x < 0.35) m.alloc(Math.floor(rand() * 100));
      else if (x < 0.45) m.allocFrag(Math.floor(rand() * 20), 512 + Math.floor(rand() * 3584));
      else if (x < 0.9) m.put(Math.floor(rand() * 100), rand() < 0.5, rand() < 0.1 ? 1 : 0);
      else if (x < 0.91) m.destroy();
      const s = m.stats();
      // conservation: every page held is in the cache, the ring, out with a user, or being cut for fragments
      assert.equal(s.hold_cnt - s.release_cnt, s.inflight);
      assert.ok(s.cache >= 0 && s.cache <= m.params.PP_ALLOC_CACHE_SIZE && s.ring >= 0 && s.ring <= m.params.pool_size);
      assert.ok(s.inflight >= s.cache + s.ring, `inflight ${s.inflight} < cache ${s.cache} + ring ${s.ring}`);
      for (const k of Object.keys(s.stats.alloc) as Array<keyof typeof s.stats.alloc>) assert.ok(s.stats.alloc[k] >= prev.stats.alloc[k]);
      for (const k of Object.keys(s.stats.recycle) as Array<keyof typeof s.stats.recycle>) assert.ok(s.stats.recycle[k] >= prev.stats.recycle[k]);
      assert.ok(s.hold_cnt >= prev.hold_cnt && s.release_cnt >= prev.release_cnt);
      prev = s;
    }
  }
});

test('bad traces name the file, the op and what is wrong; nothing runs', () => {
  const bad = (t: unknown) => { try { validateTrace(t, 'bad.json'); return ''; } catch (e) { assert.ok(e instanceof TraceError); return (e as Error).message; } };
  assert.match(bad({ ops: [{ alloc: 1 }, { alloc: -3 }] }), /bad\.json: op 1: "alloc" must be a non-negative integer/);
  assert.match(bad({ ops: [{ put: 1, sideways: true }] }), /op 0: "sideways" does not go with "put"/);
  assert.match(bad({ ops: [{ alloc: 1, put: 1 }] }), /op 0: must have exactly one of/);
  assert.match(bad({ pool: { pool_size: 0 }, ops: [] }), /pool\.pool_size: must be a positive integer/);
  assert.match(bad({ ops: {} }), /"ops" must be an array/);
  assert.match(bad([]), /a trace is an object/);
});

test('scenarios are deterministic and show their defining behaviour', () => {
  const run = (name: string) => { const sc = SCENARIOS.find((s) => s.name === name)!; return runTrace(sc.build({ ...runTrace({ ops: [] }).params, pool_size: 256 }, 500, 7)); };
  assert.deepEqual(run('steady-rx').stats, run('steady-rx').stats);
  assert.ok(run('steady-rx').stats.recycle.cached > 0 && run('steady-rx').stats.recycle.ring === 0);
  assert.ok(run('remote-free').stats.recycle.ring > 0 && run('remote-free').stats.recycle.cached === 0);
  assert.ok(run('burst').stats.recycle.ring_full > 0);
  assert.ok(run('frag-2k').stats.alloc.fast > 0);
  assert.ok(run('devmem-slow-tokens').alloc_failed > 0);
  const d = run('destroy-inflight');
  assert.equal(d.inflight, 0);
  assert.ok(d.freed_at_op !== null);
});

test('parameters from the tree, with the defaults it fell back on named', () => {
  const r = simParamsFromTree({ macro: (n) => (n === 'PP_ALLOC_CACHE_SIZE' ? 256n : undefined), sizeofStruct: (n) => (n === 'net_iov' ? 40 : undefined) });
  assert.equal(r.params.PP_ALLOC_CACHE_SIZE, 256);
  assert.equal(r.params.netIovDescriptorBytes, 40);
  assert.deepEqual(r.defaulted, ['PP_ALLOC_CACHE_REFILL', 'PAGE_SIZE', 'sizeof(struct page)']);
});
