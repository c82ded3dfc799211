// Three ways to show a layout: pahole's text (kernel developers diff it
// against `pahole -C`), the flattened JSON that ../shared/tools/btf-layouts.py
// writes from BTF (so the two compare field by field), and the member tree
// the checks and the editor use.
import type { Node } from 'web-tree-sitter';
import { MemberView, SourcePosition, StructView } from '../checks/layout-view';
import { canonical, CType, typeName } from '../types/type-table';
import { LaidMember, RecordLayout } from './record-layout';

export interface FlatMember {
  path: string;
  offset_bits: number;
  bitfield: number;
  size: number;
  type: string;
}

export interface FlatLayout {
  kind: 'struct' | 'union';
  size: number;
  align: number;
  members: FlatMember[];
}

/** Members reachable by a C designator: anonymous members folded in, named nested ones as a.b. */
export function flatten(l: RecordLayout): FlatLayout {
  const out: FlatMember[] = [];
  const walk = (ms: LaidMember[], prefix: string) => {
    for (const m of ms) {
      if (m.name !== null) {
        out.push({ path: prefix + m.name, offset_bits: m.offsetBits, bitfield: m.bitWidth, size: m.sizeBits / 8, type: typeName(m.type) });
      }
      if (m.children && !(m.name === null && m.bitWidth)) walk(m.children, m.name === null ? prefix : prefix + m.name + '.');
    }
  };
  walk(l.members, '');
  return { kind: l.kind, size: l.size, align: l.align, members: out };
}

/** The member tree for checks and the editor; `position` maps a declaration's node back to the source. */
export function structView(l: RecordLayout, position?: (node: Node) => SourcePosition | undefined): StructView {
  const conv = (ms: LaidMember[], prefix: string): MemberView[] => ms.map((m) => {
    const path = m.name === null ? '' : prefix + m.name;
    const v: MemberView = { name: m.name, path, offsetBits: m.offsetBits, sizeBits: m.bitWidth || m.sizeBits, bitfield: m.bitWidth, type: typeName(m.type) };
    if (m.children) { v.children = conv(m.children, m.name === null ? prefix : path + '.'); v.aggregate = m.aggregate; }
    const decl = position?.(m.node);
    if (decl) v.decl = decl;
    return v;
  });
  const view: StructView = { kind: l.kind, name: l.name ?? '(anon)', size: l.size, align: l.align, members: conv(l.members, '') };
  const decl = position?.(l.node);
  if (decl) view.decl = decl;
  return view;
}

// ------------------------------------------------------------------- pahole

const CACHELINE = 64;

/** pahole spells base types as DWARF does, and arrays as `type name[N]`. */
function declText(t: CType, name: string, field: Node): { type: string; name: string } {
  let suffix = '';
  let cur = t;
  while (cur.k === 'array') { suffix += `[${cur.count === 'flex' ? '' : cur.count}]`; cur = cur.of; }
  if (cur.k === 'ptr' && canonical(cur.to).k === 'func') {
    // the type table keeps no signature, so the return and parameter types are read from the declaration
    const fp = functionPointerText(field, name);
    return fp ? { type: fp.ret, name: `(*${name})(${fp.params})${suffix}` } : { type: 'void', name: `(*${name})(...)${suffix}` };
  }
  return { type: typeName(cur), name: name + suffix };
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Pointer stars above a declarator, and the declarator under them. */
function unwrapPointers(d: Node | null): { stars: number; inner: Node | null } {
  let stars = 0;
  while (d && (d.type === 'pointer_declarator' || d.type === 'abstract_pointer_declarator')) {
    stars++;
    d = d.childForFieldName('declarator');
  }
  return { stars, inner: d };
}

function spelled(type: string, stars: number): string {
  return stars ? `${type} ${'*'.repeat(stars)}` : type;
}

function functionPointerText(field: Node, name: string): { ret: string; params: string } | undefined {
  if (field.type !== 'field_declaration') return undefined;
  const typeNode = field.childForFieldName('type');
  if (!typeNode) return undefined;
  const quals = (n: Node) => n.namedChildren.filter((c) => c?.type === 'type_qualifier').map((c) => c!.text + ' ').join('');
  for (const d of field.childrenForFieldName('declarator')) {
    if (!d || !d.descendantsOfType('field_identifier').some((f) => f?.text === name)) continue;
    const { stars, inner } = unwrapPointers(d);
    if (inner?.type !== 'function_declarator') return undefined;
    const params = inner.childForFieldName('parameters')?.namedChildren.map((p) => {
      if (!p) return '';
      if (p.type === 'variadic_parameter') return '...';
      const pt = p.childForFieldName('type');
      const { stars: ps } = unwrapPointers(p.childForFieldName('declarator'));
      return spelled(quals(p) + squash(pt?.text ?? ''), ps);
    }) ?? [];
    return { ret: spelled(quals(field) + squash(typeNode.text), stars), params: params.join(', ') };
  }
  return undefined;
}

/** pahole starts the offset comment at column 57 (tabs of 8), at least one space after the declaration. */
function commentColumn(decl: string, indent: number): string {
  const width = 49 - 8 * (indent - 1);
  return decl.length + 1 >= width ? decl + ' ' : decl.padEnd(width);
}

/** pahole counts a bit-field's offset from the start of its storage unit (the declared type's size). */
function bitComment(m: LaidMember): string {
  const unitBits = m.sizeBits || 8;
  const unitStart = Math.floor(m.offsetBits / unitBits) * unitBits;
  return `/* ${String(unitStart / 8).padStart(5)}:${String(m.offsetBits - unitStart).padStart(2)} ${String(m.sizeBits / 8).padStart(2)} */`;
}

interface Stats {
  members: number;
  sumMembers: number;
  holes: number;
  sumHoles: number;
  bitHoles: number;
  cacheline: { last: number };
  sumBitHoles: number;
  bitMembers: number;
}

function memberLines(ms: LaidMember[], indent: number, base: number, out: string[], stats: Stats, top: boolean, endBits: number, isUnion: boolean): void {
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    const off = m.offsetBits / 8;
    const cl = Math.floor(off / CACHELINE);
    // one running cacheline for the whole print, as pahole keeps it: nested structs mark boundaries too
    if (!isUnion && cl > stats.cacheline.last && m.offsetBits % 8 === 0) {
      const ago = Math.floor(off) - cl * CACHELINE;
      out.push(`${'\t'.repeat(indent)}/* --- cacheline ${cl} boundary (${cl * CACHELINE} bytes)${ago ? ` was ${ago} byte${ago === 1 ? '' : 's'} ago` : ''} --- */`);
      stats.cacheline.last = cl;
    }
    // pahole writes out anonymous members and named members of an anonymous type in place
    // (a typedef'd anonymous struct such as atomic_t keeps its typedef name)
    const inline = m.children && (m.name === null || (m.type.k === 'record' && m.type.rec.name === null));
    if (inline && m.children) {
      out.push(`${'\t'.repeat(indent)}${m.aggregate ?? 'struct'} {`);
      const sub: Stats = { members: 0, sumMembers: 0, holes: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, bitMembers: 0, cacheline: stats.cacheline };
      memberLines(m.children, indent + 1, m.offsetBits, out, sub, false, m.offsetBits + m.sizeBits, m.aggregate === 'union');
      out.push(`${'\t'.repeat(indent)}${commentColumn(m.name === null ? '};' : `} ${m.name};`, indent)}/* ${String(Math.floor(off)).padStart(5)} ${String(m.sizeBits / 8).padStart(5)} */`);
    } else {
      const { type, name } = declText(m.type, m.name ?? '', m.node);
      // pahole: type in 26 columns, name in 21, tabs of deeper nesting eat into the type column
      const typeCol = Math.abs(26 - 8 * (indent - 1)); // pahole passes a negative printf width: left-justified, abs
      const left = commentColumn(`${type.padEnd(typeCol)} ${name}${m.bitWidth ? `:${m.bitWidth}` : ''};`, indent);
      const comment = m.bitWidth
        ? bitComment(m)
        : `/* ${String(off).padStart(5)} ${String(m.sizeBits / 8).padStart(5)} */`;
      out.push(`${'\t'.repeat(indent)}${left}${comment}`);
    }
    stats.members++;
    stats.sumMembers += m.bitWidth ? 0 : m.sizeBits / 8;
    stats.bitMembers += m.bitWidth;
    if (isUnion) continue;
    // a hole before the next member (or before the end of the enclosing struct)
    const next = ms.slice(i + 1).find((x) => !x.bitWidth || x.offsetBits % 8 === 0);
    const endThis = m.bitWidth ? Math.ceil((m.offsetBits + m.bitWidth) / 8) * 8 : m.offsetBits + m.sizeBits;
    if (m.bitWidth && ms[i + 1]?.bitWidth && ms[i + 1].offsetBits < endThis) continue;
    // pahole shows no trailing hole inside an anonymous struct: that is the enclosing union's business
    const nextStart = next ? next.offsetBits : undefined;
    if (nextStart === undefined) continue;
    const from = endThis;
    if (m.bitWidth) {
      // the rest of the last bit-field's byte is a bit hole, then whole bytes
      const bitHole = endThis - (m.offsetBits + m.bitWidth);
      if (bitHole > 0) {
        out.push(`\n${'\t'.repeat(indent)}/* XXX ${bitHole} bit${bitHole === 1 ? '' : 's'} hole, try to pack */`);
        stats.bitHoles++;
        stats.sumBitHoles += bitHole;
      }
    }
    if (nextStart - from >= 8) {
      const hole = (nextStart - from) / 8;
      out.push(`${m.bitWidth && endThis - (m.offsetBits + m.bitWidth) > 0 ? '' : '\n'}${'\t'.repeat(indent)}/* XXX ${hole} byte${hole === 1 ? '' : 's'} hole, try to pack */\n`);
      stats.holes++;
      stats.sumHoles += hole;
    }
  }
}

export function pahole(l: RecordLayout): string {
  const out: string[] = [`${l.kind} ${l.name ?? ''} {`.replace('  {', ' {')];
  const stats: Stats = { members: 0, sumMembers: 0, holes: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, bitMembers: 0, cacheline: { last: 0 } };
  memberLines(l.members, 1, 0, out, stats, true, l.size * 8, l.kind === 'union');
  const last = l.members[l.members.length - 1];
  const endBits = l.kind === 'union' ? 0 : last ? last.offsetBits + (last.bitWidth || last.sizeBits) : 0;
  const padding = l.kind === 'union' ? 0 : l.size - Math.ceil(endBits / 8);
  const cachelines = Math.ceil(l.size / CACHELINE);
  out.push('');
  out.push(`\t/* size: ${l.size}, cachelines: ${cachelines}, members: ${l.members.length} */`);
  if (stats.holes) out.push(`\t/* sum members: ${stats.sumMembers}, holes: ${stats.holes}, sum holes: ${stats.sumHoles} */`);
  if (stats.bitMembers) {
    const bits = stats.bitMembers;
    out.push(stats.bitHoles
      ? `\t/* sum bitfield members: ${bits} bits, bit holes: ${stats.bitHoles}, sum bit holes: ${stats.sumBitHoles} bits */`
      : `\t/* sum bitfield members: ${bits} bits${bits % 8 === 0 ? ` (${bits / 8} bytes)` : ''} */`);
  }
  if (padding > 0) out.push(`\t/* padding: ${padding} */`);
  const lastCl = l.size % CACHELINE;
  if (lastCl) out.push(`\t/* last cacheline: ${lastCl} bytes */`);
  out.push('};');
  return out.join('\n') + '\n';
}
