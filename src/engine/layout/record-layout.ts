// Struct and union layout with GCC's rules for the SysV-style ABIs the kernel
// targets: members at their alignment (lowered by packed, raised by aligned),
// bit-fields packed into units of their declared type without straddling a
// unit boundary (PCC_BITFIELD_TYPE_MATTERS), `:0` aligning to its type,
// unnamed bit-fields not affecting the struct's alignment, flexible arrays
// sized 0, tail padding to the struct's alignment.
import type { Node } from 'web-tree-sitter';
import { alignOf, canonical, CType, FieldDecl, RecordDecl, sizeOf, TypeTable, typeName } from '../types/type-table';
import type { ParsedDeclaration } from '../parse/declaration-parses';

export interface LaidMember {
  /** null for anonymous struct/union members and unnamed bit-fields */
  name: string | null;
  type: CType;
  /** from the start of the record this member belongs to */
  offsetBits: number;
  sizeBits: number;
  /** bit-field width, 0 for ordinary members */
  bitWidth: number;
  /** alignment used for placing it (bytes) */
  align: number;
  node: Node;
  /** the members of a struct/union-typed member, offsets from this record's start */
  children?: LaidMember[];
  aggregate?: 'struct' | 'union';
}

export interface RecordLayout {
  kind: 'struct' | 'union';
  name: string | null;
  size: number;
  align: number;
  members: LaidMember[];
  packed: boolean;
  node: Node;
  /** finds a member by name, looking through anonymous members as C does */
  find(name: string): LaidMember | undefined;
}

const memo = new WeakMap<RecordDecl, RecordLayout | { reason: string }>();
const inProgress = new WeakSet<RecordDecl>();

function alignUp(x: number, a: number): number {
  return a <= 1 ? x : Math.ceil(x / a) * a;
}

export interface LayoutOptions {
  /** CONFIG_RANDSTRUCT: randomized structs have no layout we can know */
  randstruct?: boolean;
}

const layoutOptions = new WeakMap<TypeTable, LayoutOptions>();
export function setLayoutOptions(table: TypeTable, opts: LayoutOptions): void {
  layoutOptions.set(table, opts);
}

/** What each layout looked up (TypeTable.collect): an edited unit reuses the layouts whose names resolve the same. */
const lookups = new WeakMap<RecordDecl, Map<string, ParsedDeclaration | null>>();

export function layoutRecord(rec: RecordDecl, table: TypeTable): RecordLayout | { reason: string } {
  const have = memo.get(rec);
  if (have) { table.noteAll(lookups.get(rec)); return have; }
  if (inProgress.has(rec)) return { reason: `${rec.kind} ${rec.name ?? '(anon)'} contains itself` };
  inProgress.add(rec);
  try {
    const { value: r, deps } = table.collect(() => compute(rec, table));
    memo.set(rec, r);
    if (deps) lookups.set(rec, deps);
    else table.untracked();
    return r;
  } finally {
    inProgress.delete(rec);
  }
}

/** The lookups behind a record's layout, when it has one that can be reused. */
export function layoutLookups(rec: RecordDecl): Map<string, ParsedDeclaration | null> | undefined {
  return memo.has(rec) ? lookups.get(rec) : undefined;
}

function children(t: CType, base: number, table: TypeTable): { children?: LaidMember[]; aggregate?: 'struct' | 'union' } {
  const c = canonical(t);
  if (c.k !== 'record') return {};
  const l = layoutRecord(c.rec, table);
  if ('reason' in l) return {};
  // built field by field, not spread: a folio copies four struct pages' member trees per layout
  const shift = (ms: LaidMember[]): LaidMember[] => {
    const out = new Array<LaidMember>(ms.length);
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      const c: LaidMember = { name: m.name, type: m.type, offsetBits: m.offsetBits + base, sizeBits: m.sizeBits, bitWidth: m.bitWidth, align: m.align, node: m.node };
      if (m.children) { c.children = shift(m.children); c.aggregate = m.aggregate; }
      out[i] = c;
    }
    return out;
  };
  return { children: shift(l.members), aggregate: c.rec.kind };
}

function compute(rec: RecordDecl, table: TypeTable): RecordLayout | { reason: string } {
  const fields = table.fieldsOf(rec);
  if ('reason' in fields) return fields;
  const attrs = rec.attrs ?? {};
  const label = `${rec.kind} ${rec.name ?? '(anon)'}`;
  if (attrs.problem) return { reason: `${label}: ${attrs.problem}` };
  const opts = layoutOptions.get(table) ?? {};
  if (opts.randstruct && attrs.randomize) {
    return { reason: `${label} is __randomize_layout and CONFIG_RANDSTRUCT is set: its layout is chosen at build time from a seed` };
  }
  if (opts.randstruct && fields.length > 0 && fields.every((f) => canonical(f.type).k === 'ptr' && canonical((canonical(f.type) as { to: CType }).to).k === 'func')) {
    return { reason: `${label} holds only function pointers and CONFIG_RANDSTRUCT randomizes such structs automatically` };
  }
  const packedStruct = !!attrs.packed;
  // #pragma pack(N): no member is aligned beyond N, and so neither is the struct
  const pack = table.packAt(table.offsetOf(rec.node));
  const isUnion = rec.kind === 'union';
  let offBits = 0;
  let sizeBits = 0;
  let align = 1;
  const members: LaidMember[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f: FieldDecl = fields[i];
    const where = f.name ? `${label}.${f.name}` : `${label} (anonymous member)`;
    if (f.type.k === 'unknown') return { reason: `${where}: ${f.type.reason}` };
    if (f.attrs.problem) return { reason: `${where}: ${f.attrs.problem}` };
    const size = sizeOf(f.type, table);
    if (typeof size !== 'number') return { reason: `${where}: ${size.reason}` };
    const natural = alignOf(f.type, table, true);
    if (typeof natural !== 'number') return { reason: `${where}: ${natural.reason}` };
    const c = canonical(f.type);
    if (c.k === 'array' && c.count === 'flex' && i !== fields.length - 1 && !isUnion) {
      return { reason: `${where}: flexible array member not at the end` };
    }
    if (c.k === 'func' || c.k === 'void') return { reason: `${where}: member of type ${typeName(c)}` };
    // packed (on the member or the struct) drops alignment to a byte; aligned() raises it again
    let a = f.attrs.packed || packedStruct ? 1 : natural;
    if (f.attrs.aligned) a = Math.max(a, f.attrs.aligned);
    if (pack) a = Math.min(a, pack);

    if (f.bitWidth !== undefined) {
      if (typeof f.bitWidth !== 'number') return { reason: `${where}: bit-field width ${f.bitWidth.reason}` };
      const w = f.bitWidth;
      if (w > size * 8) return { reason: `${where}: bit-field wider than its type` };
      const unitBits = size * 8;
      let at = isUnion ? 0 : offBits;
      if (w === 0) {
        at = alignUp(at, natural * 8);
        if (!isUnion) offBits = at;
        continue;
      }
      if (!(f.attrs.packed || packedStruct || pack === 1)) {
        // A bit-field may not straddle a boundary of a unit of its declared type.
        // GCC (place_field): move to the next alignment boundary of the declared type
        // when the field would run past one unit of that type measured from there.
        if ((at % (natural * 8)) + w > unitBits) at = alignUp(at, natural * 8);
      }
      if (f.attrs.aligned) at = alignUp(at, f.attrs.aligned * 8);
      if (f.name !== null) align = Math.max(align, f.attrs.packed || packedStruct ? (f.attrs.aligned ?? 1) : a);
      members.push({ name: f.name, type: f.type, offsetBits: at, sizeBits: size * 8, bitWidth: w, align: a, node: f.node });
      if (isUnion) sizeBits = Math.max(sizeBits, alignUp(w, 8));
      else offBits = at + w;
      continue;
    }
    const at = isUnion ? 0 : alignUp(offBits, a * 8);
    align = Math.max(align, a);
    members.push({ name: f.name, type: f.type, offsetBits: at, sizeBits: size * 8, bitWidth: 0, align: a, node: f.node, ...children(f.type, at, table) });
    if (isUnion) sizeBits = Math.max(sizeBits, size * 8);
    else offBits = at + size * 8;
  }
  if (attrs.aligned) align = Math.max(align, attrs.aligned);
  const end = isUnion ? sizeBits : offBits;
  const size = alignUp(alignUp(end, 8) / 8, align);
  const byName = new Map<string, LaidMember>();
  const index = (ms: LaidMember[]) => {
    for (const m of ms) {
      if (m.name !== null) { if (!byName.has(m.name)) byName.set(m.name, m); }
      else if (m.children) index(m.children);
    }
  };
  index(members);
  return { kind: rec.kind, name: rec.name, size, align, members, packed: packedStruct, node: rec.node, find: (n) => byName.get(n) };
}
