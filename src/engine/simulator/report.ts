// The simulator's result as text: the kernel's stat names, grouped as
// page_pool_get_stats() groups them, then the model's own facts.
import { SimResult } from './trace';

export function formatSimResult(r: SimResult, notes: string[] = []): string {
  const out: string[] = [];
  for (const n of notes) out.push(`# ${n}`);
  const p = r.params;
  out.push(`pool: pool_size ${p.pool_size}, order ${p.order}, PP_ALLOC_CACHE_SIZE ${p.PP_ALLOC_CACHE_SIZE}, PP_ALLOC_CACHE_REFILL ${p.PP_ALLOC_CACHE_REFILL}, PAGE_SIZE ${p.PAGE_SIZE}, ${p.napi ? 'NAPI' : 'no NAPI'}`);
  const row = (k: string, v: number | string) => `  ${k.padEnd(18)} ${String(v).padStart(12)}`;
  out.push('alloc');
  for (const [k, v] of Object.entries(r.stats.alloc)) out.push(row(k, v));
  out.push('recycle');
  for (const [k, v] of Object.entries(r.stats.recycle)) out.push(row(k, v));
  out.push('state');
  out.push(row('hold_cnt', r.hold_cnt), row('release_cnt', r.release_cnt), row('inflight', r.inflight), row('cache', r.cache), row('ring', r.ring));
  if (r.alloc_failed) out.push(row('alloc_failed', r.alloc_failed) + '   (no page: the provider was empty or the pool destroyed)');
  if (r.destroyed) out.push(`  destroyed; ${r.freed_at_op === null ? `${r.inflight} pages still inflight: release deferred` : `freed after op ${r.freed_at_op}`}`);
  out.push('memory');
  if (r.memory.kind === 'pages') out.push(row('pages', r.memory.pages), row('page_bytes', r.memory.page_bytes), row('descriptor_bytes', r.memory.descriptor_bytes));
  else out.push(row('net_iovs', r.memory.net_iovs), row('free_in_binding', r.memory.net_iovs_free_in_binding), row('binding_bytes', r.memory.binding_bytes), row('descriptor_bytes', r.memory.descriptor_bytes));
  const recycled = r.stats.recycle.cached + r.stats.recycle.ring;
  const allocs = r.stats.alloc.fast + r.stats.alloc.slow + r.stats.alloc.slow_high_order + r.stats.alloc.refill;
  if (allocs) out.push(`recycling: ${recycled} of ${r.ops} ops' pages came back to the pool; ${((100 * r.stats.alloc.fast) / allocs).toFixed(1)}% of allocations hit the alloc cache`);
  if (r.shortfalls.length) out.push(`shortfalls: ${r.shortfalls.length} ops got fewer pages than asked (first: op ${r.shortfalls[0].op}, ${r.shortfalls[0].got} of ${r.shortfalls[0].asked})`);
  return out.join('\n') + '\n';
}
