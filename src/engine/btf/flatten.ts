// Ground truth from BTF: `bpftool btf dump file vmlinux -j` → every named
// struct/union with every member reachable by a C designator (anonymous
// members folded in, named nested ones as a.b), absolute bit offsets,
// bit-field widths and byte sizes — the same JSON shape the layout engine's
// flatten() writes, so the two compare member by member.

export interface BtfType {
  id: number;
  kind: string;
  name?: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: Array<{ name?: string; type_id: number; bits_offset: number; bitfield_size?: number }>;
}

export interface BtfMember {
  path: string;
  offset_bits: number;
  bitfield: number;
  size: number;
  type: string;
}

export interface BtfLayout {
  kind: 'struct' | 'union';
  size: number;
  members: BtfMember[];
}

const QUALIFIERS = new Set(['TYPEDEF', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG', 'DECL_TAG']);

export function flattenBtf(types: BtfType[], pointerSize = 8, wanted?: Set<string>): Record<string, BtfLayout> {
  const byId = new Map<number, BtfType>();
  for (const t of types) byId.set(t.id, t);
  const strip = (id: number | undefined): BtfType | undefined => {
    let t = id === undefined ? undefined : byId.get(id);
    for (let guard = 0; t && QUALIFIERS.has(t.kind) && guard < 64; guard++) t = byId.get(t.type_id!);
    return t;
  };
  const sizeOf = (id: number): number => {
    const t = strip(id);
    if (!t) return 0;
    switch (t.kind) {
      case 'INT': case 'ENUM': case 'ENUM64': case 'STRUCT': case 'UNION': case 'FLOAT': return t.size ?? 0;
      case 'PTR': return pointerSize;
      case 'ARRAY': return (t.nr_elems ?? 0) * sizeOf(t.type_id!);
      default: return 0;
    }
  };
  const typeName = (id: number | undefined, depth = 0): string => {
    const t = id === undefined ? undefined : byId.get(id);
    if (!t || depth > 32) return 'void';
    switch (t.kind) {
      case 'TYPEDEF': case 'INT': case 'FLOAT': return t.name ?? '?';
      case 'STRUCT': case 'UNION': case 'ENUM': case 'ENUM64': case 'FWD': {
        const kw = t.kind === 'STRUCT' || t.kind === 'FWD' ? 'struct' : t.kind === 'UNION' ? 'union' : 'enum';
        return `${kw} ${t.name && t.name !== '(anon)' ? t.name : '(anon)'}`;
      }
      case 'PTR': return `${typeName(t.type_id, depth + 1)} *`;
      case 'ARRAY': return `${typeName(t.type_id, depth + 1)}[${t.nr_elems}]`;
      case 'CONST': return `const ${typeName(t.type_id, depth + 1)}`;
      case 'VOLATILE': return `volatile ${typeName(t.type_id, depth + 1)}`;
      case 'RESTRICT': case 'TYPE_TAG': case 'DECL_TAG': return typeName(t.type_id, depth + 1);
      case 'FUNC_PROTO': return 'fn';
      default: return t.kind.toLowerCase();
    }
  };
  const walk = (rec: BtfType, base: number, prefix: string, out: BtfMember[], depth: number) => {
    if (depth > 32) return;
    for (const m of rec.members ?? []) {
      const anonymous = !m.name || m.name === '(anon)';
      const off = base + m.bits_offset;
      if (!anonymous) out.push({ path: prefix + m.name, offset_bits: off, bitfield: m.bitfield_size ?? 0, size: sizeOf(m.type_id), type: typeName(m.type_id) });
      const mt = strip(m.type_id);
      if (mt && (mt.kind === 'STRUCT' || mt.kind === 'UNION')) walk(mt, off, anonymous ? prefix : `${prefix}${m.name}.`, out, depth + 1);
    }
  };
  const result: Record<string, BtfLayout> = {};
  for (const t of types) {
    if ((t.kind !== 'STRUCT' && t.kind !== 'UNION') || !t.name || t.name === '(anon)') continue;
    if (wanted && !wanted.has(t.name)) continue;
    let key = t.kind === 'STRUCT' ? t.name : `union ${t.name}`;
    for (let n = 1; key in result; n++) key = `${t.name}#${n}`;
    const members: BtfMember[] = [];
    walk(t, 0, '', members, 0);
    result[key] = { kind: t.kind === 'STRUCT' ? 'struct' : 'union', size: t.size ?? 0, members };
  }
  return result;
}
