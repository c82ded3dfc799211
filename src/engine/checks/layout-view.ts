// The view of a laid-out struct that the checks need: a tree of members with
// absolute offsets, so overlay regions (the page_pool sub-struct of struct
// page's first union) can be found, plus where each member was declared.
// The project facade adapts the layout engine's result to this shape; tests
// may build it by hand.

export interface SourcePosition {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export interface MemberView {
  /** null for an anonymous struct/union member */
  name: string | null;
  /** C designator from the outermost struct, anonymous members folded in: "pp", "a.b" */
  path: string;
  /** from the start of the outermost struct */
  offsetBits: number;
  sizeBits: number;
  /** width for a bit-field, else 0 */
  bitfield: number;
  /** C spelling of the type, as pahole prints it */
  type: string;
  /** set for struct/union-typed members: their own members (absolute offsets too) */
  children?: MemberView[];
  aggregate?: 'struct' | 'union';
  decl?: SourcePosition;
}

export interface StructView {
  kind: 'struct' | 'union';
  name: string;
  size: number;
  align: number;
  members: MemberView[];
  decl?: SourcePosition;
}

/** Leaves as C lets you name them: anonymous aggregates folded in, named members kept whole. */
export function namedMembers(members: MemberView[]): MemberView[] {
  const out: MemberView[] = [];
  for (const m of members) {
    if (m.name === null && m.children) out.push(...namedMembers(m.children));
    else out.push(m);
  }
  return out;
}

/** Designators already resolved per view: a mirror map asks for the same few fields of a struct many times. */
const found = new WeakMap<StructView, Map<string, MemberView | undefined>>();

/** Resolve a designator ("a.b", "lru") to a member, searching through anonymous members. */
export function findMember(view: StructView, path: string): MemberView | undefined {
  let byPath = found.get(view);
  if (!byPath) found.set(view, (byPath = new Map()));
  if (byPath.has(path)) return byPath.get(path);
  const m = resolveMember(view, path);
  byPath.set(path, m);
  return m;
}

function resolveMember(view: StructView, path: string): MemberView | undefined {
  const parts = path.split('.');
  let level: MemberView[] = view.members;
  let found: MemberView | undefined;
  for (const part of parts) {
    found = namedMembers(level).find((m) => m.name === part);
    if (!found) return undefined;
    level = found.children ?? [];
  }
  return found;
}

/** The chain of members (outermost first) that contains `target`, anonymous ones included. */
export function ancestry(view: StructView, target: MemberView): MemberView[] {
  const walk = (ms: MemberView[], trail: MemberView[]): MemberView[] | undefined => {
    for (const m of ms) {
      if (m === target) return trail;
      if (m.children) {
        const r = walk(m.children, [...trail, m]);
        if (r) return r;
      }
    }
    return undefined;
  };
  return walk(view.members, []) ?? [];
}

export function byteRange(m: MemberView): [number, number] {
  const start = Math.floor(m.offsetBits / 8);
  const end = Math.ceil((m.offsetBits + m.sizeBits) / 8);
  return [start, end];
}
