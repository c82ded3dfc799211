// A model of net/core/page_pool.c (Linux 6.12) written from its behaviour:
//
// alloc:  the per-pool alloc cache (a stack of PP_ALLOC_CACHE_SIZE) answers
//         first ("fast"); when empty, up to PP_ALLOC_CACHE_REFILL entries are
//         moved from the ptr_ring ("refill", once per refill; "empty" when the
//         ring had nothing); then the slow path: order-0 pools bulk-allocate
//         PP_ALLOC_CACHE_REFILL pages into the cache and hand one out ("slow"),
//         order > 0 pools allocate one page ("slow_high_order"). A memory
//         provider (devmem) replaces the slow path: one net_iov from its
//         binding's chunk pool, or nothing when the user holds them all.
// put:    a page whose refcount is not 1 goes back to the page allocator
//         ("released_refcnt"); otherwise, in NAPI context (direct), into the
//         cache ("cached") unless full ("cache_full"), then into the ring
//         ("ring") unless full ("ring_full" → released).
// frags:  one page serves several users through pp_ref_count; the pool holds
//         the page it is cutting until it moves to a new one; the last put recycles.
// destroy: the cache and ring are released; pages still inflight are released
//         as they come back (deferred), and the pool is freed at inflight 0.
// hold_cnt counts pages taken from the page allocator (or provider), release_cnt
// pages given back; inflight = hold_cnt - release_cnt, as page_pool_inflight() says.
//
// The hot path touches only typed arrays and integer counters (no allocation)
// so a hover can run a million operations in a few milliseconds.

export interface SimParams {
  PP_ALLOC_CACHE_SIZE: number;
  PP_ALLOC_CACHE_REFILL: number;
  PAGE_SIZE: number;
  /** sizeof(struct page) */
  pageDescriptorBytes: number;
  /** sizeof(struct net_iov) */
  netIovDescriptorBytes: number;
  /** the ptr_ring's size (page_pool_params.pool_size) */
  pool_size: number;
  order: number;
  /** recycle puts in NAPI context (direct) unless an op says otherwise */
  napi: boolean;
}

/** The 6.12 tree's values (include/net/page_pool/types.h, x86_64). */
export const DEFAULT_PARAMS: SimParams = {
  PP_ALLOC_CACHE_SIZE: 128,
  PP_ALLOC_CACHE_REFILL: 64,
  PAGE_SIZE: 4096,
  pageDescriptorBytes: 64,
  netIovDescriptorBytes: 48,
  pool_size: 1024,
  order: 0,
  napi: true,
};

export const ALLOC_STATS = ['fast', 'slow', 'slow_high_order', 'empty', 'refill', 'waive'] as const;
export const RECYCLE_STATS = ['cached', 'cache_full', 'ring', 'ring_full', 'released_refcnt'] as const;

// Counter slots in one Float64Array (integers up to 2^53 stay exact).
const enum C {
  fast, slow, slow_high_order, empty, refill, waive,
  cached, cache_full, ring, ring_full, released_refcnt,
  hold, release, allocFailed, ops, pagesFromAllocator, niovsFromProvider, destroyedAtOp,
  COUNT,
}

/** Where a descriptor is: page ids index these. */
const enum Where { Free = 0, Cache, Ring, Out, FragCurrent }

export interface PoolSnapshot {
  op: number;
  time: number;
  cache: number;
  ring: number;
  inflight: number;
  hold_cnt: number;
  release_cnt: number;
  fast: number;
  slow: number;
  refill: number;
  cached: number;
  recycled_ring: number;
  released: number;
}

export class PagePoolModel {
  readonly params: SimParams;
  private readonly c = new Float64Array(C.COUNT);
  // alloc cache: a stack
  private readonly cache: Int32Array;
  private cacheCount = 0;
  // ptr_ring: a circular buffer
  private readonly ring: Int32Array;
  private ringHead = 0;
  private ringCount = 0;
  // descriptors: where each is, its refcount (page_ref_count) and pp_ref_count
  private where = new Uint8Array(1024);
  private refcnt = new Int32Array(1024);
  private ppRef = new Int32Array(1024);
  private freeIds = new Int32Array(1024);
  private freeCount = 0;
  private nextId = 0;
  // pages handed out, oldest first (a queue), for puts that do not name pages
  private out = new Int32Array(1024);
  private outHead = 0;
  private outCount = 0;
  // fragments
  private fragPage = -1;
  private fragOffset = 0;
  // memory provider (devmem binding)
  private providerFree = 0;
  private providerSize = 0;
  private destroyed = false;
  time = 0;

  constructor(params: Partial<SimParams> = {}) {
    this.params = { ...DEFAULT_PARAMS, ...params };
    const p = this.params;
    if (!(p.PP_ALLOC_CACHE_SIZE > 0 && p.PP_ALLOC_CACHE_REFILL > 0 && p.pool_size > 0 && p.PAGE_SIZE > 0 && p.order >= 0)) {
      throw new RangeError('PP_ALLOC_CACHE_SIZE, PP_ALLOC_CACHE_REFILL, pool_size and PAGE_SIZE must be positive and order >= 0');
    }
    // The slow path fills the cache with a whole refill's worth of pages.
    if (p.PP_ALLOC_CACHE_REFILL > p.PP_ALLOC_CACHE_SIZE) throw new RangeError(`PP_ALLOC_CACHE_REFILL (${p.PP_ALLOC_CACHE_REFILL}) must not exceed PP_ALLOC_CACHE_SIZE (${p.PP_ALLOC_CACHE_SIZE})`);
    this.cache = new Int32Array(p.PP_ALLOC_CACHE_SIZE);
    this.ring = new Int32Array(p.pool_size);
    this.c[C.destroyedAtOp] = -1;
  }

  // ------------------------------------------------------------ descriptors

  private grow(): void {
    const n = this.where.length * 2;
    const g8 = (a: Uint8Array) => { const b = new Uint8Array(n); b.set(a); return b; };
    const g32 = (a: Int32Array) => { const b = new Int32Array(n); b.set(a); return b; };
    this.where = g8(this.where);
    this.refcnt = g32(this.refcnt);
    this.ppRef = g32(this.ppRef);
    this.freeIds = g32(this.freeIds);
    const out = new Int32Array(n);
    for (let i = 0; i < this.outCount; i++) out[i] = this.out[(this.outHead + i) % this.out.length];
    this.out = out;
    this.outHead = 0;
  }

  private newDescriptor(): number {
    const id = this.freeCount > 0 ? this.freeIds[--this.freeCount] : this.nextId++;
    if (id >= this.where.length) this.grow();
    this.refcnt[id] = 1;
    this.ppRef[id] = 1;
    return id;
  }

  /** Back to the page allocator, or to the binding's chunk pool for net_iovs. */
  private releaseDescriptor(id: number): void {
    this.where[id] = Where.Free;
    this.c[C.release]++;
    if (this.providerSize > 0) this.providerFree++;
    if (this.freeCount >= this.freeIds.length) this.grow();
    this.freeIds[this.freeCount++] = id;
  }

  /** After an op: a destroyed pool is freed once nothing is inflight. */
  private settle(): void {
    if (this.destroyed && this.c[C.destroyedAtOp] < 0 && this.inflight === 0) this.c[C.destroyedAtOp] = this.c[C.ops];
  }

  private pushOut(id: number): void {
    if (this.outCount >= this.out.length) this.grow();
    this.out[(this.outHead + this.outCount) % this.out.length] = id;
    this.outCount++;
    this.where[id] = Where.Out;
  }

  private popOut(): number {
    if (this.outCount === 0) return -1;
    const id = this.out[this.outHead];
    this.outHead = (this.outHead + 1) % this.out.length;
    this.outCount--;
    return id;
  }

  // ------------------------------------------------------------------ alloc

  /** page_pool_alloc_netmems(): one descriptor id, or -1 when nothing could be had. */
  private allocOne(): number {
    if (this.destroyed) { this.c[C.allocFailed]++; return -1; }
    const p = this.params;
    if (this.cacheCount > 0) {
      this.c[C.fast]++;
      return this.cache[--this.cacheCount];
    }
    // refill from the ring
    if (this.ringCount === 0) this.c[C.empty]++;
    else {
      while (this.ringCount > 0 && this.cacheCount < p.PP_ALLOC_CACHE_REFILL) {
        const id = this.ring[this.ringHead];
        this.ringHead = (this.ringHead + 1) % this.ring.length;
        this.ringCount--;
        this.where[id] = Where.Cache;
        this.cache[this.cacheCount++] = id;
      }
      this.c[C.refill]++;
      return this.cache[--this.cacheCount];
    }
    // slow path
    if (this.providerSize > 0) {
      if (this.providerFree === 0) { this.c[C.allocFailed]++; return -1; }
      this.providerFree--;
      this.c[C.hold]++;
      this.c[C.niovsFromProvider]++;
      return this.newDescriptor();
    }
    if (p.order > 0) {
      this.c[C.slow_high_order]++;
      this.c[C.hold]++;
      this.c[C.pagesFromAllocator]++;
      return this.newDescriptor();
    }
    for (let i = 0; i < p.PP_ALLOC_CACHE_REFILL; i++) {
      const id = this.newDescriptor();
      this.where[id] = Where.Cache;
      this.cache[this.cacheCount++] = id;
    }
    this.c[C.hold] += p.PP_ALLOC_CACHE_REFILL;
    this.c[C.pagesFromAllocator] += p.PP_ALLOC_CACHE_REFILL;
    this.c[C.slow]++;
    return this.cache[--this.cacheCount];
  }

  /** Allocates n pages and hands them out (to the driver's RX ring, then the stack). Returns how many it got. */
  alloc(n: number): number {
    let got = 0;
    for (let i = 0; i < n; i++) {
      const id = this.allocOne();
      if (id < 0) break;
      this.refcnt[id] = 1;
      this.ppRef[id] = 1;
      this.pushOut(id);
      got++;
    }
    this.c[C.ops] += n;
    return got;
  }

  /** page_pool_alloc_frag(): n fragments of `size` bytes; several share one page. */
  allocFrag(n: number, size: number): number {
    const pageBytes = this.params.PAGE_SIZE << this.params.order;
    if (size <= 0 || size > pageBytes) throw new RangeError(`fragment size ${size} must be 1..${pageBytes}`);
    let got = 0;
    for (let i = 0; i < n; i++) {
      if (this.fragPage < 0 || this.fragOffset + size > pageBytes) {
        // A drained page nobody uses any more is cut again at once (page_pool_alloc_frag: cached + fast).
        let id = this.drainFrag(true);
        if (id >= 0) { this.c[C.cached]++; this.c[C.fast]++; }
        else id = this.allocOne();
        if (id < 0) break;
        this.fragPage = id;
        this.fragOffset = 0;
        this.where[id] = Where.FragCurrent;
        this.refcnt[id] = 1;
        this.ppRef[id] = 1; // the pool's own reference while it cuts this page
      }
      this.ppRef[this.fragPage]++;
      this.fragOffset += size;
      this.pushOut(this.fragPage);
      got++;
    }
    this.c[C.ops] += n;
    return got;
  }

  /** The pool stops cutting its current page and drops its own reference; `reuse`: hand it back instead of recycling. */
  private drainFrag(reuse = false): number {
    if (this.fragPage < 0) return -1;
    const id = this.fragPage;
    this.fragPage = -1;
    if (--this.ppRef[id] !== 0) return -1;
    if (reuse && !this.destroyed && this.refcnt[id] === 1) return id;
    this.recycle(id, false);
    return -1;
  }

  // ------------------------------------------------------------------- put

  /** __page_pool_put_page + the ring fall-back, for a page whose last user let go. */
  private recycle(id: number, direct: boolean): void {
    if (this.destroyed) { this.releaseDescriptor(id); return; }
    if (this.refcnt[id] !== 1) {
      this.c[C.released_refcnt]++;
      this.releaseDescriptor(id);
      return;
    }
    if (direct) {
      if (this.cacheCount < this.params.PP_ALLOC_CACHE_SIZE) {
        this.where[id] = Where.Cache;
        this.cache[this.cacheCount++] = id;
        this.c[C.cached]++;
        return;
      }
      this.c[C.cache_full]++;
    }
    if (this.ringCount < this.ring.length) {
      this.ring[(this.ringHead + this.ringCount) % this.ring.length] = id;
      this.ringCount++;
      this.where[id] = Where.Ring;
      this.c[C.ring]++;
      return;
    }
    this.c[C.ring_full]++;
    this.releaseDescriptor(id);
  }

  /**
   * Returns the n oldest outstanding pages (or fragments). `direct`: NAPI
   * context. `elevated`: how many of them someone else still holds a page
   * reference to (get_page() by the stack), so they cannot be recycled.
   */
  put(n: number, direct = this.params.napi, elevated = 0): number {
    let done = 0;
    for (let i = 0; i < n; i++) {
      const id = this.popOut();
      if (id < 0) break;
      if (done < elevated) this.refcnt[id] = 2;
      if (--this.ppRef[id] > 0) { done++; continue; } // other fragments of this page are still out
      this.recycle(id, direct);
      this.refcnt[id] = 1;
      done++;
    }
    this.c[C.ops] += n;
    this.settle();
    return done;
  }

  // --------------------------------------------------------------- devmem

  /** A dmabuf binding of `bytes`, split into PAGE_SIZE net_iovs the pool allocates from. */
  bind(bytes: number): number {
    const n = Math.floor(bytes / this.params.PAGE_SIZE);
    if (n <= 0) throw new RangeError(`a binding of ${bytes} bytes holds no ${this.params.PAGE_SIZE}-byte net_iov`);
    this.providerSize += n;
    this.providerFree += n;
    return n;
  }

  get bound(): number {
    return this.providerSize;
  }

  // -------------------------------------------------------------- destroy

  /** page_pool_destroy(): release what the pool holds; inflight pages are released when they come back. */
  destroy(): void {
    if (this.destroyed) return;
    this.drainFrag();
    this.destroyed = true;
    while (this.cacheCount > 0) this.releaseDescriptor(this.cache[--this.cacheCount]);
    while (this.ringCount > 0) {
      const id = this.ring[this.ringHead];
      this.ringHead = (this.ringHead + 1) % this.ring.length;
      this.ringCount--;
      this.releaseDescriptor(id);
    }
    this.settle();
  }

  // ------------------------------------------------------------------ read

  /** page_pool_inflight(): hold_cnt - release_cnt (the cache and ring count until destroy empties them). */
  get inflight(): number {
    return this.c[C.hold] - this.c[C.release];
  }

  get outstanding(): number {
    return this.outCount;
  }

  get cacheLevel(): number {
    return this.cacheCount;
  }

  get ringLevel(): number {
    return this.ringCount;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  snapshot(op: number): PoolSnapshot {
    const c = this.c;
    return {
      op, time: this.time, cache: this.cacheCount, ring: this.ringCount, inflight: this.inflight,
      hold_cnt: c[C.hold], release_cnt: c[C.release], fast: c[C.fast], slow: c[C.slow] + c[C.slow_high_order],
      refill: c[C.refill], cached: c[C.cached], recycled_ring: c[C.ring], released: c[C.release],
    };
  }

  /** The result in the kernel's names (net/core/page_pool.c, page_pool_stats). */
  stats() {
    const c = this.c;
    const p = this.params;
    const pages = c[C.hold] - c[C.release];
    const pageBytes = p.PAGE_SIZE << p.order;
    return {
      stats: {
        alloc: { fast: c[C.fast], slow: c[C.slow], slow_high_order: c[C.slow_high_order], empty: c[C.empty], refill: c[C.refill], waive: c[C.waive] },
        recycle: { cached: c[C.cached], cache_full: c[C.cache_full], ring: c[C.ring], ring_full: c[C.ring_full], released_refcnt: c[C.released_refcnt] },
      },
      hold_cnt: c[C.hold],
      release_cnt: c[C.release],
      inflight: this.inflight,
      cache: this.cacheCount,
      ring: this.ringCount,
      // model facts beyond the kernel's counters
      alloc_failed: c[C.allocFailed],
      destroyed: this.destroyed,
      freed_at_op: c[C.destroyedAtOp] >= 0 ? c[C.destroyedAtOp] : null,
      memory: this.providerSize > 0 ? {
        kind: 'devmem' as const,
        net_iovs: this.providerSize,
        net_iovs_free_in_binding: this.providerFree,
        binding_bytes: this.providerSize * p.PAGE_SIZE,
        descriptor_bytes: this.providerSize * p.netIovDescriptorBytes,
      } : {
        kind: 'pages' as const,
        pages,
        page_bytes: pages * pageBytes,
        descriptor_bytes: pages * (1 << p.order) * p.pageDescriptorBytes,
      },
      ops: c[C.ops],
    };
  }
}

export type SimStats = ReturnType<PagePoolModel['stats']>;
