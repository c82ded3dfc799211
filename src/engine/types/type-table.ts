// The type table of one translation unit: struct/union/enum tags, typedefs
// and enumerators, found by name in the unit's declaration list and resolved
// only when a layout or an expression asks (the closure of mm_types.h +
// skbuff.h holds thousands of structs; a request for struct page touches a
// few dozen, and only their declarations are ever parsed).
import type { Node } from 'web-tree-sitter';
import { DataModel } from '../abi/data-models';
import { EvalResult, Expr, IntType, TypeRef } from '../eval/expr';
import { evaluate, EvalContext } from '../eval/evaluate';
import { exprFromSyntax } from '../eval/from-syntax';
import { AttributeGroup } from '../parse/gnu-extensions';
import { DeclarationSource, declaratorName, definitionsOf, ParsedDeclaration } from '../parse/declaration-parses';
import { firstNameOf, NameKind, renumbered } from '../parse/declarations';

export type CType =
  | { k: 'void' }
  | { k: 'int'; name: string; size: number; align: number; fieldAlign: number; signed: boolean }
  | { k: 'float'; name: string; size: number; align: number; fieldAlign: number }
  | { k: 'ptr'; to: CType }
  | { k: 'array'; of: CType; count: number | 'flex' }
  | { k: 'record'; rec: RecordDecl }
  | { k: 'enum'; decl: EnumDecl }
  | { k: 'func' }
  | { k: 'typedef'; name: string; of: CType; align?: number }
  | { k: 'unknown'; reason: string };

export interface Attributes {
  /** aligned(N) in bytes; 0 for aligned without argument (the biggest alignment) */
  aligned?: number;
  packed?: boolean;
  randomize?: boolean;
  /** an attribute argument that could not be evaluated */
  problem?: string;
}

export interface FieldDecl {
  name: string | null;
  type: CType;
  bitWidth?: number | { reason: string };
  attrs: Attributes;
  node: Node;
}

export interface RecordDecl {
  kind: 'struct' | 'union';
  name: string | null;
  node: Node;
  /** undefined until resolved */
  fields?: FieldDecl[];
  attrs?: Attributes;
  /** set when the body cannot be read */
  error?: string;
  complete: boolean;
}

/** A record of an earlier table: reused where `parse` still defines it and each of `deps` resolves the same. */
export interface ReusableRecord {
  rec: RecordDecl;
  parse: ParsedDeclaration | null;
  deps: Map<string, ParsedDeclaration | null>;
}

export interface EnumDecl {
  name: string | null;
  node: Node | null;
  values?: Map<string, bigint>;
  size?: number;
  signed?: boolean;
  error?: string;
}

const UNSIGNED_NAMES: Record<string, string> = {
  char: 'unsigned char', short: 'short unsigned int', int: 'unsigned int', long: 'long unsigned int', 'long long': 'long long unsigned int', __int128: '__int128 unsigned',
};
const SIGNED_NAMES: Record<string, string> = {
  char: 'char', short: 'short int', int: 'int', long: 'long int', 'long long': 'long long int', __int128: '__int128',
};

/** Candidate declarations per name and kind (struct and union tags share a namespace). */
interface NameIndex {
  records: Map<string, Candidates>;
  enums: Map<string, Candidates>;
  enumerators: Map<string, Candidates>;
  typedefs: Map<string, Candidates>;
}

/** One declaration (most names have one: no array made for each of a unit's 20 000+ names), or several in order. */
type Candidates = number | number[];

function listOf(c: Candidates | undefined): number[] | undefined {
  return typeof c === 'number' ? [c] : c;
}

interface EditedIndex {
  base: (kind: keyof NameIndex, name: string) => number[] | undefined;
  decl: number;
  oldEnd: number;
  newEnd: number;
  region: NameIndex;
  depth: number;
}

function emptyIndex(): NameIndex {
  return { records: new Map(), enums: new Map(), enumerators: new Map(), typedefs: new Map() };
}

/** An inherited index's candidates for a name: the old ones before the edit, the edit's own, the old ones after it moved. */
function moved(e: EditedIndex, kind: keyof NameIndex, name: string): number[] | undefined {
  const old = e.base(kind, name);
  const mine = listOf(e.region[kind].get(name));
  if (!old) return mine;
  const out = renumbered(old, e.decl, e.oldEnd, e.newEnd, mine ?? []);
  return out.length ? out : undefined;
}

function addName(b: NameIndex, name: string, kind: NameKind, decl: number): void {
  const m = kind === NameKind.Struct || kind === NameKind.Union ? b.records : kind === NameKind.Enum ? b.enums : kind === NameKind.Enumerator ? b.enumerators : b.typedefs;
  const l = m.get(name);
  if (l === undefined) m.set(name, decl);
  else if (typeof l === 'number') { if (l !== decl) m.set(name, [l, decl]); }
  else if (l[l.length - 1] !== decl) l.push(decl);
}

export function typeName(t: CType): string {
  switch (t.k) {
    case 'void': return 'void';
    case 'int': case 'float': return t.name;
    case 'ptr': return t.to.k === 'func' ? 'fn *' : `${typeName(t.to)} *`;
    case 'array': return `${typeName(t.of)}[${t.count === 'flex' ? 0 : t.count}]`;
    case 'record': return `${t.rec.kind} ${t.rec.name ?? '(anon)'}`;
    case 'enum': return `enum ${t.decl.name ?? '(anon)'}`;
    case 'func': return 'fn';
    case 'typedef': return t.name;
    case 'unknown': return '?';
  }
}

/** Strips typedefs. */
export function canonical(t: CType): CType {
  while (t.k === 'typedef') t = t.of;
  return t;
}

/** A struct or union specifier's members as fieldsOf reads them (see recordSyntax). */
interface RecordSyntax {
  spec: Node;
  /** the first ERROR or MISSING node of the body */
  error?: Node;
  attrs: AttributeGroup[];
  fields: Array<{
    node: Node;
    type: Node;
    /** _Alignas arguments: type_descriptor or expression nodes */
    alignas: Node[];
    attrs: AttributeGroup[];
    /** a bit-field width without a declarator (`int :3;`): the clause's expression; undefined: no clause */
    width?: Node | null;
    declarators: Array<{ node: Node; unnamed: boolean; width?: Node | null }>;
  }>;
}
const recordSyntaxes = new WeakMap<ParsedDeclaration, Map<number, RecordSyntax>>();

export class TypeTable {
  /** resolved tags; null: looked up and not defined */
  private readonly recordTags = new Map<string, RecordDecl | null>();
  private readonly enumTags = new Map<string, EnumDecl | null>();
  private readonly typedefNodes = new Map<string, { type: Node; declarator: Node; def: Node } | null>();
  private readonly typedefs = new Map<string, CType>();
  private readonly resolving = new Set<string>();
  private readonly enumerators = new Map<string, EnumDecl | null>();
  private readonly anonRecords = new Map<number, RecordDecl>();
  private readonly anonEnums = new Map<number, EnumDecl>();
  private byName?: NameIndex;
  /** the index of the table this one was edited from, what the edit replaced, and the replacement's own names (see inheritIndex) */
  private editedFrom?: EditedIndex;

  /**
   * A second reading of an array bound the expression model cannot take
   * (sizeof of an object, BUILD_BUG_ON_ZERO's inline struct, __typeof__
   * casts): the assert checker's typed evaluator, set before any layout.
   */
  arraySizeFallback?: (size: Node) => EvalResult | undefined;

  /**
   * Records of the table this one was edited from, with what their layouts
   * looked up: reused when every name resolves to the same parse here.
   */
  private readonly inherited: Map<string, ReusableRecord>;
  /** lookup key ('r:page', 't:u64', 'e:pb', 'n:PB_A') → the parse that answered it here (null: none) */
  private readonly answered = new Map<string, ParsedDeclaration | null>();
  /** the lookups of the layouts being computed, innermost last; null once one of them read something untracked */
  private readonly collectors: Array<Map<string, ParsedDeclaration | null> | null> = [];

  constructor(
    /** the unit's declarations, parsed on demand */
    readonly source: DeclarationSource,
    readonly model: DataModel,
    /** parses a type name outside the unit (assert conditions): returns a type_descriptor node */
    private readonly parseTypeName?: (text: string) => Node | undefined,
    /** #pragma pack in force at a text offset (0: none) */
    readonly packAt: (offset: number) => number = () => 0,
    /** where an offset of the unit's text was written, for messages */
    private readonly describe: (offset: number) => string = (o) => `offset ${o} of the expanded text`,
    inherited?: Map<string, ReusableRecord>,
  ) {
    this.inherited = inherited ?? new Map();
  }

  // ------------------------------------------------------- reuse after edits

  private note(key: string): void {
    const p = this.answered.get(key) ?? null;
    for (const c of this.collectors) c?.set(key, p);
  }

  /** Runs `fn` noting every name it looks up (a record's layout holds wherever they resolve the same). */
  collect<T>(fn: () => T): { value: T; deps: Map<string, ParsedDeclaration | null> | undefined } {
    this.collectors.push(new Map());
    try {
      const value = fn();
      return { value, deps: this.collectors[this.collectors.length - 1] ?? undefined };
    } finally {
      this.collectors.pop();
    }
  }

  /** A finished layout's lookups count for the layouts using it; undefined: it read something untracked. */
  noteAll(deps: Map<string, ParsedDeclaration | null> | undefined): void {
    if (!deps) { this.untracked(); return; }
    for (const c of this.collectors) if (c) for (const [k, p] of deps) c.set(k, p);
  }

  /** The layouts being computed read something no lookup key covers: they are never reused. */
  untracked(): void {
    for (let i = 0; i < this.collectors.length; i++) this.collectors[i] = null;
  }

  private resolves(key: string): ParsedDeclaration | null {
    const name = key.slice(2);
    switch (key[0]) {
      case 'r': this.record(name); break;
      case 't': this.typedefNode(name); break;
      case 'e': this.enumTag(name); break;
      default: this.enumeratorOf(name);
    }
    return this.answered.get(key) ?? null;
  }

  /** What a table edited from this one may reuse: the records whose layouts are known, with their lookups. */
  reusableRecords(layoutDeps: (rec: RecordDecl) => Map<string, ParsedDeclaration | null> | undefined): Map<string, ReusableRecord> {
    const out = new Map(this.inherited);
    for (const [name, rec] of this.recordTags) {
      const deps = rec && layoutDeps(rec);
      if (rec && deps) out.set(name, { rec, parse: this.answered.get(`r:${name}`) ?? null, deps });
    }
    return out;
  }

  /** Expressions read with this target's integer widths. */
  expr(n: Node | null): Expr {
    return exprFromSyntax(n, this.model.long.size * 8);
  }

  // ----------------------------------------------------------------- names

  /**
   * After an edit that replaced declarations [decl, oldEnd) of `table`'s unit
   * with [decl, newEnd) of this one: candidates come from the old table's
   * index, moved, and from the replaced declarations' own names (an index of
   * 20 000 names per unit is not rebuilt per keystroke). A chain of edits is
   * joined into a plain index every 16.
   */
  inheritIndex(table: TypeTable, decl: number, oldEnd: number, newEnd: number): void {
    // the old table's declaration list was changed in place by the update: only an index it already has is of use
    if (this.byName || (!table.byName && !table.editedFrom)) return;
    const depth = table.editedFrom ? table.editedFrom.depth + 1 : 0;
    if (depth >= 16) return;
    const base = table.indexLookup();
    const region = emptyIndex();
    const { names, kinds, decls } = this.source.list;
    for (let k = firstNameOf(this.source.list, decl); k < decls.length && decls[k] < newEnd; k++) addName(region, names[k], kinds[k], decls[k]);
    this.editedFrom = { base, decl, oldEnd, newEnd, region, depth };
  }

  /** This table's candidates by kind and name, holding no more of it than the index. */
  private indexLookup(): (kind: keyof NameIndex, name: string) => number[] | undefined {
    const e = this.editedFrom, b = this.byName;
    return b ? (kind, name) => listOf(b[kind].get(name)) : (kind, name) => moved(e!, kind, name);
  }

  /** Candidate declarations per name, from the splitter's list (later ones win, as a redefinition would). */
  private candidates(): NameIndex {
    if (this.byName) return this.byName;
    const b = emptyIndex();
    const { names, kinds, decls } = this.source.list;
    for (let k = 0; k < names.length; k++) addName(b, names[k], kinds[k], decls[k]);
    this.editedFrom = undefined;
    return (this.byName = b);
  }

  /** The candidates for one name of one kind. */
  private candidatesOf(kind: keyof NameIndex, name: string): number[] | undefined {
    const e = this.editedFrom;
    return !this.byName && e ? moved(e, kind, name) : listOf(this.candidates()[kind].get(name));
  }

  /** The last declaration among `decls` whose parse defines `name` in `pick`'s map; noted under `key`. */
  private lookup<T>(key: string, decls: number[] | undefined, pick: (p: ParsedDeclaration) => T | undefined): T | undefined {
    let found: T | undefined;
    let from: ParsedDeclaration | null = null;
    for (let i = (decls?.length ?? 0) - 1; i >= 0; i--) {
      const p = this.source.parse(decls![i]);
      found = pick(p);
      if (found !== undefined) { from = p; break; }
    }
    this.answered.set(key, from);
    this.note(key);
    return found;
  }

  /** The offset of a node in the unit's text. */
  offsetOf(n: Node): number {
    const o = this.source.ownerOf(n.tree);
    return (o?.base ?? 0) + n.startIndex;
  }

  private parsedOf(n: Node): ParsedDeclaration | undefined {
    return this.source.ownerOf(n.tree)?.parsed;
  }

  /** Every struct/union tag the unit's declarations may define, in text order. */
  recordNames(): string[] {
    return [...this.candidates().records.keys()];
  }

  /**
   * The struct and union names declarations `decls` may define, in the
   * order recordNames() has them (by their first mention in the unit). Read
   * off the declaration list: the edit path's inherited index is not
   * flattened for it (20 000 names, ~1 ms a keystroke).
   */
  recordNamesIn(decls: Iterable<number>): string[] {
    const l = this.source.list;
    const found = new Set<string>();
    for (const d of decls) {
      for (let k = firstNameOf(l, d); k < l.decls.length && l.decls[k] === d; k++) {
        if (l.kinds[k] === NameKind.Struct || l.kinds[k] === NameKind.Union) found.add(l.names[k]);
      }
    }
    // first mention: the name's first candidate declaration, then its place among that declaration's names
    const firstAt = (name: string): number => {
      const d = this.candidatesOf('records', name)?.[0] ?? -1;
      for (let k = firstNameOf(l, d); k < l.decls.length && l.decls[k] === d; k++) {
        if (l.names[k] === name && (l.kinds[k] === NameKind.Struct || l.kinds[k] === NameKind.Union)) return k;
      }
      return -1;
    };
    return [...found].map((n) => [firstAt(n), n] as const).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  }

  record(name: string): RecordDecl | undefined {
    const key = `r:${name}`;
    const have = this.recordTags.get(name);
    if (have !== undefined) { this.note(key); return have ?? undefined; }
    const node = this.lookup(key, this.candidatesOf('records', name), (p) => definitionsOf(p).records.get(name));
    // The record as the table this one was edited from had it, layout and all, when nothing it read has changed.
    const old = this.inherited.get(name);
    if (old && node && old.rec.node === node && old.parse === this.answered.get(key)) {
      this.inherited.delete(name);
      this.recordTags.set(name, null); // a record that reads itself (through a pointer) sees it as in progress
      let same = true;
      for (const [k, p] of old.deps) if (this.resolves(k) !== p) { same = false; break; }
      this.recordTags.delete(name);
      if (same) { this.recordTags.set(name, old.rec); return old.rec; }
    }
    const rec: RecordDecl | null = node ? { kind: node.type === 'union_specifier' ? 'union' : 'struct', name, node, complete: true } : null;
    this.recordTags.set(name, rec);
    return rec ?? undefined;
  }

  private enumTag(name: string): EnumDecl | undefined {
    const have = this.enumTags.get(name);
    if (have !== undefined) { this.note(`e:${name}`); return have ?? undefined; }
    const node = this.lookup(`e:${name}`, this.candidatesOf('enums', name), (p) => definitionsOf(p).enums.get(name));
    const e: EnumDecl | null = node ? { name, node } : null;
    this.enumTags.set(name, e);
    return e ?? undefined;
  }

  private enumeratorOf(name: string): EnumDecl | undefined {
    const have = this.enumerators.get(name);
    if (have !== undefined) { this.note(`n:${name}`); return have ?? undefined; }
    const spec = this.lookup(`n:${name}`, this.candidatesOf('enumerators', name), (p) => definitionsOf(p).enumerators.get(name));
    const e = spec ? this.enumOf(spec) : null;
    this.enumerators.set(name, e);
    return e ?? undefined;
  }

  private typedefNode(name: string): { type: Node; declarator: Node; def: Node } | undefined {
    const have = this.typedefNodes.get(name);
    if (have !== undefined) { this.note(`t:${name}`); return have ?? undefined; }
    const def = this.lookup(`t:${name}`, this.candidatesOf('typedefs', name), (p) => definitionsOf(p).typedefs.get(name)) ?? null;
    this.typedefNodes.set(name, def);
    return def ?? undefined;
  }

  hasTypedef(name: string): boolean {
    return this.typedefNode(name) !== undefined;
  }

  /** Whether a file-scope enum declares the enumerator `name`. */
  hasEnumerator(name: string): boolean {
    return this.enumeratorOf(name) !== undefined;
  }

  /** The declarations that may define the typedef `name`, in text order: the name index's candidates. */
  typedefCandidates(name: string): readonly number[] {
    return this.candidatesOf('typedefs', name) ?? [];
  }

  // ------------------------------------------------------------- attributes

  /** Attribute groups whose start lies in [from, to) of the declaration `at` belongs to. */
  attributesIn(at: Node, from: number, to: number): AttributeGroup[] {
    const p = this.parsedOf(at);
    if (!p) return [];
    const a = p.attrStarts;
    let lo = 0, hi = a.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < from) lo = mid + 1; else hi = mid; }
    const out: AttributeGroup[] = [];
    for (let i = lo; i < a.length && a[i] < to; i++) out.push(p.attributes[i]);
    return out;
  }

  readAttributes(groups: AttributeGroup[], into: Attributes = {}): Attributes {
    for (const g of groups) {
      for (const it of g.items) {
        if (it.name === 'packed') into.packed = true;
        else if (it.name === 'randomize_layout') into.randomize = true;
        else if (it.name === 'aligned') {
          if (it.args === undefined || it.args.trim() === '') into.aligned = Math.max(into.aligned ?? 0, this.model.biggestAlignment);
          else {
            const v = this.evaluateText(it.args);
            if (v.ok) into.aligned = Math.max(into.aligned ?? 0, Number(v.value));
            else into.problem = `aligned(${it.args.trim()}): ${v.reason}`;
          }
        }
      }
    }
    return into;
  }

  /** Evaluates an expression written as text (attribute arguments). */
  evaluateText(text: string): EvalResult {
    const t = text.trim();
    if (/^\d+[uUlL]*$/.test(t) || /^0[xX][0-9a-fA-F]+[uUlL]*$/.test(t)) {
      return { ok: true, value: BigInt(t.replace(/[uUlL]+$/, '')), type: { bits: 32, signed: true } };
    }
    const node = this.parseTypeName?.(`__OL_EXPR__(${t})`);
    if (!node) return { ok: false, reason: `cannot read '${t}'` };
    return evaluate(this.expr(node), this.evalContext());
  }

  // ------------------------------------------------------------- resolution

  /** The type named by a specifier node (struct_specifier, type_identifier, primitive_type ...). */
  specifierType(spec: Node, quals: Node[] = []): CType {
    switch (spec.type) {
      case 'primitive_type': return this.primitive(spec.text);
      case 'sized_type_specifier': return this.sized(spec);
      case 'type_identifier': return this.typedefType(spec.text);
      case 'struct_specifier': case 'union_specifier': return { k: 'record', rec: this.recordOf(spec) };
      case 'enum_specifier': return { k: 'enum', decl: this.enumOf(spec) };
      case 'macro_type_specifier': {
        // typeof(type) / __typeof__(type)
        const t = spec.childForFieldName('type');
        const name = spec.childForFieldName('name')?.text ?? '';
        if (t && /^(typeof|__typeof__|__typeof|typeof_unqual|__typeof_unqual__)$/.test(name)) return this.typeDescriptor(t);
        return { k: 'unknown', reason: `cannot read type ${spec.text.slice(0, 60)}` };
      }
      default:
        void quals;
        return { k: 'unknown', reason: `cannot read type '${spec.text.slice(0, 60)}' (${spec.type})` };
    }
  }

  private primitive(name: string): CType {
    const m = this.model;
    switch (name) {
      case 'void': return { k: 'void' };
      case 'char': return { k: 'int', name: 'char', ...m.char, fieldAlign: m.char.align, signed: m.charSigned };
      case 'short': return this.intType('short', true);
      case 'int': case 'signed': return this.intType('int', true);
      case 'unsigned': return this.intType('int', false);
      case 'long': return this.intType('long', true);
      // the kernel's `typedef _Bool bool;` keeps its name (pahole prints bool); tree-sitter reads bool as a primitive
      case 'bool': return this.hasTypedef('bool') ? this.typedefType('bool') : this.primitive('_Bool');
      case '_Bool': return { k: 'int', name: '_Bool', size: m.bool.size, align: m.bool.align, fieldAlign: m.bool.align, signed: false };
      case 'float': return { k: 'float', name: 'float', size: m.float.size, align: m.float.align, fieldAlign: m.float.fieldAlign ?? m.float.align };
      case 'double': return { k: 'float', name: 'double', size: m.double.size, align: m.double.align, fieldAlign: m.double.fieldAlign ?? m.double.align };
      case 'size_t': return this.typedefType('size_t');
      case 'ssize_t': return this.typedefType('ssize_t');
      case 'uintptr_t': case 'intptr_t': case 'ptrdiff_t': return this.typedefType(name);
      case 'int8_t': case 'int16_t': case 'int32_t': case 'int64_t': case 'uint8_t': case 'uint16_t': case 'uint32_t': case 'uint64_t':
        return this.typedefType(name);
      case 'char16_t': case 'char32_t': case 'char8_t': case 'nullptr_t': return this.typedefType(name);
      case '__int128': return this.intType('__int128', true);
      default: return { k: 'unknown', reason: `unknown base type ${name}` };
    }
  }

  private intType(base: 'short' | 'int' | 'long' | 'long long' | '__int128' | 'char', signed: boolean, explicitSigned = false): CType {
    const m = this.model;
    const bt = base === 'short' ? m.short : base === 'int' ? m.int : base === 'long' ? m.long : base === 'long long' ? m.longLong : base === 'char' ? m.char : m.int128;
    if (!bt) return { k: 'unknown', reason: `${base} does not exist on ${m.arch}` };
    const name = base === 'char' ? (signed ? (explicitSigned ? 'signed char' : 'char') : 'unsigned char') : signed ? SIGNED_NAMES[base] : UNSIGNED_NAMES[base];
    return { k: 'int', name, size: bt.size, align: bt.align, fieldAlign: bt.fieldAlign ?? bt.align, signed: base === 'char' && !explicitSigned && signed ? m.charSigned : signed };
  }

  private sized(spec: Node): CType {
    // unsigned long long int, short unsigned, signed char, long double ...
    const words = spec.text.replace(/\b(__signed__|__signed)\b/g, 'signed').split(/\s+/).filter(Boolean);
    let unsigned = false, signed = false, longs = 0, short = false;
    let base: string | undefined;
    for (const w of words) {
      if (w === 'unsigned') unsigned = true;
      else if (w === 'signed') signed = true;
      else if (w === 'long') longs++;
      else if (w === 'short') short = true;
      else if (w === 'int') base ??= 'int';
      else base = w;
    }
    if (base === 'double') {
      const ld = this.model.longDouble;
      return longs ? { k: 'float', name: 'long double', size: ld.size, align: ld.align, fieldAlign: ld.fieldAlign ?? ld.align } : this.primitive('double');
    }
    if (base === 'char') return this.intType('char', !unsigned, signed);
    if (base === '__int128') return this.intType('__int128', !unsigned);
    if (base && base !== 'int') {
      if (base === '_Bool' || base === 'bool') return this.primitive(base);
      return { k: 'unknown', reason: `cannot read type '${spec.text}'` };
    }
    const kind = short ? 'short' : longs >= 2 ? 'long long' : longs === 1 ? 'long' : 'int';
    return this.intType(kind, !unsigned);
  }

  typedefType(name: string): CType {
    const have = this.typedefs.get(name);
    if (have) return have;
    const def = this.typedefNode(name);
    if (!def) {
      // compiler built-in type names that tree-sitter reads as identifiers
      if (name === '_Bool') return this.primitive('_Bool');
      if (name === '__int128' || name === '__int128_t') return this.intType('__int128', true);
      if (name === '__uint128_t') return this.intType('__int128', false);
      if (name === '__builtin_va_list') return { k: 'typedef', name, of: this.model.pointer.size === 8 ? { k: 'array', of: { k: 'int', name: 'char', size: 24, align: 8, fieldAlign: 8, signed: false }, count: 1 } : { k: 'ptr', to: { k: 'void' } } };
      return { k: 'unknown', reason: `unknown type name '${name}'` };
    }
    if (this.resolving.has(name)) return { k: 'unknown', reason: `typedef ${name} refers to itself` };
    this.resolving.add(name);
    try {
      const base = this.specifierType(def.type);
      const of = this.applyDeclarator(def.declarator, base);
      // aligned() in a typedef may raise or lower alignment (GCC).
      const attrs = this.readAttributes(this.typedefAttributes(def.def));
      const t: CType = { k: 'typedef', name, of: of.type, ...(attrs.aligned ? { align: attrs.aligned } : {}) };
      this.typedefs.set(name, t);
      return t;
    } finally {
      this.resolving.delete(name);
    }
  }

  /** Attributes of a typedef declaration that are not inside a struct body. */
  private typedefAttributes(def: Node): AttributeGroup[] {
    const type = def.childForFieldName('type');
    const body = type?.childForFieldName('body');
    return this.attributesIn(def, def.startIndex, def.endIndex).filter((g) => {
      if (!body) return true;
      // after the body's closing brace but before the declarator: it belongs to the struct type
      if (g.start >= body.startIndex && g.start < body.endIndex) return false;
      if (g.start >= body.endIndex && type && g.start < (def.childForFieldName('declarator')?.startIndex ?? def.endIndex)) return false;
      if (type && g.start < body.startIndex && g.start > type.startIndex) return false;
      return true;
    });
  }

  recordOf(spec: Node): RecordDecl {
    const kind = spec.type === 'union_specifier' ? 'union' : 'struct';
    const nameNode = spec.childForFieldName('name');
    const body = spec.childForFieldName('body');
    if (nameNode) {
      const have = this.record(nameNode.text);
      if (have && have.kind === kind) return have;
      // only a forward declaration or a use of an undefined tag
      const fwd: RecordDecl = { kind, name: nameNode.text, node: spec, complete: false };
      if (body) { fwd.complete = true; this.recordTags.set(nameNode.text, fwd); }
      return fwd;
    }
    let r = this.anonRecords.get(spec.id);
    if (!r) { r = { kind, name: null, node: spec, complete: !!body }; this.anonRecords.set(spec.id, r); }
    return r;
  }

  private enumOf(spec: Node): EnumDecl {
    const nameNode = spec.childForFieldName('name');
    if (nameNode) return this.enumTag(nameNode.text) ?? { name: nameNode.text, node: null, error: `enum ${nameNode.text} is not defined` };
    let e = this.anonEnums.get(spec.id);
    if (!e) { e = { name: null, node: spec }; this.anonEnums.set(spec.id, e); }
    return e;
  }

  /** Applies a declarator chain to a base type: pointers, arrays, functions; returns the declared name too. */
  applyDeclarator(d: Node | null, base: CType): { name: string | null; type: CType } {
    let t = base;
    let n: Node | null = d;
    for (let guard = 0; n && guard < 64; guard++) {
      switch (n.type) {
        case 'field_identifier': case 'identifier': case 'type_identifier': case 'primitive_type':
          return { name: n.text, type: t };
        case 'pointer_declarator': case 'abstract_pointer_declarator':
          t = { k: 'ptr', to: t };
          n = n.childForFieldName('declarator');
          continue;
        case 'array_declarator': case 'abstract_array_declarator': {
          const size = n.childForFieldName('size');
          if (!size) t = { k: 'array', of: t, count: 'flex' };
          else {
            let v = evaluate(this.expr(size), this.evalContext());
            if (!v.ok && this.arraySizeFallback) { v = this.arraySizeFallback(size) ?? v; this.untracked(); }
            if (!v.ok) return { name: declaratorName(n), type: { k: 'unknown', reason: `array size ${size.text.replace(/\s+/g, ' ').slice(0, 80)}: ${v.reason}` } };
            t = { k: 'array', of: t, count: Number(v.value) };
          }
          n = n.childForFieldName('declarator');
          continue;
        }
        case 'function_declarator': case 'abstract_function_declarator':
          t = { k: 'func' };
          n = n.childForFieldName('declarator');
          continue;
        case 'parenthesized_declarator': case 'abstract_parenthesized_declarator':
          n = n.namedChildren.find((c) => c && c.type !== 'comment' && !c.type.endsWith('qualifier')) ?? null;
          continue;
        case 'attributed_declarator':
          n = n.namedChildren.find((c) => c && c.type !== 'attribute_declaration') ?? null;
          continue;
        default:
          if (n.type.endsWith('qualifier')) { n = null; continue; }
          return { name: null, type: { k: 'unknown', reason: `cannot read declarator '${n.text.slice(0, 60)}' (${n.type})` } };
      }
    }
    return { name: null, type: t };
  }

  /** A type_descriptor node (sizeof(T), casts, typeof(T)). */
  typeDescriptor(td: Node): CType {
    const spec = td.childForFieldName('type');
    if (!spec) return { k: 'unknown', reason: `cannot read type '${td.text}'` };
    return this.applyDeclarator(td.childForFieldName('declarator'), this.specifierType(spec)).type;
  }

  typeOfRef(t: TypeRef): CType {
    const node = t.node as Node | undefined;
    if (node && (node.type === 'type_descriptor')) return this.typeDescriptor(node);
    const parsed = this.parseTypeName?.(`sizeof(${t.text})`);
    if (parsed?.type === 'sizeof_expression') {
      const td = parsed.childForFieldName('type');
      if (td) return this.typeDescriptor(td);
    }
    // `struct page` alone
    const m = /^\s*(struct|union)\s+([A-Za-z_]\w*)\s*$/.exec(t.text);
    if (m) {
      const r = this.record(m[2]);
      return r ? { k: 'record', rec: r } : { k: 'unknown', reason: `${m[1]} ${m[2]} is not defined here` };
    }
    if (/^[A-Za-z_]\w*$/.test(t.text.trim())) return this.typedefType(t.text.trim());
    return { k: 'unknown', reason: `cannot read type '${t.text}'` };
  }

  // --------------------------------------------------------------- records

  fieldsOf(rec: RecordDecl): FieldDecl[] | { reason: string } {
    if (rec.fields) return rec.fields;
    if (rec.error) return { reason: rec.error };
    if (!rec.complete) return { reason: `${rec.kind} ${rec.name ?? '(anon)'} is declared but not defined here (incomplete type)` };
    const syn = this.recordSyntax(rec.node);
    if (!syn) return { reason: `${rec.kind} ${rec.name} has no body` };
    if (syn.error) {
      const err = syn.error;
      rec.error = `the parser could not read the body of ${rec.kind} ${rec.name ?? '(anon)'}${err.text ? ` near '${err.text.replace(/\s+/g, ' ').slice(0, 50)}'` : ''} (${this.describe(this.offsetOf(err))})`;
      return { reason: rec.error };
    }
    rec.attrs = this.readAttributes(syn.attrs, {});
    const fields: FieldDecl[] = [];
    const width = (clause: Node | null | undefined): FieldDecl['bitWidth'] => {
      if (clause === undefined) return undefined;
      const v = evaluate(this.expr(clause), this.evalContext());
      return v.ok ? Number(v.value) : { reason: v.reason };
    };
    for (const f of syn.fields) {
      const base = this.specifierType(f.type);
      const fattrs: Attributes = {};
      for (const arg of f.alignas) {
        if (arg.type === 'type_descriptor') {
          const a = alignOf(this.typeDescriptor(arg), this);
          if (typeof a === 'number') fattrs.aligned = Math.max(fattrs.aligned ?? 0, a);
        } else {
          const v = evaluate(this.expr(arg), this.evalContext());
          if (v.ok) fattrs.aligned = Math.max(fattrs.aligned ?? 0, Number(v.value));
          else fattrs.problem = `_Alignas: ${v.reason}`;
        }
      }
      this.readAttributes(f.attrs, fattrs);
      if (f.declarators.length === 0) {
        // anonymous struct/union member, or an unnamed bit-field
        fields.push({ name: null, type: base, bitWidth: width(f.width), attrs: fattrs, node: f.node });
        continue;
      }
      for (const d of f.declarators) {
        const { name: declared, type } = this.applyDeclarator(d.node, base);
        fields.push({ name: d.unnamed ? null : declared, type, bitWidth: width(d.width), attrs: { ...fattrs }, node: f.node });
      }
    }
    rec.fields = fields;
    return fields;
  }

  /**
   * What fieldsOf reads off a struct or union specifier's tree: its members'
   * nodes and attribute groups. Kept per parse: after an edit the records of
   * the declarations it left alone are laid out again (a type they use may
   * have changed) but their syntax is not read again (each node getter makes
   * new objects across the wasm boundary).
   */
  private recordSyntax(spec: Node): RecordSyntax | undefined {
    const parsed = this.parsedOf(spec);
    let byStart = parsed && recordSyntaxes.get(parsed);
    const have = byStart?.get(spec.startIndex);
    if (have && have.spec.equals(spec)) return have;
    const body = spec.childForFieldName('body');
    if (!body) return undefined;
    const syn: RecordSyntax = { spec, attrs: [], fields: [] };
    if (parsed) {
      if (!byStart) recordSyntaxes.set(parsed, (byStart = new Map()));
      byStart.set(spec.startIndex, syn);
    }
    const err = body.hasError ? findError(body) : undefined;
    if (err) { syn.error = err; return syn; }
    // Attributes between `struct` and `{`, or after `}` up to the declarator: the record's own.
    syn.attrs.push(...this.attributesIn(spec, spec.startIndex, body.startIndex));
    const parent = spec.parent;
    if (parent) {
      const decl = parent.type === 'translation_unit' ? null : parent.childForFieldName('declarator');
      let stop = decl && decl.startIndex > body.endIndex ? decl.startIndex : parent.type === 'translation_unit' ? body.endIndex + 1 : parent.endIndex;
      const semi = parsed?.text.indexOf(';', body.endIndex) ?? -1;
      if (semi >= 0 && (semi < stop || parent.type === 'translation_unit')) stop = semi;
      syn.attrs.push(...this.attributesIn(body, body.endIndex, stop));
    }
    for (const fd of body.namedChildren) {
      if (!fd || fd.type !== 'field_declaration') continue;
      const typeNode = fd.childForFieldName('type');
      if (!typeNode) continue;
      // one marshalling of the declaration's children (each call of the getter makes new Node objects)
      const kids = fd.namedChildren;
      // _Alignas(N) is a qualifier child of the declaration
      const alignas: Node[] = [];
      for (const q of kids) {
        if (q?.type !== 'type_qualifier') continue;
        const arg = q.namedChildren.find((c) => c?.type === 'alignas_qualifier')?.namedChildren[0];
        if (arg) alignas.push(arg);
      }
      const declarators = fd.childrenForFieldName('declarator').filter((x): x is Node => !!x);
      // `__u8 cloned:1, nohdr:1, fclone:2;` — each declarator has its own width clause after it
      const clauses = kids.filter((c): c is Node => c?.type === 'bitfield_clause');
      const widthIn = (from: number, to: number): Node | null | undefined => {
        const clause = clauses.find((c) => c.startIndex >= from && c.startIndex < to);
        return clause ? clause.namedChildren[0] ?? null : undefined;
      };
      // Attributes inside the declaration: after the type specifier's own body.
      const typeBody = typeNode.childForFieldName('body');
      const memberAttrs = this.attributesIn(fd, typeBody ? typeBody.endIndex : typeNode.endIndex, fd.endIndex).filter((g) => {
        // struct { } __attribute__((packed)) name;  → the attribute is the anonymous type's
        if (typeBody && declarators[0] && g.start < declarators[0].startIndex) return false;
        return true;
      });
      syn.fields.push({
        node: fd, type: typeNode, alignas,
        attrs: [...this.attributesIn(fd, fd.startIndex, typeNode.startIndex), ...memberAttrs],
        width: declarators.length === 0 ? widthIn(fd.startIndex, fd.endIndex) : undefined,
        declarators: declarators.map((d, k) => ({ node: d, unnamed: isUnnamedBitfield(d), width: widthIn(d.endIndex, declarators[k + 1]?.startIndex ?? fd.endIndex) })),
      });
    }
    return syn;
  }

  // ----------------------------------------------------------------- enums

  enumInfo(e: EnumDecl): { size: number; signed: boolean } | { reason: string } {
    if (e.error) return { reason: e.error };
    if (e.size !== undefined) return { size: e.size, signed: e.signed! };
    const values = this.enumValues(e);
    if ('reason' in values) return values;
    let min = 0n, max = 0n;
    for (const v of values.values()) { if (v < min) min = v; if (v > max) max = v; }
    // attributes between `enum` and `{`, or after `}` up to the end of the declaration
    let packed = false;
    const body = e.node?.childForFieldName('body');
    if (e.node && body) {
      const semi = this.parsedOf(body)?.text.indexOf(';', body.endIndex) ?? -1;
      const groups = [...this.attributesIn(body, e.node.startIndex, body.startIndex), ...this.attributesIn(body, body.endIndex, semi < 0 ? body.endIndex : semi)];
      packed = !!this.readAttributes(groups).packed;
    }
    // GCC: int if every value fits, else unsigned int, else long / unsigned long; packed: the smallest.
    const fits = (bits: number, signed: boolean) => signed ? min >= -(1n << BigInt(bits - 1)) && max < (1n << BigInt(bits - 1)) : min >= 0n && max < (1n << BigInt(bits));
    const sizes = packed ? [1, 2, 4, 8] : [4, 8];
    for (const s of sizes) {
      if (min < 0n ? fits(s * 8, true) : fits(s * 8, false)) {
        e.size = s;
        e.signed = min < 0n || (s === 4 && !packed ? max < 2n ** 31n : false);
        return { size: s, signed: e.signed };
      }
    }
    return { reason: `enum ${e.name ?? '(anon)'} values do not fit in 64 bits` };
  }

  private enumValues(e: EnumDecl): Map<string, bigint> | { reason: string } {
    if (e.values) return e.values;
    const body = e.node?.childForFieldName('body');
    if (!body) return { reason: `enum ${e.name} has no body` };
    const values = new Map<string, bigint>();
    e.values = values; // visible to later enumerators during evaluation
    let next = 0n;
    for (const en of body.namedChildren) {
      if (!en || en.type !== 'enumerator') continue;
      const name = en.childForFieldName('name')?.text;
      const valNode = en.childForFieldName('value');
      if (!name) continue;
      if (valNode) {
        const v = evaluate(this.expr(valNode), this.evalContext());
        if (!v.ok) { e.values = undefined; e.error = `enumerator ${name}: ${v.reason}`; return { reason: e.error }; }
        next = v.type.signed ? v.value : v.value;
      }
      values.set(name, next);
      next += 1n;
    }
    return values;
  }

  // ---------------------------------------------------------------- eval

  private ctx?: EvalContext;

  /** The context that resolves sizeof/_Alignof/offsetof/enumerators against this table. */
  evalContext(): EvalContext {
    if (this.ctx) return this.ctx;
    const sizeType: IntType = { bits: this.model.pointer.size * 8, signed: false };
    const ok = (v: number): EvalResult => ({ ok: true, value: BigInt(v), type: sizeType });
    this.ctx = {
      sizeType,
      identifier: (name) => {
        const e = this.enumeratorOf(name);
        if (!e) return undefined;
        const vals = this.enumValues(e);
        if ('reason' in vals) return { ok: false, reason: vals.reason };
        const v = vals.get(name);
        return v === undefined ? { ok: false, reason: `enumerator ${name} is used before it is defined` } : { ok: true, value: v, type: v < 0n || v < 2n ** 31n ? { bits: 32, signed: true } : { bits: 64, signed: false } };
      },
      sizeof: (t) => {
        const r = sizeOf(this.typeOfRef(t), this);
        return typeof r === 'number' ? ok(r) : { ok: false, reason: r.reason };
      },
      // sizeof(foo_t) may parse as sizeof of an expression naming a typedef
      sizeofExpr: (e) => {
        if (e.k === 'ident' && this.hasTypedef(e.name)) {
          const r = sizeOf(this.typedefType(e.name), this);
          return typeof r === 'number' ? ok(r) : { ok: false, reason: r.reason };
        }
        return { ok: false, reason: 'sizeof of an expression' };
      },
      alignof: (t) => {
        const r = alignOf(this.typeOfRef(t), this);
        return typeof r === 'number' ? ok(r) : { ok: false, reason: r.reason };
      },
      offsetof: (t, designator) => {
        const r = offsetOf(this.typeOfRef(t), designator, this);
        return typeof r === 'number' ? ok(r) : { ok: false, reason: r.reason };
      },
      castType: (t) => {
        const c = canonical(this.typeOfRef(t));
        if (c.k === 'int') return { bits: c.size * 8, signed: c.signed };
        if (c.k === 'ptr') return { bits: this.model.pointer.size * 8, signed: false };
        if (c.k === 'enum') return { bits: 32, signed: true };
        if (c.k === 'unknown') return { reason: c.reason };
        return { reason: `cast to ${typeName(c)}` };
      },
      call: (callee, args, ev) => {
        if (callee === '__builtin_constant_p') return { ok: true, value: args.every((a) => ev(a).ok) ? 1n : 0n, type: { bits: 32, signed: true } };
        return undefined;
      },
    };
    return this.ctx;
  }
}

/** tree-sitter-c wants a name before `: width`; GCC's unnamed bit-fields arrive as a MISSING one. */
function isUnnamedBitfield(n: Node): boolean {
  return n.isMissing && n.type === 'field_identifier' && n.nextSibling?.type === 'bitfield_clause';
}

function findError(n: Node): Node | undefined {
  if (isUnnamedBitfield(n)) return undefined;
  if (n.type === 'ERROR' || n.isMissing) return n;
  for (const c of n.children) {
    if (c && c.hasError) { const e = findError(c); if (e) return e; }
  }
  return undefined;
}

// Size/alignment helpers live here (not in layout/) because sizeof inside an
// array bound needs them while the table is still being built.
import { layoutRecord } from '../layout/record-layout';

export function sizeOf(t: CType, table: TypeTable): number | { reason: string } {
  const c = canonical(t);
  switch (c.k) {
    case 'int': case 'float': return c.size;
    case 'ptr': return table.model.pointer.size;
    case 'void': return 1;
    case 'func': return 1;
    case 'enum': { const e = table.enumInfo(c.decl); return 'reason' in e ? e : e.size; }
    case 'array': {
      if (c.count === 'flex') return 0;
      const s = sizeOf(c.of, table);
      return typeof s === 'number' ? s * c.count : s;
    }
    case 'record': {
      const l = layoutRecord(c.rec, table);
      return 'reason' in l ? l : l.size;
    }
    case 'unknown': return { reason: c.reason };
  }
  return { reason: 'unknown type' };
}

/** _Alignof: `member` asks for the alignment inside a struct (i386's 4-byte long long). */
export function alignOf(t: CType, table: TypeTable, member = false): number | { reason: string } {
  if (t.k === 'typedef' && t.align !== undefined) return t.align;
  if (t.k === 'typedef') return alignOf(t.of, table, member);
  switch (t.k) {
    case 'int': case 'float': return member ? t.fieldAlign : t.align;
    case 'ptr': return table.model.pointer.align;
    case 'void': case 'func': return 1;
    case 'enum': { const e = table.enumInfo(t.decl); return 'reason' in e ? e : e.size; }
    case 'array': return alignOf(t.of, table, member);
    case 'record': {
      const l = layoutRecord(t.rec, table);
      return 'reason' in l ? l : l.align;
    }
    case 'unknown': return { reason: t.reason };
  }
}

export function offsetOf(t: CType, designator: Array<string | bigint>, table: TypeTable): number | { reason: string } {
  let cur = canonical(t);
  let off = 0;
  for (const part of designator) {
    if (typeof part === 'bigint') {
      if (cur.k !== 'array') return { reason: `subscript [${part}] of a non-array` };
      const s = sizeOf(cur.of, table);
      if (typeof s !== 'number') return s;
      off += s * Number(part);
      cur = canonical(cur.of);
      continue;
    }
    if (cur.k !== 'record') return { reason: `member ${part} of a non-struct (${typeName(cur)})` };
    const l = layoutRecord(cur.rec, table);
    if ('reason' in l) return l;
    const m = l.find(part);
    if (!m) return { reason: `${cur.rec.kind} ${cur.rec.name ?? '(anon)'} has no member ${part}` };
    if (m.bitWidth) return { reason: `offsetof a bit-field (${part})` };
    // offsets in a record's layout are from that record's start, so they add up
    off += m.offsetBits / 8;
    cur = canonical(m.type);
  }
  return off;
}
