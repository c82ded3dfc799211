// Small hand-built layouts for the checker's unit tests: a struct page whose
// first union holds the page_pool sub-struct, and a net_iov mirroring it, as
// in 6.12 (offsets are computed here from sizes, natural alignment, LP64).
import { MemberView, StructView } from '../../../src/engine/checks/layout-view';
import { Expr } from '../../../src/engine/eval/expr';

type Spec = [name: string | null, type: string, size: number] | [name: string | null, 'struct' | 'union', Spec[]];

function build(specs: Spec[], base: number, prefix: string, kind: 'struct' | 'union', file: string, line: { n: number }): { members: MemberView[]; size: number; align: number } {
  const members: MemberView[] = [];
  let off = 0;
  let size = 0;
  let align = 1;
  for (const s of specs) {
    line.n++;
    if (Array.isArray(s[2])) {
      const name = s[0];
      const inner = build(s[2] as Spec[], 0, name ? `${prefix}${name}.` : prefix, s[1] as 'struct' | 'union', file, line);
      const o = kind === 'union' ? 0 : Math.ceil(off / inner.align) * inner.align;
      const shift = (ms: MemberView[]): MemberView[] => ms.map((m) => ({ ...m, offsetBits: m.offsetBits + (base + o) * 8, children: m.children && shift(m.children) }));
      members.push({ name, path: name ? prefix + name : '', offsetBits: (base + o) * 8, sizeBits: inner.size * 8, bitfield: 0, type: name ? `${s[1]} ${name}_t` : s[1] as string, aggregate: s[1] as 'struct' | 'union', children: shift(inner.members), decl: { file, line: line.n, column: 2 } });
      off = kind === 'union' ? off : o + inner.size;
      size = Math.max(size, kind === 'union' ? inner.size : off);
      align = Math.max(align, inner.align);
    } else {
      const sz = s[2] as number;
      const al = Math.min(sz, 8);
      const o = kind === "union" ? 0 : Math.ceil(off / al) * al;
      members.push({ name: s[0], path: prefix + s[0], offsetBits: (base + o) * 8, sizeBits: sz * 8, bitfield: 0, type: s[1] as string, decl: { file, line: line.n, column: 2 } });
      off = kind === 'union' ? off : o + sz;
      size = Math.max(size, kind === 'union' ? sz : off);
      align = Math.max(align, al);
    }
  }
  return { members, size: Math.ceil(size / align) * align, align };
}

export function view(name: string, file: string, specs: Spec[], opts: { packed?: boolean } = {}): StructView {
  const r = build(specs, 0, '', 'struct', file, { n: 10 });
  return { kind: 'struct', name, size: r.size, align: opts.packed ? 1 : r.align, members: r.members, decl: { file, line: 10, column: 1 } };
}

export const pageSpec: Spec[] = [
  ['flags', 'unsigned long', 8],
  [null, 'union', [
    [null, 'struct', [['lru', 'struct list_head', 16], ['mapping', 'struct address_space *', 8], ['index', 'unsigned long', 8], ['private', 'unsigned long', 8]]],
    [null, 'struct', [['pp_magic', 'unsigned long', 8], ['pp', 'struct page_pool *', 8], ['_pp_mapping_pad', 'unsigned long', 8], ['dma_addr', 'unsigned long', 8], ['pp_ref_count', 'atomic_long_t', 8]]],
    [null, 'struct', [['compound_head', 'unsigned long', 8]]],
  ]],
  [null, 'union', [['_mapcount', 'atomic_t', 4], ['page_type', 'unsigned int', 4]]],
  ['_refcount', 'atomic_t', 4],
  ['memcg_data', 'unsigned long', 8],
];

export const netIovSpec: Spec[] = [
  ['__unused_padding', 'unsigned long', 8],
  ['pp_magic', 'unsigned long', 8],
  ['pp', 'struct page_pool *', 8],
  ['owner', 'struct dmabuf_genpool_chunk_owner *', 8],
  ['dma_addr', 'unsigned long', 8],
  ['pp_ref_count', 'atomic_long_t', 8],
];

/** offsetof(struct a, x) == offsetof(struct b, y) [+ k * sizeof(struct a)] as the parser would produce it */
export function mirrorExpr(a: string, x: string, b: string, y: string, k = 0): Expr {
  const size = { bits: 64, signed: false };
  let right: Expr = { k: 'offsetof', type: { text: `struct ${a}` }, designator: x.split('.') };
  if (k) right = { k: 'binary', op: '+', left: right, right: { k: 'binary', op: '*', left: { k: 'int', value: BigInt(k), type: { bits: 32, signed: true } }, right: { k: 'sizeof', type: { text: `struct ${a}` } } } };
  void size;
  return { k: 'binary', op: '==', left: k ? { k: 'offsetof', type: { text: `struct ${b}` }, designator: y.split('.') } : right, right: k ? right : { k: 'offsetof', type: { text: `struct ${b}` }, designator: y.split('.') } };
}
