// Assert conditions and the declarations around them, read with
// tree-sitter-c into the model of eval/c-expr.ts (which eval/c-typed.ts gives
// types and values). tree-sitter reads a snippet without knowing which
// identifiers name types, and does not know some GNU forms, so:
//
// - before parsing, parse/snippet-holes.ts cuts typeof(...), offsetof with a
//   nested designator, __builtin_types_compatible_p and _Alignof out into
//   identifiers of the same length; their operands get parses of their own
//   (wrapped so the grammar reads them as a type, or as sizeof's operand
//   when they may be either), and every offset stays one of the snippet;
// - after parsing, what only the unit's typedef names decide is rebuilt:
//   `(T)(x)` read as a call, `(T)-1`/`(T)*p`/`(T)&x` read as binary
//   expressions, `(n)-1` read as a cast of -1, sizeof(T) read as sizeof of
//   an expression, `a * b;` read as a declaration.
//
// Anything this cannot read throws ReadError, which the entry points turn
// into a `bad` node (or no declaration) with the reason; nothing is guessed.
import type { Node, Tree } from 'web-tree-sitter';
import { CParser } from '../parse/c-parser';
import { Hole, prepareSnippet } from '../parse/snippet-holes';
import { CExpr, DeclItem, DeclOp, Declaration, FieldAst, Init, Stmt, TypeName, TypeNames, TypeSpec } from './c-expr';

class ReadError extends Error {}

/** Thrown inside an operator chain that needs the unit's typedef names to be read right (see operators()). */
const AMBIGUOUS = Symbol('ambiguous');

/** Type keywords; tree-sitter reads some of them (_Bool, __int128) as type identifiers. */
const BASIC = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', '_Complex', '__int128', '__int128_t', '__uint128_t', '_Float128', '__float128']);

const BINARY_PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};
/** Binary operators that are also prefix operators: after `(T)` they are the operand's sign, dereference or address. */
const ALSO_PREFIX = new Set(['-', '+', '*', '&']);

/** Statements whose contents no answer depends on (c-typed calls them `other`): errors inside them do not matter. */
const OPAQUE = new Set(['for_statement', 'while_statement', 'switch_statement', 'return_statement', 'goto_statement', 'case_statement', 'gnu_asm_expression']);

const DECLARATORS = new Set([
  'identifier', 'field_identifier', 'type_identifier', 'pointer_declarator', 'abstract_pointer_declarator', 'array_declarator', 'abstract_array_declarator',
  'function_declarator', 'abstract_function_declarator', 'parenthesized_declarator', 'abstract_parenthesized_declarator', 'attributed_declarator',
]);

type UnaryOp = '-' | '+' | '~' | '!' | '*' | '&' | '++' | '--';

/** An operator chain laid flat, to be rebuilt with C's precedences once casts are told from parentheses. */
type Item =
  | { t: 'atom'; e: CExpr }
  | { t: 'pre'; op: UnaryOp; at: number }
  | { t: 'cast'; type: TypeName; at: number }
  | { t: 'bin'; op: string; at: number };

/** How a snippet is put in context so the grammar reads it as the wanted thing, and where that thing is in the tree. */
interface Wrap {
  prefix: string;
  suffix: string;
  pick(root: Node): Node | null | undefined;
}

const kids = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
const initValue = (root: Node) => root.namedChild(0)?.childForFieldName('declarator')?.childForFieldName('value');

/** An expression: the parentheses' content. */
const EXPR: Wrap = { prefix: 'int _=(', suffix: ');', pick: (r) => { const v = initValue(r); return v?.type === 'parenthesized_expression' ? v.namedChild(0) : undefined; } };
/** A type name: `(T)0` can only be a cast. */
const TYPE: Wrap = { prefix: 'int _=(', suffix: ')0;', pick: (r) => { const v = initValue(r); return v?.type === 'cast_expression' ? v.childForFieldName('type') : undefined; } };
/** A type or an expression, as sizeof's operand. */
const OPERAND: Wrap = { prefix: 'int _=sizeof(', suffix: ');', pick: (r) => { const v = initValue(r); return v?.type === 'sizeof_expression' ? v : undefined; } };
/** A function definition, the first in the snippet. */
const FUNCTION: Wrap = { prefix: '', suffix: '', pick: (root) => kids(root).find((k) => k.type === 'function_definition') };
/** The snippet as it stands: one top-level declaration or function definition. */
const WHOLE: Wrap = { prefix: '', suffix: '', pick: (r) => { const k = kids(r); return k.length === 1 ? k[0] : undefined; } };

const clip = (s: string, n = 60) => { const t = s.slice(0, 4 * n).replace(/\s+/g, ' ').trim(); return t.length > n ? `${t.slice(0, n)}…` : t; };

class Reader {
  /** the typedef-name answers this reading depended on (to reuse it where they are the same) */
  readonly asked = new Map<string, boolean>();
  /** holes by their start, as offsets of `text` */
  private readonly holes = new Map<number, Hole>();
  private readonly typeofs = new Map<Hole, TypeSpec>();
  /** names declared in the blocks being read: they are not type names there */
  private readonly scopes: Array<Set<string>> = [];
  /** the current tree's offset 0 as an offset of `text` */
  private shift = 0;

  constructor(readonly text: string, private readonly names: TypeNames) {}

  // ---------------------------------------------------------------- parsing

  /** Parses text[a, b) in `wrap` and reads the picked node; trees are deleted before this returns. */
  parse<T>(a: number, b: number, wrap: Wrap, read: (n: Node) => T, strict = true): T {
    const prep = prepareSnippet(this.text.slice(a, b));
    for (const h of prep.holes) this.holes.set(a + h.start, { kind: h.kind, start: a + h.start, end: a + h.end, args: h.args.map(([x, y]) => [a + x, a + y]) });
    const tree = shortTrees.take(wrap.prefix + prep.text + wrap.suffix);
    const saved = this.shift;
    this.shift = a - wrap.prefix.length;
    try {
      const root = tree.rootNode;
      const p = strict ? problem(root) : undefined;
      if (p) throw new ReadError(this.whatFails(p, b));
      const n = wrap.pick(root);
      if (!n) throw new ReadError(`cannot read '${clip(this.text.slice(a, b))}'`);
      return read(n);
    } finally {
      this.shift = saved;
      shortTrees.give(tree);
    }
  }

  /** The reason for an error or missing node: the text around it, and for a missing one what the grammar wanted where. */
  private whatFails(p: Node, end: number): string {
    const at = this.at(p);
    if (!p.isMissing) return `cannot read '${this.around(at)}'`;
    const where = at >= end ? 'the end' : `'${clip(this.text.slice(at, at + 12))}'`;
    const what = p.isNamed ? p.type.replace(/_/g, ' ') : `'${p.type}'`;
    return `cannot read '${this.around(at)}' (${what} expected at ${where})`;
  }

  private at(n: Node): number { return n.startIndex + this.shift; }
  private end(n: Node): number { return n.endIndex + this.shift; }
  private spell(n: Node): string { return clip(this.text.slice(Math.max(0, this.at(n)), this.end(n)), 400); }
  private around(at: number): string {
    const p = Math.min(Math.max(0, at), this.text.length);
    return clip(this.text.slice(Math.max(0, p - 30), p + 30));
  }

  hole(n: Node): Hole | undefined {
    if (!this.holes.size) return undefined;
    const h = this.holes.get(this.at(n));
    return h && h.end === this.end(n) ? h : undefined;
  }

  private isType(name: string): boolean {
    if (BASIC.has(name) || name === '__auto_type') return true;
    for (const s of this.scopes) if (s.has(name)) return false;
    let v = this.asked.get(name);
    if (v === undefined) {
      v = this.names.isTypeName(name);
      this.asked.set(name, v);
    }
    return v;
  }

  private declare(name: string): void {
    this.scopes[this.scopes.length - 1]?.add(name);
  }

  /** Does this identifier name a type here (a typeof hole, a keyword, a typedef not shadowed)? */
  private namesType(id: Node): boolean {
    const h = this.hole(id);
    if (h) return h.kind === 'typeof';
    return this.isType(id.text);
  }

  private typeNamed(id: Node): TypeName {
    const h = this.hole(id);
    const spec: TypeSpec = h?.kind === 'typeof' ? this.typeofSpec(h) : this.specOfName(id.text);
    return { spec, ops: [], text: this.spell(id) };
  }

  private specOfName(name: string): TypeSpec {
    if (name === '__auto_type') return { k: 'auto' };
    if (BASIC.has(name)) return { k: 'words', words: [name] };
    return { k: 'typedef', name };
  }

  // ------------------------------------------------------------ expressions

  expr(n: Node | null | undefined, inChain = false): CExpr {
    if (!n) throw new ReadError('an expression is missing');
    const at = this.at(n), end = this.end(n);
    switch (n.type) {
      case 'identifier': {
        const h = this.hole(n);
        return h ? this.holeExpr(h) : { k: 'id', name: n.text, at, end };
      }
      // after expansion these are the kernel's enumerators and macros' leftovers, not keywords
      case 'true': case 'false': case 'null': return { k: 'id', name: n.text, at, end };
      case 'number_literal': {
        const t = n.text;
        // the grammar lets a literal carry its sign (`(T)-1`)
        if (t[0] === '-' || t[0] === '+') return { k: 'unary', op: t[0] as UnaryOp, arg: { k: 'num', text: t.slice(1), at: at + 1, end }, at, end };
        return { k: 'num', text: t, at, end };
      }
      case 'char_literal': return { k: 'chr', text: n.text, at, end };
      // as written: what the pre-parse respelled inside a literal is no part of it
      case 'string_literal': return { k: 'str', parts: [this.text.slice(at, end)], at, end };
      case 'concatenated_string': {
        const parts = kids(n).map((p) => {
          if (p.type !== 'string_literal') throw new ReadError(`'${p.text}' between string literals`);
          return this.text.slice(this.at(p), this.end(p));
        });
        return { k: 'str', parts, at, end };
      }
      case 'parenthesized_expression': {
        const inner = n.namedChildCount === 1 ? n.namedChild(0) : null;
        if (!inner) throw new ReadError(`cannot read '${this.spell(n)}'`);
        if (inner.type === 'compound_statement') return { k: 'stmt', body: this.block(inner), at, end };
        if (inner.type === 'identifier' && this.namesType(inner)) {
          // in an operator chain, `(T)` casts what follows it
          if (inChain) throw AMBIGUOUS;
          throw new ReadError(`a cast to ${this.spell(inner)} without its operand`);
        }
        return this.expr(inner);
      }
      case 'comma_expression':
        return { k: 'binary', op: ',', left: this.expr(n.childForFieldName('left')), right: this.expr(n.childForFieldName('right')), at, end };
      case 'binary_expression': case 'unary_expression': case 'pointer_expression': case 'cast_expression': case 'sizeof_expression':
        return this.operators(n, inChain);
      case 'update_expression':
        return isPrefix(n) ? this.operators(n, inChain) : this.postfix(n);
      case 'assignment_expression':
        return { k: 'assign', op: n.childForFieldName('operator')!.type, left: this.expr(n.childForFieldName('left')), right: this.expr(n.childForFieldName('right')), at, end };
      case 'conditional_expression': {
        const c = n.childForFieldName('consequence');
        return { k: 'cond', test: this.expr(n.childForFieldName('condition')), then: c ? this.expr(c) : undefined, else: this.expr(n.childForFieldName('alternative')), at, end };
      }
      case 'alignof_expression': return { k: 'alignof', type: this.typeDescriptor(n.childForFieldName('type')), at, end };
      case 'offsetof_expression': return { k: 'offsetof', type: this.typeDescriptor(n.childForFieldName('type')), desig: [n.childForFieldName('member')!.text], at, end };
      case 'generic_expression': {
        const k = kids(n);
        const assocs: Array<{ type?: TypeName; expr: CExpr }> = [];
        for (let i = 1; i + 1 < k.length; i += 2) {
          const id = loneTypeIdentifier(k[i]);
          const dflt = id && this.hole(id)?.kind === 'default';
          assocs.push({ type: dflt ? undefined : this.typeDescriptor(k[i]), expr: this.expr(k[i + 1]) });
        }
        return { k: 'generic', ctrl: this.expr(k[0]), assocs, at, end };
      }
      case 'subscript_expression': case 'field_expression': case 'call_expression':
        return this.postfix(n);
      case 'compound_literal_expression':
        return { k: 'compound', type: this.typeDescriptor(n.childForFieldName('type')), init: this.init(n.childForFieldName('value')), at, end };
      case 'extension_expression': return this.expr(n.namedChild(0));
    }
    throw new ReadError(n.type === 'ERROR' ? `cannot read '${this.around(at)}'` : `cannot read '${this.spell(n)}' (${n.type.replace(/_/g, ' ')}) here`);
  }

  /** offsetof, __builtin_types_compatible_p and _Alignof, from their cut-out operands. */
  private holeExpr(h: Hole): CExpr {
    const at = h.start, end = h.end;
    switch (h.kind) {
      case 'offsetof': return { k: 'offsetof', type: this.typeIn(h.args[0]), desig: this.parse(h.args[1][0], h.args[1][1], EXPR, (n) => this.designator(n)), at, end };
      case 'compat': return { k: 'compat', a: this.typeIn(h.args[0]), b: this.typeIn(h.args[1]), at, end };
      case 'alignof': {
        const o = this.operandIn(h.args[0]);
        return o.type ? { k: 'alignof', type: o.type, at, end } : { k: 'alignof', arg: o.arg, at, end };
      }
      default: throw new ReadError(`'${clip(this.text.slice(h.start, h.end))}' is a type where a value is expected`);
    }
  }

  private typeIn([a, b]: [number, number]): TypeName {
    return this.parse(a, b, TYPE, (n) => this.typeDescriptor(n));
  }

  /** A type or an expression (typeof's and _Alignof's operand). */
  private operandIn([a, b]: [number, number]): { type?: TypeName; arg?: CExpr } {
    return this.parse(a, b, OPERAND, (n) => {
      const s = this.sizeofExpr(n) as CExpr & { k: 'sizeof' };
      return { type: s.type, arg: s.arg };
    });
  }

  private typeofSpec(h: Hole): TypeSpec {
    let s = this.typeofs.get(h);
    if (!s) {
      const o = this.operandIn(h.args[0]);
      s = o.type ? { k: 'typeof', type: o.type } : { k: 'typeof', expr: o.arg! };
      this.typeofs.set(h, s);
    }
    return s;
  }

  /** offsetof's member designator `a.b[2]`, which the grammar reads as an expression. */
  private designator(n: Node): Array<string | CExpr> {
    switch (n.type) {
      case 'identifier': return [n.text];
      case 'field_expression':
        if (n.childForFieldName('operator')?.type !== '.') break;
        return [...this.designator(n.childForFieldName('argument')!), n.childForFieldName('field')!.text];
      case 'subscript_expression':
        return [...this.designator(n.childForFieldName('argument')!), this.expr(n.childForFieldName('index'))];
    }
    throw new ReadError(`'${this.spell(n)}' is not a member designator`);
  }

  /**
   * Binary, unary, cast and sizeof expressions. Where the grammar had to
   * guess between a cast and a parenthesized name (`(T)-1` as a subtraction,
   * `(n)-1` as a cast), the chain is laid flat and rebuilt with the unit's
   * knowledge of which names are types. The chain is read as the grammar
   * has it until such a guess turns up (AMBIGUOUS); `inChain` says this node
   * is part of a chain whose first node is already reading it.
   */
  private operators(n: Node, inChain: boolean): CExpr {
    if (inChain) return this.operatorsAsParsed(n);
    try {
      return this.operatorsAsParsed(n);
    } catch (e) {
      if (e === AMBIGUOUS) return this.rebuild(n);
      throw e;
    }
  }

  private operatorsAsParsed(n: Node): CExpr {
    const at = this.at(n), end = this.end(n);
    switch (n.type) {
      case 'binary_expression':
        return { k: 'binary', op: n.childForFieldName('operator')!.type, left: this.expr(n.childForFieldName('left'), true), right: this.expr(n.childForFieldName('right'), true), at, end };
      case 'unary_expression': case 'pointer_expression': case 'update_expression':
        return { k: 'unary', op: n.childForFieldName('operator')!.type as UnaryOp, arg: this.expr(n.childForFieldName('argument'), true), at, end };
      case 'cast_expression': {
        const td = n.childForFieldName('type');
        const id = loneTypeIdentifier(td);
        if (id && !this.namesType(id)) throw AMBIGUOUS;
        return { k: 'cast', type: this.typeDescriptor(td), arg: this.expr(n.childForFieldName('value'), true), at, end };
      }
      default:
        // `sizeof (x) - 1` read as sizeof of a cast: sizeof only ever takes the parentheses
        if (n.childForFieldName('value')?.type === 'cast_expression') throw AMBIGUOUS;
        return this.sizeofExpr(n);
    }
  }

  private rebuild(n: Node): CExpr {
    const items: Item[] = [];
    this.flatten(n, items);
    let i = 0;
    const operand = (): CExpr => {
      const it = items[i++];
      if (!it) throw new ReadError(`an operator without its operand in '${this.spell(n)}'`);
      if (it.t === 'atom') return it.e;
      if (it.t === 'bin' && !ALSO_PREFIX.has(it.op)) throw new ReadError(`'${it.op}' where an operand is expected in '${this.spell(n)}'`);
      const arg = operand();
      if (it.t === 'cast') return { k: 'cast', type: it.type, arg, at: it.at, end: arg.end };
      return { k: 'unary', op: it.op as UnaryOp, arg, at: it.at, end: arg.end };
    };
    const binary = (min: number): CExpr => {
      let left = operand();
      for (;;) {
        const it = items[i];
        if (!it || it.t !== 'bin' || BINARY_PREC[it.op] < min) return left;
        i++;
        const right = binary(BINARY_PREC[it.op] + 1);
        left = { k: 'binary', op: it.op, left, right, at: left.at, end: right.end };
      }
    };
    const e = binary(1);
    if (i < items.length) throw new ReadError(`cannot read '${this.spell(n)}'`);
    return e;
  }

  private flatten(n: Node, items: Item[]): void {
    switch (n.type) {
      case 'binary_expression':
        this.flatten(n.childForFieldName('left')!, items);
        items.push({ t: 'bin', op: n.childForFieldName('operator')!.type, at: this.at(n.childForFieldName('operator')!) });
        this.flatten(n.childForFieldName('right')!, items);
        return;
      case 'unary_expression': case 'pointer_expression':
        items.push({ t: 'pre', op: n.childForFieldName('operator')!.type as UnaryOp, at: this.at(n) });
        this.flatten(n.childForFieldName('argument')!, items);
        return;
      case 'update_expression':
        if (!isPrefix(n)) break;
        items.push({ t: 'pre', op: n.childForFieldName('operator')!.type as UnaryOp, at: this.at(n) });
        this.flatten(n.childForFieldName('argument')!, items);
        return;
      case 'number_literal': {
        const t = n.text;
        if (t[0] !== '-' && t[0] !== '+') break;
        items.push({ t: 'pre', op: t[0] as UnaryOp, at: this.at(n) });
        items.push({ t: 'atom', e: { k: 'num', text: t.slice(1), at: this.at(n) + 1, end: this.end(n) } });
        return;
      }
      case 'cast_expression': {
        const td = n.childForFieldName('type');
        const id = loneTypeIdentifier(td);
        if (id && !this.namesType(id)) {
          // `(n) - 1`: a parenthesized variable, then a binary operator
          items.push({ t: 'atom', e: { k: 'id', name: id.text, at: this.at(id), end: this.end(id) } });
          this.continueAfter(n.childForFieldName('value')!, items);
          return;
        }
        items.push({ t: 'cast', type: this.typeDescriptor(td), at: this.at(n) });
        this.flatten(n.childForFieldName('value')!, items);
        return;
      }
      case 'parenthesized_expression': {
        const id = parenthesizedIdentifier(n);
        if (!id || !this.namesType(id)) break;
        items.push({ t: 'cast', type: this.typeNamed(id), at: this.at(n) });
        return;
      }
      case 'sizeof_expression': {
        const v = n.childForFieldName('value');
        if (v?.type !== 'cast_expression') break;
        const td = v.childForFieldName('type');
        const id = loneTypeIdentifier(td);
        const close = v.children.find((c) => c?.type === ')');
        const at = this.at(n), end = close ? this.end(close) : this.end(v);
        const e: CExpr = id && !this.namesType(id) ? { k: 'sizeof', arg: { k: 'id', name: id.text, at: this.at(id), end: this.end(id) }, at, end } : { k: 'sizeof', type: this.typeDescriptor(td), at, end };
        items.push({ t: 'atom', e });
        this.continueAfter(v.childForFieldName('value')!, items);
        return;
      }
    }
    items.push({ t: 'atom', e: this.expr(n) });
  }

  /** What followed a parenthesized operand the grammar took for a cast: its leading sign is a binary operator. */
  private continueAfter(value: Node, items: Item[]): void {
    const rest: Item[] = [];
    this.flatten(value, rest);
    const first = rest[0];
    if (first?.t !== 'pre' || !ALSO_PREFIX.has(first.op)) throw new ReadError(`cannot read '${this.spell(value)}' after a parenthesized operand`);
    rest[0] = { t: 'bin', op: first.op, at: first.at };
    items.push(...rest);
  }

  private sizeofExpr(n: Node): CExpr {
    const at = this.at(n), end = this.end(n);
    const td = n.childForFieldName('type');
    if (td) {
      const id = loneTypeIdentifier(td);
      if (id && !this.namesType(id)) return { k: 'sizeof', arg: { k: 'id', name: id.text, at: this.at(id), end: this.end(id) }, at, end };
      return { k: 'sizeof', type: this.typeDescriptor(td), at, end };
    }
    const v = n.childForFieldName('value')!;
    if (v.type === 'parenthesized_expression' && v.namedChildCount === 1) {
      const t = this.typeOfExpressionShape(v.namedChild(0)!);
      if (t) return { k: 'sizeof', type: t, at, end };
    }
    // sizeof (T){...} is sizeof T
    if (v.type === 'compound_literal_expression') return { k: 'sizeof', type: this.typeDescriptor(v.childForFieldName('type')), at, end };
    return { k: 'sizeof', arg: this.expr(v), at, end };
  }

  /** `T` and `T[4]` inside sizeof(...) are types when T is one, though the grammar read a name and a subscript. */
  private typeOfExpressionShape(n: Node): TypeName | undefined {
    if (n.type === 'identifier') return this.namesType(n) ? this.typeNamed(n) : undefined;
    if (n.type !== 'subscript_expression') return undefined;
    const inner = this.typeOfExpressionShape(n.childForFieldName('argument')!);
    if (!inner) return undefined;
    return { spec: inner.spec, ops: [{ k: 'array', size: this.expr(n.childForFieldName('index')) }, ...inner.ops], text: this.spell(n) };
  }

  /**
   * Calls, subscripts, members and postfix ++/--. `(T)(x)` is a call to the
   * grammar and a cast in C, which also takes what follows: `(T)(x)[1]`
   * casts (x)[1].
   */
  private postfix(n: Node): CExpr {
    let base: Node | null = n;
    while (base && isChain(base) && !castCall(base, this)) base = chainInner(base);
    if (base && isChain(base) && base.id !== n.id) {
      const type = castCall(base, this)!;
      return { k: 'cast', type, arg: this.chain(n, base.id), at: this.at(base), end: this.end(n) };
    }
    return this.chain(n, undefined);
  }

  private chain(n: Node, castAt: number | undefined): CExpr {
    const part = (x: Node | null): CExpr => (x && isChain(x) ? this.chain(x, castAt) : this.expr(x));
    const at = this.at(n), end = this.end(n);
    switch (n.type) {
      case 'subscript_expression': return { k: 'index', obj: part(n.childForFieldName('argument')), index: this.expr(n.childForFieldName('index')), at, end };
      case 'field_expression': return { k: 'member', obj: part(n.childForFieldName('argument')), name: n.childForFieldName('field')!.text, arrow: n.childForFieldName('operator')?.type === '->', at, end };
      case 'update_expression': return { k: 'postfix', op: n.childForFieldName('operator')!.type as '++' | '--', arg: part(n.childForFieldName('argument')), at, end };
    }
    const args = n.childForFieldName('arguments')!;
    if (n.id === castAt) return this.argumentsAsOperand(args);
    const type = castCall(n, this);
    if (type) return { k: 'cast', type, arg: this.argumentsAsOperand(args), at, end };
    return { k: 'call', fn: part(n.childForFieldName('function')), args: kids(args).map((a) => this.expr(a)), at, end };
  }

  /** `(x)` or `(x, y)` after a cast that the grammar read as a call. */
  private argumentsAsOperand(args: Node): CExpr {
    const k = kids(args);
    if (!k.length) throw new ReadError(`a cast without its operand in '${this.spell(args)}'`);
    let e = this.expr(k[0]);
    for (const x of k.slice(1)) { const r = this.expr(x); e = { k: 'binary', op: ',', left: e, right: r, at: e.at, end: r.end }; }
    return e;
  }

  /** Used by castCall: the parenthesized function of a call that names a type. */
  typeBehind(fn: Node): TypeName | undefined {
    const id = parenthesizedIdentifier(fn);
    return id && this.namesType(id) ? this.typeNamed(id) : undefined;
  }

  // ------------------------------------------------------------------ types

  typeDescriptor(td: Node | null): TypeName {
    if (!td || td.type !== 'type_descriptor') throw new ReadError('a type name is missing');
    const spec = this.spec(td.childForFieldName('type'));
    const { ops } = this.declarator(td.childForFieldName('declarator'));
    return { spec, ops, text: this.spell(td) };
  }

  private spec(n: Node | null): TypeSpec {
    if (!n) throw new ReadError('a type is missing');
    switch (n.type) {
      case 'primitive_type': return BASIC.has(n.text) ? { k: 'words', words: [n.text] } : { k: 'typedef', name: n.text };
      case 'sized_type_specifier': {
        const words: string[] = [];
        for (const c of n.children) {
          if (!c || c.type === 'type_qualifier') continue;
          if (!c.isNamed) { words.push(c.type); continue; }
          if (!BASIC.has(c.text)) throw new ReadError(`'${this.spell(n)}' is not a type`);
          words.push(c.text);
        }
        return { k: 'words', words };
      }
      case 'type_identifier': {
        const h = this.hole(n);
        if (h?.kind === 'typeof') return this.typeofSpec(h);
        if (h) break;
        return this.specOfName(n.text);
      }
      case 'struct_specifier': case 'union_specifier': case 'enum_specifier': return this.tagSpec(n);
    }
    throw new ReadError(`cannot read the type '${this.spell(n)}'`);
  }

  private tagSpec(n: Node): TypeSpec {
    const tag = n.type === 'struct_specifier' ? 'struct' : n.type === 'union_specifier' ? 'union' : 'enum';
    const name = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    const at = this.at(n);
    if (!body) return { k: 'tag', tag, name, at };
    if (tag === 'enum') {
      const enumerators = kids(body).filter((e) => e.type === 'enumerator').map((e) => {
        const v = e.childForFieldName('value');
        return { name: e.childForFieldName('name')!.text, value: v ? this.expr(v) : undefined };
      });
      return { k: 'tag', tag, name, enumerators, at };
    }
    const fields: FieldAst[] = [];
    for (const f of kids(body)) {
      if (f.type !== 'field_declaration') continue;
      const spec = this.spec(f.childForFieldName('type'));
      const type = (ops: DeclOp[], upTo: Node) => ({ spec, ops, text: clip(this.text.slice(this.at(f), this.end(upTo)), 400) });
      let last: FieldAst | undefined;
      let any = false;
      const cs = f.children;
      for (let i = 0; i < cs.length; i++) {
        const c = cs[i]!;
        if (f.fieldNameForChild(i) === 'declarator') {
          // `int :3;`: the grammar wants a name and marks it missing
          const { name, ops } = c.isMissing ? { name: null, ops: [] } : this.declarator(c);
          fields.push((last = { name, type: type(ops, c) }));
          any = true;
        } else if (c.type === 'bitfield_clause') {
          const width = this.expr(kids(c)[0]);
          if (last && !last.width) last.width = width;
          else fields.push({ name: null, type: type([], c), width });
          any = true;
        }
      }
      // an anonymous struct or union member
      if (!any) fields.push({ name: null, type: type([], f) });
    }
    return { k: 'tag', tag, name, fields, at };
  }

  /** A (possibly abstract) declarator: its name and the wrappers it applies to the base type, innermost first. */
  private declarator(d: Node | null | undefined): { name: string | null; ops: DeclOp[] } {
    if (!d) return { name: null, ops: [] };
    const inner = () => this.declarator(d.childForFieldName('declarator'));
    switch (d.type) {
      case 'identifier': case 'field_identifier': case 'type_identifier': return { name: d.text, ops: [] };
      case 'pointer_declarator': case 'abstract_pointer_declarator': {
        const i = inner();
        return { name: i.name, ops: [{ k: 'ptr' }, ...i.ops] };
      }
      case 'array_declarator': case 'abstract_array_declarator': {
        const s = d.childForFieldName('size');
        const size = s && s.isNamed ? this.expr(s) : undefined;
        const i = inner();
        return { name: i.name, ops: [{ k: 'array', size }, ...i.ops] };
      }
      case 'function_declarator': case 'abstract_function_declarator': {
        const params = this.parameterItems(d.childForFieldName('parameters')).map((p) => p.type);
        const i = inner();
        return { name: i.name, ops: [{ k: 'func', params }, ...i.ops] };
      }
      case 'parenthesized_declarator': case 'abstract_parenthesized_declarator': case 'attributed_declarator':
        return this.declarator(kids(d).find((k) => DECLARATORS.has(k.type)));
      case 'init_declarator': return inner();
    }
    throw new ReadError(`cannot read the declarator '${this.spell(d)}'`);
  }

  parameterItems(list: Node | null): DeclItem[] {
    if (!list) throw new ReadError('a parameter list is missing');
    const ps = kids(list);
    const out: DeclItem[] = [];
    if (ps.length === 1 && ps[0].type === 'parameter_declaration' && ps[0].childForFieldName('type')?.text === 'void' && !ps[0].childForFieldName('declarator')) return out;
    for (const p of ps) {
      if (p.type === 'variadic_parameter' || p.type === 'attribute_specifier') continue;
      // a K&R identifier list: the types are not here
      if (p.type === 'identifier') { out.push({ name: p.text, type: { spec: { k: 'words', words: [] }, ops: [], text: '?' }, at: this.at(p) }); continue; }
      if (p.type !== 'parameter_declaration') throw new ReadError(`cannot read the parameter '${this.spell(p)}'`);
      const spec = this.spec(p.childForFieldName('type'));
      const { name, ops } = this.declarator(p.childForFieldName('declarator'));
      out.push({ name, type: { spec, ops, text: this.spell(p) }, at: this.at(p) });
    }
    return out;
  }

  // ------------------------------------------------------------ declarations

  declaration(n: Node): Declaration {
    if (n.type !== 'declaration' && n.type !== 'type_definition') throw new ReadError(`'${this.spell(n)}' is not a declaration`);
    const storage: string[] = n.type === 'type_definition' ? ['typedef'] : [];
    for (const c of n.children) {
      if (c?.type === 'storage_class_specifier') storage.push(c.text);
      // a const object keeps its initializer's value: the evaluator may fold it as gcc does
      else if (c?.type === 'type_qualifier' && c.text === 'const') storage.push('const');
    }
    const spec = this.spec(n.childForFieldName('type'));
    const start = this.at(n);
    const items: DeclItem[] = [];
    for (const d of n.childrenForFieldName('declarator')) {
      if (!d || !(d.type === 'init_declarator' || DECLARATORS.has(d.type))) continue;
      const decl = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const { name, ops } = this.declarator(decl);
      const at = decl ? this.at(decl) : this.at(d);
      // the name is in scope in its own initializer
      if (name) this.declare(name);
      items.push({ name, type: { spec, ops, text: this.text.slice(start, decl ? this.end(decl) : this.end(d)) }, init: value ? this.init(value) : undefined, at });
    }
    return { storage, items };
  }

  /** A declaration whose type is known here: one of an unknown type name would be a guess at what the text means. */
  knownDeclaration(n: Node): Declaration | undefined {
    const t = n.childForFieldName('type');
    if (t?.type === 'type_identifier' && !this.namesType(t)) return undefined;
    return this.declaration(n);
  }

  /** `a * b;` read as a declaration of b when a is no type: the multiplication it is. */
  private misreadDeclaration(n: Node): CExpr | undefined {
    if (n.type !== 'declaration') return undefined;
    const t = n.childForFieldName('type');
    if (t?.type !== 'type_identifier' || this.namesType(t)) return undefined;
    const ds = n.childrenForFieldName('declarator');
    const d = ds[0];
    if (ds.length !== 1 || d?.type !== 'pointer_declarator' || kids(n).length !== 2) return undefined;
    const right = d.childForFieldName('declarator');
    if (right?.type !== 'identifier') return undefined;
    const left: CExpr = { k: 'id', name: t.text, at: this.at(t), end: this.end(t) };
    return { k: 'binary', op: '*', left, right: { k: 'id', name: right.text, at: this.at(right), end: this.end(right) }, at: left.at, end: this.end(right) };
  }

  init(n: Node | null): Init {
    if (!n) throw new ReadError('an initializer is missing');
    if (n.type !== 'initializer_list') return { k: 'expr', e: this.expr(n) };
    const items: Array<{ index?: CExpr; rangeEnd?: CExpr; field?: string; init: Init }> = [];
    for (const c of kids(n)) {
      if (c.type !== 'initializer_pair') { items.push({ init: this.init(c) }); continue; }
      let index: CExpr | undefined, rangeEnd: CExpr | undefined, field: string | undefined;
      // what sizes an array is the first designator; the rest reach into the element
      for (const d of c.childrenForFieldName('designator')) {
        if (!d) continue;
        const first = index === undefined && field === undefined;
        if (d.type === 'subscript_designator') { const i = this.expr(kids(d)[0]); if (first) index = i; }
        else if (d.type === 'subscript_range_designator') {
          const a = this.expr(d.childForFieldName('start')), b = this.expr(d.childForFieldName('end'));
          if (first) { index = a; rangeEnd = b; }
        } else if (d.type === 'field_designator') field ??= kids(d)[0]?.text;
        else if (d.type === 'field_identifier') field ??= d.text;
      }
      items.push({ index, rangeEnd, field, init: this.init(c.childForFieldName('value')) });
    }
    return { k: 'list', items };
  }

  // ------------------------------------------------------------- statements

  private block(c: Node): Stmt[] {
    this.scopes.push(new Set());
    try {
      const out: Stmt[] = [];
      for (const s of kids(c)) out.push(...this.stmt(s));
      return out;
    } finally {
      this.scopes.pop();
    }
  }

  private stmt(s: Node): Stmt[] {
    const one = (x: Node | null | undefined): Stmt => {
      if (!x) throw new ReadError('a statement is missing');
      const r = this.stmt(x);
      return r.length === 1 ? r[0] : { k: 'block', body: r };
    };
    const test = (x: Node) => {
      const c = x.childForFieldName('condition');
      return this.expr(c?.type === 'parenthesized_expression' ? kids(c)[0] : c);
    };
    switch (s.type) {
      case 'declaration': case 'type_definition': {
        const e = this.misreadDeclaration(s);
        return [e ? { k: 'expr', e } : { k: 'decl', decl: this.declaration(s) }];
      }
      case 'expression_statement': {
        const x = kids(s)[0];
        if (!x) return [{ k: 'empty' }];
        if (x.type === 'gnu_asm_expression') return [{ k: 'other', what: 'asm' }];
        // _Static_assert is no keyword to the grammar: it reads a call
        const fn = x.type === 'call_expression' ? x.childForFieldName('function') : null;
        if (fn?.type === 'identifier' && (fn.text === '_Static_assert' || fn.text === 'static_assert')) {
          return [{ k: 'static_assert', cond: this.expr(kids(x.childForFieldName('arguments')!)[0]) }];
        }
        return [{ k: 'expr', e: this.expr(x) }];
      }
      case 'if_statement': {
        const alt = s.childForFieldName('alternative');
        return [{ k: 'if', test: test(s), then: one(s.childForFieldName('consequence')), else: alt ? one(kids(alt)[0]) : undefined }];
      }
      case 'do_statement': return [{ k: 'do', body: one(s.childForFieldName('body')), test: test(s) }];
      case 'compound_statement': return [{ k: 'block', body: this.block(s) }];
      case 'labeled_statement': return [{ k: 'other', what: 'label' }, ...this.stmt(kids(s)[kids(s).length - 1])];
      case 'attributed_statement': return this.stmt(kids(s)[kids(s).length - 1]);
      case 'for_statement': case 'while_statement': case 'switch_statement': case 'return_statement': case 'goto_statement':
      case 'break_statement': case 'continue_statement': case 'case_statement':
        return [{ k: 'other', what: s.type.replace('_statement', '') }];
    }
    throw new ReadError(`cannot read the statement '${this.spell(s)}'`);
  }

  // --------------------------------------------------------------- functions

  /**
   * Parameters, block-scope declarations and the names changed in the
   * function definition `fn`. Locals are only found here (name, place,
   * block); a check reads few of them, so each is read from its own
   * declaration's text when asked for (parseDeclaration, shared by text).
   */
  functionSyntax(fn: Node): FunctionSyntax {
    const out: FunctionSyntax = { params: [], locals: [], modified: new Set() };
    let d: Node | null | undefined = fn.childForFieldName('declarator');
    while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator') ?? kids(d).find((k) => DECLARATORS.has(k.type));
    try {
      out.params = d ? this.parameterItems(d.childForFieldName('parameters')) : [];
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
    }
    const names = new Set<string>();
    for (const p of out.params) if (p.name) names.add(p.name);
    this.scopes.push(names);
    const changed = (x: Node | null, throughSubscript: boolean) => {
      for (let i = 0; x && i < 64; i++) {
        if (x.type === 'identifier') { out.modified.add(x.text); return; }
        if (x.type === 'parenthesized_expression') x = kids(x)[0] ?? null;
        else if (x.type === 'field_expression' && x.childForFieldName('operator')?.type === '.') x = x.childForFieldName('argument');
        else if (x.type === 'subscript_expression' && throughSubscript) x = x.childForFieldName('argument');
        else return;
      }
    };
    const body = fn.childForFieldName('body');
    // in text order: whether a name is a type in a declaration depends on the locals declared before it
    for (const n of body?.descendantsOfType(['declaration', 'assignment_expression', 'update_expression', 'pointer_expression', 'gnu_asm_expression']) ?? []) {
      if (!n) continue;
      switch (n.type) {
        case 'declaration': {
          if (problem(n) || this.misreadDeclaration(n)) break;
          const t = n.childForFieldName('type');
          if (t?.type === 'type_identifier' && !this.namesType(t)) break;
          const isConst = n.children.some((c) => c?.type === 'type_qualifier' && c.text === 'const');
          const scope = enclosingScope(n);
          const end = scope ? this.end(scope) - 1 : this.text.length;
          let index = 0;
          for (const x of n.childrenForFieldName('declarator')) {
            if (!x || !(x.type === 'init_declarator' || DECLARATORS.has(x.type))) continue;
            const { name, wraps } = declared(x);
            if (name) {
              names.add(name);
              const at = this.at(x.type === 'init_declarator' ? x.childForFieldName('declarator')! : x);
              out.locals.push({ name, at, end, decl: [this.at(n), this.end(n)], index, keeps: isConst && (wraps === undefined || wraps === 'array_declarator') });
            }
            index++;
          }
          break;
        }
        case 'assignment_expression': changed(n.childForFieldName('left'), false); break;
        case 'update_expression': changed(n.childForFieldName('argument'), false); break;
        case 'pointer_expression': if (n.childForFieldName('operator')?.type === '&') changed(n.childForFieldName('argument'), true); break;
        // an asm statement writes its outputs; constraints the grammar cannot read ("=@cc" "z") hide which
        // operands those are, so every name in it counts as changed
        case 'gnu_asm_expression': for (const x of n.descendantsOfType('identifier')) if (x) out.modified.add(x.text); break;
      }
    }
    this.scopes.pop();
    return out;
  }
}

export interface FunctionSyntax {
  /** offsets of the function's text */
  params: DeclItem[];
  /**
   * Block-scope declarations: `at` the declarator, `end` where the block
   * holding it closes, `decl` the declaration's text (item `index` of it);
   * `keeps`: const-qualified and no pointer, so it keeps its initializer
   */
  locals: Array<{ name: string; at: number; end: number; decl: [number, number]; index: number; keeps: boolean }>;
  /** names assigned, incremented, address-taken or written by asm anywhere in the function */
  modified: Set<string>;
}

/** The name a declarator declares, and the kind of the declarator right around the name (pointer, array, function). */
function declared(d: Node): { name: string | null; wraps: string | undefined } {
  let n: Node | null | undefined = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
  let wraps: string | undefined;
  for (let i = 0; n && i < 64; i++) {
    if (n.type === 'identifier') return { name: n.text, wraps };
    if (n.type === 'parenthesized_declarator' || n.type === 'attributed_declarator') { n = kids(n).find((k) => DECLARATORS.has(k.type)); continue; }
    wraps = n.type;
    n = n.childForFieldName('declarator');
  }
  return { name: null, wraps };
}

function isPrefix(n: Node): boolean {
  const op = n.child(0)?.type;
  return op === '++' || op === '--';
}

function isChain(n: Node): boolean {
  return n.type === 'subscript_expression' || n.type === 'field_expression' || n.type === 'call_expression' || (n.type === 'update_expression' && !isPrefix(n));
}

function chainInner(n: Node): Node | null {
  return n.childForFieldName(n.type === 'call_expression' ? 'function' : 'argument');
}

function castCall(n: Node, r: Reader): TypeName | undefined {
  if (n.type !== 'call_expression') return undefined;
  return r.typeBehind(n.childForFieldName('function')!);
}

function parenthesizedIdentifier(n: Node | null): Node | undefined {
  if (n?.type !== 'parenthesized_expression') return undefined;
  const k = kids(n);
  return k.length === 1 && k[0].type === 'identifier' ? k[0] : undefined;
}

/** The name in a type descriptor that is nothing but one identifier: `(x)` the grammar may have taken for a type. */
function loneTypeIdentifier(td: Node | null): Node | undefined {
  if (td?.type !== 'type_descriptor' || td.childForFieldName('declarator')) return undefined;
  const k = kids(td);
  return k.length === 1 && k[0].type === 'type_identifier' ? k[0] : undefined;
}

function enclosingScope(n: Node): Node | null {
  let p = n.parent;
  while (p && p.type !== 'compound_statement' && p.type !== 'for_statement') p = p.parent;
  return p;
}

/** The first error in a tree, skipping what the reader does not look into and `int :3;`'s missing name. */
function problem(n: Node): Node | undefined {
  if (!n.hasError) return undefined;
  if (n.type === 'ERROR' || n.isMissing) return n;
  if (OPAQUE.has(n.type)) return undefined;
  const cs = n.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (!c) continue;
    if (c.isMissing && c.type === 'field_identifier' && cs[i + 1]?.type === 'bitfield_clause') continue;
    const p = problem(c);
    if (p) return p;
  }
  return undefined;
}

// ------------------------------------------------------------ entry points

/**
 * Parse trees of short snippets, kept by text: a whole-tree check parses
 * 25 000 operands of typeof, offsetof and sizeof, 8 000 of them distinct
 * (`typeof(void)`, the same cut-out type in every container_of). Longer
 * texts (conditions, functions) are parsed and deleted. A tree in use (a
 * reading parses the operands inside it) is never deleted under it.
 */
class ShortTrees {
  private readonly byText = new Map<string, Tree>();
  private readonly kept = new Set<Tree>();
  private readonly using = new Map<Tree, number>();
  constructor(private readonly maxLength: number, private readonly maxTrees: number) {}

  take(text: string): Tree {
    const short = text.length <= this.maxLength;
    let tree = short ? this.byText.get(text) : undefined;
    if (tree) {
      // the most recently used last: the first are evicted
      this.byText.delete(text);
      this.byText.set(text, tree);
    } else {
      tree = CParser.shared().parse(text);
      if (short) {
        this.byText.set(text, tree);
        this.kept.add(tree);
        for (const [t, old] of this.byText) {
          if (this.byText.size <= this.maxTrees) break;
          this.byText.delete(t);
          this.kept.delete(old);
          if (!this.using.has(old)) old.delete();
        }
      }
    }
    this.using.set(tree, (this.using.get(tree) ?? 0) + 1);
    return tree;
  }

  give(tree: Tree): void {
    const n = (this.using.get(tree) ?? 1) - 1;
    if (n > 0) { this.using.set(tree, n); return; }
    this.using.delete(tree);
    if (!this.kept.has(tree)) tree.delete();
  }
}

const shortTrees = new ShortTrees(400, 2048);

/**
 * Readings by text, each with the typedef-name answers it depended on: the
 * same condition or declaration text in another unit (or scope) is read
 * again only where those answers differ. Function definitions have a memo
 * of their own, small: a whole-tree check reads ~1 900 of them once each
 * (9.5 MB, kept they would only age into the old generation), an editor
 * re-checks the same few after every keystroke.
 */
class Readings {
  private readonly byText = new Map<string, Array<{ asked: Map<string, boolean>; value: unknown }>>();
  private chars = 0;
  constructor(private readonly maxChars: number) {}

  read<T>(kind: string, text: string, names: TypeNames, make: (r: Reader) => T): T {
    const key = kind + text;
    const have = this.byText.get(key);
    if (have) {
      for (const m of have) {
        let same = true;
        for (const [name, v] of m.asked) if (names.isTypeName(name) !== v) { same = false; break; }
        if (same) return m.value as T;
      }
    }
    const r = new Reader(text, names);
    const value = make(r);
    if (this.chars > this.maxChars) { this.byText.clear(); this.chars = 0; }
    if (have && this.byText.has(key)) have.push({ asked: r.asked, value });
    else { this.byText.set(key, [{ asked: r.asked, value }]); this.chars += key.length; }
    return value;
  }
}

const snippets = new Readings(4 << 20);
const functions = new Readings(256 << 10);

const readError = <T>(e: unknown, f: (reason: string) => T): T => {
  if (e instanceof ReadError) return f(e.message);
  throw e;
};

/** An expression; every node's at/end are offsets into `text`. */
export function parseExpression(text: string, names: TypeNames): CExpr {
  if (!text.trim()) return { k: 'bad', reason: 'the expression is empty', at: 0, end: text.length };
  return snippets.read('e:', text, names, (r) => {
    try {
      return r.parse(0, text.length, EXPR, (n) => r.expr(n));
    } catch (e) {
      return readError<CExpr>(e, (reason) => ({ k: 'bad', reason, at: 0, end: text.length }));
    }
  });
}

/** A type name (`struct foo *`, `typeof(x)[4]`), or undefined. */
export function parseTypeName(text: string, names: TypeNames): TypeName | undefined {
  return snippets.read('t:', text, names, (r) => {
    try {
      return r.parse(0, text.length, TYPE, (n) => r.typeDescriptor(n));
    } catch (e) {
      return readError(e, () => undefined);
    }
  });
}

/** One declaration (`static const struct foo bar[] = {...};`, a typedef), or undefined when the text is not one. */
export function parseDeclaration(text: string, names: TypeNames): Declaration | undefined {
  return snippets.read('d:', text, names, (r) => {
    try {
      return r.parse(0, text.length, WHOLE, (n) => r.knownDeclaration(n));
    } catch (e) {
      return readError(e, () => undefined);
    }
  });
}

/** The parameters, block-scope declarations and changed names of the function definition `text`. */
export function readFunction(text: string, names: TypeNames): FunctionSyntax | undefined {
  return functions.read('f:', text, names, (r) => {
    try {
      return r.parse(0, text.length, FUNCTION, (n) => r.functionSyntax(n), false);
    } catch (e) {
      return readError(e, () => undefined);
    }
  });
}
