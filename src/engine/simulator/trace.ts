// Traces: a pool's parameters and a list of operations, checked by hand
// against schemas/page-pool-trace.schema.json's rules (no partial result is
// ever shown as complete: a bad op stops the run before anything is printed).
import { DEFAULT_PARAMS, PagePoolModel, PoolSnapshot, SimParams, SimStats } from './page-pool';

export type TraceOp =
  | { alloc: number }
  | { alloc_frag: number; size: number }
  | { put: number; direct?: boolean; elevated?: number }
  | { bind: number }
  | { token_return: number }
  | { destroy: true }
  | { time: number };

export interface Trace {
  pool?: Partial<SimParams>;
  ops: TraceOp[];
}

export class TraceError extends Error {
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

const POOL_KEYS: Record<string, 'int' | 'bool'> = {
  pool_size: 'int', order: 'int', napi: 'bool', PP_ALLOC_CACHE_SIZE: 'int', PP_ALLOC_CACHE_REFILL: 'int', PAGE_SIZE: 'int',
  pageDescriptorBytes: 'int', netIovDescriptorBytes: 'int',
};
const OP_KEYS: Record<string, string[]> = {
  alloc: [], alloc_frag: ['size'], put: ['direct', 'elevated'], bind: [], token_return: [], destroy: [], time: [],
};
const MAX_OPS = 10_000_000;

const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e12;

/** Validates parsed JSON as a trace; `file` names it in errors. */
export function validateTrace(data: unknown, file: string): Trace {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new TraceError(file, 'a trace is an object: {"pool": {...}, "ops": [...]}');
  const d = data as Record<string, unknown>;
  for (const k of Object.keys(d)) if (k !== 'pool' && k !== 'ops' && k !== '$schema' && k !== 'description') throw new TraceError(file, `unknown top-level key "${k}" (expected pool, ops)`);
  const pool: Partial<SimParams> = {};
  if (d.pool !== undefined) {
    if (!d.pool || typeof d.pool !== 'object' || Array.isArray(d.pool)) throw new TraceError(`${file}: pool`, 'must be an object');
    for (const [k, v] of Object.entries(d.pool as Record<string, unknown>)) {
      const kind = POOL_KEYS[k];
      if (!kind) throw new TraceError(`${file}: pool.${k}`, `unknown parameter (expected one of ${Object.keys(POOL_KEYS).join(', ')})`);
      if (kind === 'bool' ? typeof v !== 'boolean' : !(isCount(v) && (k === 'order' || (v as number) > 0))) throw new TraceError(`${file}: pool.${k}`, kind === 'bool' ? 'must be true or false' : 'must be a positive integer');
      (pool as Record<string, unknown>)[k] = v;
    }
    if ((pool.order ?? 0) > 10) throw new TraceError(`${file}: pool.order`, 'must be at most 10 (MAX_PAGE_ORDER)');
  }
  if (!Array.isArray(d.ops)) throw new TraceError(file, '"ops" must be an array');
  if (d.ops.length > MAX_OPS) throw new TraceError(file, `${d.ops.length} ops: more than the ${MAX_OPS} a trace may hold`);
  const ops: TraceOp[] = d.ops.map((raw, i) => {
    const where = `${file}: op ${i}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TraceError(where, 'must be an object such as {"alloc": 64}');
    const o = raw as Record<string, unknown>;
    const kinds = Object.keys(o).filter((k) => k in OP_KEYS);
    if (kinds.length !== 1) throw new TraceError(where, `must have exactly one of ${Object.keys(OP_KEYS).join(', ')} (has ${Object.keys(o).join(', ') || 'nothing'})`);
    const kind = kinds[0];
    for (const k of Object.keys(o)) if (k !== kind && !OP_KEYS[kind].includes(k)) throw new TraceError(where, `"${k}" does not go with "${kind}"`);
    const v = o[kind];
    if (kind === 'destroy') { if (v !== true) throw new TraceError(where, '"destroy" must be true'); return { destroy: true }; }
    if (!isCount(v)) throw new TraceError(where, `"${kind}" must be a non-negative integer, not ${JSON.stringify(v)}`);
    if (kind === 'alloc_frag' && !(isCount(o.size) && (o.size as number) > 0)) throw new TraceError(where, '"alloc_frag" needs "size": a positive byte count');
    if (kind === 'put') {
      if (o.direct !== undefined && typeof o.direct !== 'boolean') throw new TraceError(where, '"direct" must be true or false');
      if (o.elevated !== undefined && !isCount(o.elevated)) throw new TraceError(where, '"elevated" must be a non-negative integer');
    }
    return o as unknown as TraceOp;
  });
  return { pool, ops };
}

export interface SimResult extends SimStats {
  params: SimParams;
  timeline: PoolSnapshot[];
  /** ops that could not do all they asked (alloc with the pool starved), by index */
  shortfalls: Array<{ op: number; asked: number; got: number }>;
}

/** Runs a validated trace. Timelines are downsampled to about `points` samples. */
export function runTrace(trace: Trace, overrides: Partial<SimParams> = {}, points = 2000): SimResult {
  const params = { ...DEFAULT_PARAMS, ...overrides, ...trace.pool };
  const model = new PagePoolModel(params);
  const ops = trace.ops;
  const stride = Math.max(1, Math.ceil(ops.length / points));
  const timeline: PoolSnapshot[] = [model.snapshot(-1)];
  const shortfalls: SimResult['shortfalls'] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Record<string, unknown>;
    let asked = 0;
    let got = 0;
    try {
      if ('alloc' in op) { asked = op.alloc as number; got = model.alloc(asked); }
      else if ('alloc_frag' in op) { asked = op.alloc_frag as number; got = model.allocFrag(asked, op.size as number); }
      else if ('put' in op) { asked = op.put as number; got = model.put(asked, (op.direct as boolean | undefined) ?? params.napi, (op.elevated as number | undefined) ?? 0); }
      else if ('bind' in op) model.bind(op.bind as number);
      // The user gives net_iovs back with SO_DEVMEM_DONTNEED: from process context, never direct.
      else if ('token_return' in op) { asked = op.token_return as number; got = model.put(asked, false); }
      else if ('destroy' in op) model.destroy();
      else if ('time' in op) model.time += op.time as number;
    } catch (e) {
      throw new TraceError(`op ${i}`, (e as Error).message);
    }
    if (got < asked && shortfalls.length < 1000) shortfalls.push({ op: i, asked, got });
    if (i % stride === stride - 1 || i === ops.length - 1) timeline.push(model.snapshot(i));
  }
  return { ...model.stats(), params, timeline, shortfalls };
}
