// Which structs overlay which. Discovered from the shape of offset asserts
//   offsetof(struct A, x) == offsetof(struct B, y) [+ k * sizeof(struct A)]
// (NET_IOV_ASSERT_OFFSET, FOLIO_MATCH and its "+ N * sizeof(struct page)"
// forms, SLAB_MATCH, TABLE_MATCH...), from unions that place a whole struct A
// beside other members inside B (folio's `struct page page`), from a
// struct_group_tagged() group of A whose tag B uses for a member (the
// alternative to the asserts proposed in the netmem review), and from the
// user's extra pairs.
import { Expr } from '../eval/expr';
import { AssertResult } from './asserts';
import { MemberView, StructView } from './layout-view';

/** One offset assert tying field x of A to field y of B, in the k-th A of an array. */
export interface MirrorAssert {
  a: string;
  aPath: string;
  b: string;
  bPath: string;
  /** B's y sits over the k-th struct A (folio's tail pages) */
  k: number;
  result: AssertResult;
}

export interface OverlayPair {
  /** the struct whose memory is reused (struct page) */
  a: string;
  /** the struct overlaid on it (net_iov, folio, slab, ptdesc) */
  b: string;
  asserts: MirrorAssert[];
  /** how the pair was found */
  source: 'asserts' | 'union' | 'group' | 'setting';
  /** a struct_group_tagged() group of A that B embeds by its tag: B's member at bPath is A's group at aPath */
  group?: SharedGroup;
}

export interface SharedGroup {
  tag: string;
  aPath: string;
  bPath: string;
}

/** A member of B typed `struct TAG` (a candidate for a group of another struct's). */
export interface TagUse {
  b: string;
  tag: string;
  path: string;
}

interface Term {
  offsetof?: { struct: string; path: string };
  sizeofStruct?: { struct: string; times: number };
  constant?: bigint;
}

function structName(text: string): string | undefined {
  const m = /^\s*struct\s+([A-Za-z_]\w*)\s*$/.exec(text);
  return m?.[1];
}

function terms(e: Expr, sign: 1 | -1, out: Term[]): boolean {
  switch (e.k) {
    case 'binary':
      if (e.op === '+') return terms(e.left, sign, out) && terms(e.right, sign, out);
      if (e.op === '-') return terms(e.left, sign, out) && terms(e.right, (sign * -1) as 1 | -1, out);
      if (e.op === '*') {
        const [n, s] = e.left.k === 'int' ? [e.left, e.right] : [e.right, e.left];
        if (n.k === 'int' && s.k === 'sizeof' && s.type) {
          const st = structName(s.type.text);
          if (!st) return false;
          out.push({ sizeofStruct: { struct: st, times: sign * Number(n.value) } });
          return true;
        }
      }
      return false;
    case 'cast':
      return terms(e.arg, sign, out);
    case 'offsetof': {
      const st = structName(e.type.text);
      if (!st || sign < 0) return false;
      if (e.designator.some((p) => typeof p !== 'string')) return false;
      out.push({ offsetof: { struct: st, path: (e.designator as string[]).join('.') } });
      return true;
    }
    case 'sizeof': {
      const st = e.type && structName(e.type.text);
      if (!st) return false;
      out.push({ sizeofStruct: { struct: st, times: sign } });
      return true;
    }
    case 'int':
      out.push({ constant: BigInt(sign) * e.value });
      return true;
    default:
      return false;
  }
}

/** Recognises an offset-mirror assert; undefined for any other shape. */
export function mirrorAssertOf(r: AssertResult): MirrorAssert | undefined {
  const c = r.site.cond;
  if (r.site.unreadable || c.k !== 'binary' || c.op !== '==') return undefined;
  const left: Term[] = [];
  const right: Term[] = [];
  if (!terms(c.left, 1, left) || !terms(c.right, 1, right)) return undefined;
  const lo = left.filter((t) => t.offsetof);
  const ro = right.filter((t) => t.offsetof);
  if (lo.length !== 1 || ro.length !== 1) return undefined;
  if ([...left, ...right].some((t) => t.constant !== undefined && t.constant !== 0n)) return undefined;
  const L = lo[0].offsetof!;
  const R = ro[0].offsetof!;
  if (L.struct === R.struct) return undefined;
  const lk = left.filter((t) => t.sizeofStruct);
  const rk = right.filter((t) => t.sizeofStruct);
  if (lk.length + rk.length > 1) return undefined;
  // The side carrying "+ k * sizeof(struct A)" names A; otherwise the left side is A.
  if (rk.length === 1 && rk[0].sizeofStruct!.struct === R.struct) {
    return { a: R.struct, aPath: R.path, b: L.struct, bPath: L.path, k: rk[0].sizeofStruct!.times, result: r };
  }
  if (lk.length === 1 && lk[0].sizeofStruct!.struct === L.struct) {
    return { a: L.struct, aPath: L.path, b: R.struct, bPath: R.path, k: lk[0].sizeofStruct!.times, result: r };
  }
  if (lk.length + rk.length === 1) return undefined;
  return { a: L.struct, aPath: L.path, b: R.struct, bPath: R.path, k: 0, result: r };
}

export function pairsFromAsserts(results: AssertResult[]): OverlayPair[] {
  const pairs = new Map<string, OverlayPair>();
  for (const r of results) {
    const m = mirrorAssertOf(r);
    if (!m || m.k < 0) continue;
    const key = `${m.a}\0${m.b}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { a: m.a, b: m.b, asserts: [], source: 'asserts' }));
    p.asserts.push(m);
  }
  return [...pairs.values()];
}

/**
 * B places a whole `struct A` in a union beside its own members: B overlays A
 * there. Only for A in `bases` (struct page and the other descriptors whose
 * memory is reused), or every union with a list_head would count.
 */
export function pairsFromUnions(view: StructView, bases: ReadonlySet<string>): OverlayPair[] {
  const found = new Map<string, OverlayPair>();
  const walk = (members: StructView['members']) => {
    for (const m of members) {
      if (!m.children) continue;
      if (m.aggregate === 'union') {
        for (const alt of m.children) {
          const st = structName(alt.type);
          if (st && bases.has(st) && st !== view.name && alt.name !== null && m.children.length > 1 && !found.has(st)) {
            found.set(st, { a: st, b: view.name, asserts: [], source: 'union' });
          }
        }
      }
      if (m.name === null) walk(m.children);
    }
  };
  walk(view.members);
  return [...found.values()];
}

/**
 * The struct_group_tagged() groups of a struct: a union whose alternatives
 * are an anonymous struct and `struct TAG NAME` with the same members, which
 * is what `struct_group_tagged(TAG, NAME, ...)` expands to.
 */
export function taggedGroups(view: StructView): Array<{ tag: string; path: string; member: MemberView }> {
  const out: Array<{ tag: string; path: string; member: MemberView }> = [];
  const names = (ms: MemberView[]) => ms.map((m) => m.name).join(',');
  const walk = (members: MemberView[]) => {
    for (const m of members) {
      if (!m.children) continue;
      if (m.aggregate === 'union') {
        const anon = m.children.find((c) => c.name === null && c.aggregate === 'struct' && c.children);
        for (const c of m.children) {
          const tag = /^struct ([A-Za-z_]\w*)$/.exec(c.type)?.[1];
          if (tag && c.name !== null && c.children && anon && names(c.children) === names(anon.children!)) out.push({ tag, path: c.path, member: c });
        }
      }
      walk(m.children);
    }
  };
  walk(view.members);
  return out;
}

/** Named members of `view`, at any depth, typed `struct X`: where a group of another struct may be embedded. */
export function tagUses(view: StructView): TagUse[] {
  const out: TagUse[] = [];
  const walk = (members: MemberView[]) => {
    for (const m of members) {
      const tag = /^struct ([A-Za-z_]\w*)$/.exec(m.type)?.[1];
      if (tag && m.name !== null && tag !== view.name) out.push({ b: view.name, tag, path: m.path });
      if (m.children) walk(m.children);
    }
  };
  walk(view.members);
  return out;
}

/** Pairs (A, B) where B embeds, by its tag, a struct_group_tagged() group of A. */
export function pairsFromGroups(a: StructView, uses: TagUse[]): OverlayPair[] {
  const groups = new Map(taggedGroups(a).map((g) => [g.tag, g]));
  const out = new Map<string, OverlayPair>();
  for (const u of uses) {
    const g = groups.get(u.tag);
    if (!g || u.b === a.name || out.has(u.b)) continue;
    out.set(u.b, { a: a.name, b: u.b, asserts: [], source: 'group', group: { tag: u.tag, aPath: g.path, bPath: u.path } });
  }
  return [...out.values()];
}

/** "page:net_iov" or "page net_iov" → a pair from settings. */
export function parsePairSetting(spec: string): { a: string; b: string } | undefined {
  const m = /^\s*(?:struct\s+)?([A-Za-z_]\w*)\s*[:, ]\s*(?:struct\s+)?([A-Za-z_]\w*)\s*$/.exec(spec);
  return m ? { a: m[1], b: m[2] } : undefined;
}

export function mergePairs(...lists: OverlayPair[][]): OverlayPair[] {
  const out = new Map<string, OverlayPair>();
  for (const list of lists) {
    for (const p of list) {
      const key = `${p.a}\0${p.b}`;
      const have = out.get(key);
      if (!have) out.set(key, { ...p, asserts: [...p.asserts] });
      else {
        have.asserts.push(...p.asserts.filter((x) => !have.asserts.includes(x)));
        have.group ??= p.group;
      }
    }
  }
  return [...out.values()];
}
