// Parse trees of single top-level declarations (see declarations.ts), made
// on demand and shared by text: the declarations of linux/types.h read the
// same in every unit, and an edit inside struct page leaves every other
// declaration of the unit's text as it was. Trees live in wasm memory, which
// the garbage collector does not see: units hold references, and trees no
// unit holds are kept in a small LRU for the next unit, then deleted.
import type { TextSource } from '../preprocess/piece-text';
import { changedRange } from '../preprocess/text-edit';
import type { Edit, Node, Tree } from 'web-tree-sitter';
import { CParser } from './c-parser';
import { DeclarationList } from './declarations';
import { AttributeGroup, blankGnuExtensions } from './gnu-extensions';

/** What one declaration defines, read off its tree (function bodies excluded). */
export interface DeclarationDefinitions {
  /** struct/union specifiers with a body, by tag */
  records: Map<string, Node>;
  /** enum specifiers with a body, by tag */
  enums: Map<string, Node>;
  /** enumerator → the enum_specifier it belongs to */
  enumerators: Map<string, Node>;
  typedefs: Map<string, { type: Node; declarator: Node; def: Node }>;
}

export interface ParsedDeclaration {
  /** the text tree-sitter parsed: the declaration with GNU constructs blanked */
  readonly text: string;
  readonly tree: Tree;
  /** __attribute__ groups, by offset in `text` */
  readonly attributes: AttributeGroup[];
  readonly attrStarts: number[];
  /** the declaration as written, when the parse is shared by text (DeclarationParses) */
  readonly key?: string;
  definitions?: DeclarationDefinitions;
  /** holders; at 0 the tree is deleted, or kept idle by DeclarationParses */
  refs: number;
}

/** The source of declarations a type table reads: one unit's list and its parses. */
export interface DeclarationSource {
  readonly list: DeclarationList;
  /** the parse of declaration i, kept until the source is disposed */
  parse(i: number): ParsedDeclaration;
  /** the parse a tree belongs to, and that declaration's offset in the unit's text */
  ownerOf(tree: Tree): { parsed: ParsedDeclaration; base: number } | undefined;
}

/**
 * Parses one declaration. With the parse of what it replaced (an edit), the
 * old tree is told about the change and tree-sitter re-parses only around it.
 */
export function parseDeclaration(parser: CParser, text: string, shared = false, previous?: ParsedDeclaration): ParsedDeclaration {
  const blanked = blankGnuExtensions(text);
  let old: Tree | undefined;
  if (previous) {
    old = previous.tree.copy();
    old.edit(editBetween(previous.text, blanked.text));
  }
  const tree = parser.parse(blanked.text, old);
  old?.delete();
  return { text: blanked.text, tree, attributes: blanked.attributes, attrStarts: blanked.attributes.map((a) => a.start), ...(shared ? { key: text } : {}), refs: 0 };
}

/** The one edit (common prefix and suffix trimmed) that turns text a into b, in tree-sitter's terms. */
function editBetween(a: string, b: string): Edit {
  const [c] = changedRange(a, b);
  const p = c?.oldStart ?? a.length, oldEnd = c?.oldEnd ?? a.length, newEnd = c ? p + c.newText.length : b.length;
  const point = (t: string, i: number) => {
    let row = 0, lineStart = 0;
    for (let k = t.indexOf('\n'); k >= 0 && k < i; k = t.indexOf('\n', k + 1)) { row++; lineStart = k + 1; }
    return { row, column: i - lineStart };
  };
  return { startIndex: p, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition: point(a, p), oldEndPosition: point(a, oldEnd), newEndPosition: point(b, newEnd) };
}

/** The definitions in a parsed declaration, computed once per tree. */
export function definitionsOf(p: ParsedDeclaration): DeclarationDefinitions {
  if (p.definitions) return p.definitions;
  const d: DeclarationDefinitions = { records: new Map(), enums: new Map(), enumerators: new Map(), typedefs: new Map() };
  for (const n of p.tree.rootNode.descendantsOfType(['struct_specifier', 'union_specifier', 'enum_specifier', 'type_definition'])) {
    if (!n || insideFunctionBody(n)) continue;
    if (n.type === 'type_definition') {
      const type = n.childForFieldName('type');
      if (!type) continue;
      for (const dec of n.childrenForFieldName('declarator')) {
        const name = dec && declaratorName(dec);
        if (dec && name) d.typedefs.set(name, { type, declarator: dec, def: n });
      }
      continue;
    }
    const body = n.childForFieldName('body');
    if (!body) continue;
    const name = n.childForFieldName('name')?.text;
    if (n.type === 'enum_specifier') {
      if (name) d.enums.set(name, n);
      for (const e of body.namedChildren) {
        const en = e?.type === 'enumerator' ? e.childForFieldName('name') : null;
        if (en) d.enumerators.set(en.text, n);
      }
    } else if (name) d.records.set(name, n);
  }
  p.definitions = d;
  return d;
}

function insideFunctionBody(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'compound_statement') return true;
  return false;
}

/** The identifier a declarator declares (through pointers, arrays, parentheses). */
export function declaratorName(d: Node): string | null {
  let n: Node | null = d;
  for (let i = 0; n && i < 64; i++) {
    if (n.type === 'identifier' || n.type === 'field_identifier' || n.type === 'type_identifier' || n.type === 'primitive_type') return n.text;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c && !c.type.endsWith('qualifier')) ?? null;
  }
  return null;
}

/** The process's shared parses, by declaration text. */
export class DeclarationParses {
  private readonly byText = new Map<string, ParsedDeclaration>();
  /** idle parses, least recently released first */
  private readonly idle = new Set<ParsedDeclaration>();
  private idleBytes = 0;

  constructor(readonly parser: CParser, private readonly idleBudgetBytes = 4 << 20) {}

  /** A shared parse of `text`, held until release(); `previous` is what it replaced, if it is an edit. */
  acquire(text: string, previous?: ParsedDeclaration): ParsedDeclaration {
    let p = this.byText.get(text);
    if (!p) {
      p = parseDeclaration(this.parser, text, true, previous);
      this.byText.set(text, p);
    } else if (p.refs === 0) {
      this.idle.delete(p);
      this.idleBytes -= p.text.length;
    }
    p.refs++;
    return p;
  }

  release(p: ParsedDeclaration): void {
    if (--p.refs > 0) return;
    if (p.key === undefined || this.byText.get(p.key) !== p) { p.tree.delete(); return; }
    this.idle.add(p);
    this.idleBytes += p.text.length;
    for (const old of this.idle) {
      if (this.idleBytes <= this.idleBudgetBytes) break;
      this.idle.delete(old);
      this.idleBytes -= old.text.length;
      this.byText.delete(old.key!);
      old.tree.delete();
    }
  }

  /** Parses held by units or idle (memory reports). */
  get size(): number {
    return this.byText.size;
  }
}

/**
 * One unit's declarations: the list from its text, each declaration parsed
 * when first asked for (shared through `parses` when given), all released
 * by dispose().
 */
export class UnitDeclarations implements DeclarationSource {
  private readonly parsed: Array<ParsedDeclaration | undefined> = [];
  private readonly owners = new Map<Tree, number>();
  /** time spent parsing declarations for this unit */
  parseMs = 0;
  /** declaration → the parse of the one it replaced in an edit (held until used or disposed) */
  private readonly previous = new Map<number, ParsedDeclaration>();
  private disposed = false;

  constructor(readonly list: DeclarationList, private readonly text: TextSource, private readonly parser: CParser, private readonly parses?: DeclarationParses) {}

  parse(i: number): ParsedDeclaration {
    const have = this.parsed[i];
    if (have) return have;
    if (this.disposed) throw new Error('declarations used after dispose()');
    const text = this.text.slice(this.list.starts[i], this.list.ends[i]);
    const prev = this.previous.get(i);
    const t0 = performance.now();
    let p = this.parses?.acquire(text, prev);
    // the same text twice in one unit (a repeated typedef): the second gets a tree of its own, so a tree names one place
    if (p && this.owners.has(p.tree)) { this.parses!.release(p); p = undefined; }
    if (!p) { p = parseDeclaration(this.parser, text, false, prev); p.refs = 1; }
    if (prev) { this.previous.delete(i); this.releaseParse(prev); }
    this.parseMs += performance.now() - t0;
    this.parsed[i] = p;
    this.owners.set(p.tree, i);
    return p;
  }

  /** Declaration i of this unit replaced `parsed` (of the unit it was edited from): its parse starts from that tree. */
  succeed(i: number, parsed: ParsedDeclaration): void {
    if (this.parsed[i] || this.previous.has(i)) return;
    parsed.refs++;
    this.previous.set(i, parsed);
  }

  /** The parse of declaration i if it has been made. */
  parsedAt(i: number): ParsedDeclaration | undefined {
    return this.parsed[i];
  }

  ownerOf(tree: Tree): { parsed: ParsedDeclaration; base: number } | undefined {
    const i = this.owners.get(tree);
    return i === undefined ? undefined : { parsed: this.parsed[i]!, base: this.list.starts[i] };
  }

  private releaseParse(p: ParsedDeclaration): void {
    if (p.key !== undefined && this.parses) this.parses.release(p);
    else if (--p.refs === 0) p.tree.delete();
  }

  /** Declarations parsed so far. */
  get parsedCount(): number {
    return this.owners.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // the parses made, not the sparse array of 20 000 declarations they sit in
    for (const i of this.owners.values()) this.releaseParse(this.parsed[i]!);
    for (const p of this.previous.values()) this.releaseParse(p);
    this.previous.clear();
    this.parsed.length = 0;
    this.owners.clear();
  }
}
