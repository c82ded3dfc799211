// A parser for C expressions as they stand after macro expansion: the
// conditions of static_assert/BUILD_BUG_ON and the declarations around them.
// tree-sitter-c reads a snippet without knowing which identifiers are typedef
// names, so `(s32)(x)` becomes a call and `(typeof(*p) *)0` an error; this
// parser asks the translation unit (isTypeName) and also reads the GNU forms
// the kernel's macros expand to: typeof(expr), statement expressions,
// __builtin_types_compatible_p, __builtin_offsetof with nested designators,
// _Generic, __auto_type. It only builds a tree; eval/c-typed.ts gives it
// types and values. Anything it cannot read becomes a `bad` node with the why.

export interface Tok {
  k: 'id' | 'num' | 'str' | 'chr' | 'p';
  t: string;
  /** offset of the first character in the parsed text */
  at: number;
}

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = ['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##'];

export function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) { i++; continue; }
    const start = i;
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) {
      i++;
      while (i < n && /[\w$]/.test(text[i])) i++;
      const q = text[i];
      if ((q === '"' || q === "'") && /^(L|u|U|u8)$/.test(text.slice(start, i))) {
        i = literalEnd(text, i);
        out.push({ k: q === '"' ? 'str' : 'chr', t: text.slice(start, i), at: start });
        continue;
      }
      out.push({ k: 'id', t: text.slice(start, i), at: start });
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && /\d/.test(text[i + 1] ?? ''))) {
      i++;
      while (i < n && (/[\w.]/.test(text[i]) || ((text[i] === '+' || text[i] === '-') && /[eEpP]/.test(text[i - 1])))) i++;
      out.push({ k: 'num', t: text.slice(start, i), at: start });
      continue;
    }
    if (c === 34 || c === 39) {
      i = literalEnd(text, i);
      out.push({ k: c === 34 ? 'str' : 'chr', t: text.slice(start, i), at: start });
      continue;
    }
    const three = text.substr(i, 3);
    const two = text.substr(i, 2);
    const p = PUNCT3.includes(three) ? three : PUNCT2.includes(two) ? two : text[i];
    i += p.length;
    out.push({ k: 'p', t: p, at: start });
  }
  return out;
}

function literalEnd(text: string, i: number): number {
  const q = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, text.length);
}

// ------------------------------------------------------------------ the tree

export type TypeSpec =
  /** keywords: unsigned long, int, _Bool, void, double ... */
  | { k: 'words'; words: string[] }
  /** `at`: offset of the keyword, so a body written here can be found in the unit's own parse */
  | { k: 'tag'; tag: 'struct' | 'union' | 'enum'; name?: string; fields?: FieldAst[]; enumerators?: Array<{ name: string; value?: CExpr }>; at?: number }
  | { k: 'typedef'; name: string }
  | { k: 'typeof'; type?: TypeName; expr?: CExpr }
  | { k: 'auto' };

export interface FieldAst {
  name: string | null;
  type: TypeName;
  width?: CExpr;
}

/** How a declarator wraps its base type, in the order the wrappers apply to it. */
export type DeclOp = { k: 'ptr' } | { k: 'array'; size?: CExpr } | { k: 'func'; params: TypeName[] };

export interface TypeName {
  spec: TypeSpec;
  ops: DeclOp[];
  /** the spelling, for messages */
  text: string;
}

export type Init = { k: 'expr'; e: CExpr } | { k: 'list'; items: Array<{ index?: CExpr; rangeEnd?: CExpr; field?: string; init: Init }> };

export interface DeclItem {
  name: string | null;
  type: TypeName;
  init?: Init;
  at: number;
}

export interface Declaration {
  storage: string[];
  items: DeclItem[];
}

export type Stmt =
  | { k: 'decl'; decl: Declaration }
  | { k: 'expr'; e: CExpr }
  | { k: 'if'; test: CExpr; then: Stmt; else?: Stmt }
  | { k: 'do'; body: Stmt; test: CExpr }
  | { k: 'block'; body: Stmt[] }
  | { k: 'empty' }
  | { k: 'static_assert'; cond: CExpr }
  /** a statement whose effect on the value is not modelled (loops, switch, asm, return, goto) */
  | { k: 'other'; what: string };

export type CExpr = (
  | { k: 'num'; text: string }
  | { k: 'chr'; text: string }
  | { k: 'str'; parts: string[] }
  | { k: 'id'; name: string }
  | { k: 'unary'; op: '-' | '+' | '~' | '!' | '*' | '&' | '++' | '--'; arg: CExpr }
  | { k: 'postfix'; op: '++' | '--'; arg: CExpr }
  | { k: 'binary'; op: string; left: CExpr; right: CExpr }
  | { k: 'assign'; op: string; left: CExpr; right: CExpr }
  | { k: 'cond'; test: CExpr; then?: CExpr; else: CExpr }
  | { k: 'cast'; type: TypeName; arg: CExpr }
  | { k: 'compound'; type: TypeName; init: Init }
  | { k: 'sizeof'; type?: TypeName; arg?: CExpr }
  | { k: 'alignof'; type?: TypeName; arg?: CExpr }
  | { k: 'offsetof'; type: TypeName; desig: Array<string | CExpr> }
  | { k: 'compat'; a: TypeName; b: TypeName }
  | { k: 'call'; fn: CExpr; args: CExpr[] }
  | { k: 'member'; obj: CExpr; name: string; arrow: boolean }
  | { k: 'index'; obj: CExpr; index: CExpr }
  | { k: 'stmt'; body: Stmt[] }
  | { k: 'generic'; ctrl: CExpr; assocs: Array<{ type?: TypeName; expr: CExpr }> }
  | { k: 'bad'; reason: string }
) & { at: number; end: number };

export class ParseError extends Error {}

const BASIC = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', '__signed__', '__signed', 'unsigned', '_Bool', '_Complex', '__int128', '__int128_t', '__uint128_t', '_Float128', '__float128']);
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '__restrict__', '__volatile__', '__volatile', '__const', '__const__', '_Atomic', '__seg_gs', '__seg_fs', '__iomem', '__user', '__kernel', '__percpu', '__rcu', '__force', '__bitwise', '__private']);
const STORAGE = new Set(['static', 'extern', 'register', 'auto', 'inline', '__inline', '__inline__', 'typedef', '_Thread_local', '__thread', '_Noreturn', '__extension__']);
const TYPEOF = new Set(['typeof', '__typeof__', '__typeof', 'typeof_unqual', '__typeof_unqual__']);
const ALIGNOF = new Set(['_Alignof', '__alignof__', '__alignof', 'alignof']);
const ATTRIBUTE = new Set(['__attribute__', '__attribute', '__declspec']);

const BINARY_PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};
const ASSIGN = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);

export interface ParserHooks {
  /** Is `name` a typedef name here (and not shadowed by a variable)? */
  isTypeName(name: string): boolean;
}

/** Parses an expression; every node's at/end are offsets into `text`. */
export function parseExpression(text: string, hooks: ParserHooks): CExpr {
  const p = new Parser(text, tokenize(text), hooks);
  try {
    const e = p.expression();
    if (!p.done()) return { k: 'bad', reason: `cannot read '${p.rest(60)}' after the expression`, at: 0, end: text.length };
    return e;
  } catch (err) {
    if (err instanceof ParseError) return { k: 'bad', reason: err.message, at: 0, end: text.length };
    throw err;
  }
}

/** Parses one declaration (`static const struct foo bar[] = {...};`), or undefined when it is not one. */
export function parseDeclaration(text: string, hooks: ParserHooks): Declaration | undefined {
  const p = new Parser(text, tokenize(text), hooks);
  try {
    if (!p.startsDeclaration()) return undefined;
    return p.declaration();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/** Parameter declarations of a function declarator's list `(int a, struct b *c)`. */
export function parseParameters(text: string, hooks: ParserHooks): DeclItem[] | undefined {
  const p = new Parser(text, tokenize(text), hooks);
  try {
    return p.parameterList();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

export class Parser {
  private i = 0;
  /** names declared inside statement expressions being parsed: they shadow typedef names */
  private readonly locals: Array<Set<string>> = [];

  constructor(private readonly text: string, private readonly toks: Tok[], private readonly hooks: ParserHooks) {}

  done(): boolean { return this.i >= this.toks.length; }
  rest(n: number): string { const t = this.toks[this.i]; return t ? this.text.slice(t.at, t.at + n) : ''; }
  private peek(o = 0): Tok | undefined { return this.toks[this.i + o]; }
  private is(t: string, o = 0): boolean { const x = this.toks[this.i + o]; return !!x && x.t === t && (x.k === 'p' || x.k === 'id'); }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new ParseError('unexpected end of the expression');
    return t;
  }
  private expect(t: string): Tok {
    const x = this.next();
    if (x.t !== t) throw new ParseError(`expected '${t}' but found '${x.t}' in '${this.around(x.at)}'`);
    return x;
  }
  private around(at: number): string { return this.text.slice(Math.max(0, at - 30), at + 30).replace(/\s+/g, ' '); }
  private pos(): number { return this.toks[this.i]?.at ?? this.text.length; }
  private endOfPrev(): number { const t = this.toks[this.i - 1]; return t ? t.at + t.t.length : 0; }

  private shadowed(name: string): boolean { return this.locals.some((s) => s.has(name)); }

  /** Does the token at offset o begin a type name? */
  private typeStart(o = 0): boolean {
    const t = this.peek(o);
    if (!t || t.k !== 'id') return false;
    const w = t.t;
    if (BASIC.has(w) || QUALIFIERS.has(w) || TYPEOF.has(w) || w === 'struct' || w === 'union' || w === 'enum' || w === '__auto_type' || ATTRIBUTE.has(w)) return true;
    return !this.shadowed(w) && this.hooks.isTypeName(w);
  }

  startsDeclaration(): boolean {
    const t = this.peek();
    if (!t || t.k !== 'id') return false;
    if (STORAGE.has(t.t)) return true;
    if (t.t === '__extension__') return true;
    // `foo_t:` is a label, not a declaration
    return this.typeStart() && !this.is(':', 1);
  }

  private skipAttributes(): void {
    for (;;) {
      const t = this.peek();
      if (!t || t.k !== 'id') return;
      if (ATTRIBUTE.has(t.t) || t.t === '__asm__' || t.t === 'asm' || t.t === '__asm' || t.t === '_Alignas' || t.t === 'alignas') {
        this.i++;
        if (this.is('(')) this.skipBalanced();
        continue;
      }
      if (t.t === '__extension__') { this.i++; continue; }
      return;
    }
  }

  /** Skips a parenthesised/bracketed/braced group starting at the current token. */
  private skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.k === 'p' && (t.t === '(' || t.t === '[' || t.t === '{')) depth++;
      else if (t.k === 'p' && (t.t === ')' || t.t === ']' || t.t === '}')) depth--;
    } while (depth > 0);
  }

  // ---------------------------------------------------------------- types

  /** Declaration specifiers: storage classes and qualifiers are dropped, the type is kept. */
  private specifiers(storage?: string[]): TypeSpec {
    const words: string[] = [];
    let spec: TypeSpec | undefined;
    for (;;) {
      this.skipAttributes();
      const t = this.peek();
      if (!t || t.k !== 'id') break;
      const w = t.t;
      if (STORAGE.has(w)) { this.i++; storage?.push(w); continue; }
      if (QUALIFIERS.has(w)) {
        this.i++;
        // a const object keeps its initializer's value: the evaluator may fold it as gcc does
        if (w === 'const' || w === '__const' || w === '__const__') storage?.push('const');
        if (w === '_Atomic' && this.is('(')) { this.i++; const inner = this.typeName(); this.expect(')'); spec = inner.ops.length ? { k: 'typeof', type: inner } : inner.spec; }
        continue;
      }
      if (BASIC.has(w)) { this.i++; words.push(w); continue; }
      if (spec || words.length) break;
      if (w === '__auto_type') { this.i++; spec = { k: 'auto' }; continue; }
      if (w === 'struct' || w === 'union' || w === 'enum') { const at = this.pos(); this.i++; spec = this.tagSpec(w, at); continue; }
      if (TYPEOF.has(w)) {
        this.i++;
        this.expect('(');
        // an identifier that names a type is never an expression, so typeStart decides
        if (this.typeStart()) spec = { k: 'typeof', type: this.typeName() };
        else spec = { k: 'typeof', expr: this.expression() };
        this.expect(')');
        continue;
      }
      if (!this.shadowed(w) && this.hooks.isTypeName(w)) { this.i++; spec = { k: 'typedef', name: w }; continue; }
      break;
    }
    if (spec) return spec;
    if (!words.length) throw new ParseError(`expected a type at '${this.around(this.pos())}'`);
    return { k: 'words', words };
  }

  private tagSpec(tag: 'struct' | 'union' | 'enum', at: number): TypeSpec {
    this.skipAttributes();
    let name: string | undefined;
    if (this.peek()?.k === 'id' && !this.is('{')) name = this.next().t;
    this.skipAttributes();
    if (!this.is('{')) return { k: 'tag', tag, name, at };
    this.next();
    if (tag === 'enum') {
      const enumerators: Array<{ name: string; value?: CExpr }> = [];
      while (!this.is('}')) {
        const n = this.next().t;
        this.skipAttributes();
        let value: CExpr | undefined;
        if (this.is('=')) { this.i++; value = this.conditional(); }
        enumerators.push({ name: n, value });
        if (this.is(',')) this.i++;
      }
      this.expect('}');
      this.skipAttributes();
      return { k: 'tag', tag, name, enumerators, at };
    }
    const fields: FieldAst[] = [];
    while (!this.is('}')) {
      if (this.is(';')) { this.i++; continue; }
      if (this.is('_Static_assert') || this.is('static_assert')) { this.i++; this.skipBalanced(); this.expect(';'); continue; }
      const start = this.pos();
      const spec = this.specifiers();
      if (this.is(';')) { this.i++; fields.push({ name: null, type: { spec, ops: [], text: this.text.slice(start, this.endOfPrev()) } }); continue; }
      for (;;) {
        let name: string | null = null;
        let ops: DeclOp[] = [];
        if (!this.is(':')) ({ name, ops } = this.declarator(false));
        this.skipAttributes();
        let width: CExpr | undefined;
        if (this.is(':')) { this.i++; width = this.conditional(); }
        this.skipAttributes();
        fields.push({ name, type: { spec, ops, text: this.text.slice(start, this.endOfPrev()) }, width });
        if (this.is(',')) { this.i++; continue; }
        break;
      }
      this.expect(';');
    }
    this.expect('}');
    this.skipAttributes();
    return { k: 'tag', tag, name, fields, at };
  }

  typeName(): TypeName {
    const start = this.pos();
    const spec = this.specifiers();
    const { ops } = this.declarator(true);
    return { spec, ops, text: this.text.slice(start, this.endOfPrev()).replace(/\s+/g, ' ').trim() };
  }

  /** A (possibly abstract) declarator: its name and how it wraps the base type. */
  private declarator(abstract: boolean): { name: string | null; ops: DeclOp[] } {
    this.skipAttributes();
    if (this.is('*')) {
      this.i++;
      while (this.peek()?.k === 'id' && (QUALIFIERS.has(this.peek()!.t) || ATTRIBUTE.has(this.peek()!.t))) {
        if (ATTRIBUTE.has(this.peek()!.t)) this.skipAttributes(); else this.i++;
      }
      const inner = this.declarator(abstract);
      return { name: inner.name, ops: [{ k: 'ptr' }, ...inner.ops] };
    }
    let name: string | null = null;
    let innerOps: DeclOp[] = [];
    const t = this.peek();
    if (t?.k === 'id' && !QUALIFIERS.has(t.t) && !ATTRIBUTE.has(t.t)) {
      name = this.next().t;
    } else if (this.is('(') && (this.is('*', 1) || this.is('(', 1) || this.is('[', 1) || (!abstract && this.peek(1)?.k === 'id' && !this.typeStart(1)) || ATTRIBUTE.has(this.peek(1)?.t ?? ''))) {
      this.i++;
      const inner = this.declarator(abstract);
      this.expect(')');
      name = inner.name;
      innerOps = inner.ops;
    }
    const suffixes: DeclOp[] = [];
    for (;;) {
      this.skipAttributes();
      if (this.is('[')) {
        this.i++;
        while (this.peek()?.k === 'id' && (QUALIFIERS.has(this.peek()!.t) || this.peek()!.t === 'static')) this.i++;
        if (this.is(']')) { this.i++; suffixes.push({ k: 'array' }); continue; }
        const size = this.assignment();
        this.expect(']');
        suffixes.push({ k: 'array', size });
        continue;
      }
      if (this.is('(')) {
        this.i++;
        const params = this.parameterListAfterParen();
        suffixes.push({ k: 'func', params: params.map((p) => p.type) });
        continue;
      }
      break;
    }
    return { name, ops: [...suffixes.reverse(), ...innerOps] };
  }

  /** `( params )` with the opening parenthesis still to read. */
  parameterList(): DeclItem[] {
    this.expect('(');
    return this.parameterListAfterParen();
  }

  private parameterListAfterParen(): DeclItem[] {
    const out: DeclItem[] = [];
    if (this.is(')')) { this.i++; return out; }
    if (this.is('void') && this.is(')', 1)) { this.i += 2; return out; }
    for (;;) {
      if (this.is('...')) { this.i++; this.expect(')'); return out; }
      const start = this.pos();
      if (!this.typeStart() && !STORAGE.has(this.peek()?.t ?? '')) {
        // K&R identifier lists and unknown type names: the parameter's type is not known
        const t = this.next();
        out.push({ name: t.t, type: { spec: { k: 'words', words: [] }, ops: [], text: '?' }, at: t.at });
      } else {
        const spec = this.specifiers([]);
        const { name, ops } = this.declarator(true);
        out.push({ name, type: { spec, ops, text: this.text.slice(start, this.endOfPrev()) }, at: start });
      }
      this.skipAttributes();
      if (this.is(',')) { this.i++; continue; }
      this.expect(')');
      return out;
    }
  }

  /** A declaration starting at token i (a scan of a function body): it and the token after it. */
  declarationAt(i: number): { decl: Declaration; next: number } | undefined {
    this.i = i;
    try {
      if (!this.startsDeclaration()) return undefined;
      return { decl: this.declaration(), next: this.i };
    } catch (err) {
      if (err instanceof ParseError) return undefined;
      throw err;
    }
  }

  declaration(): Declaration {
    const storage: string[] = [];
    const start = this.pos();
    const spec = this.specifiers(storage);
    const items: DeclItem[] = [];
    if (this.is(';')) { this.i++; return { storage, items }; }
    for (;;) {
      const at = this.pos();
      const { name, ops } = this.declarator(false);
      this.skipAttributes();
      let init: Init | undefined;
      if (this.is('=')) { this.i++; init = this.initializer(); }
      items.push({ name, type: { spec, ops, text: this.text.slice(start, this.endOfPrev()) }, init, at });
      if (name) this.locals[this.locals.length - 1]?.add(name);
      if (this.is(',')) { this.i++; continue; }
      break;
    }
    if (!this.done()) this.expect(';');
    return { storage, items };
  }

  private initializer(): Init {
    if (!this.is('{')) return { k: 'expr', e: this.assignment() };
    this.next();
    const items: Array<{ index?: CExpr; rangeEnd?: CExpr; field?: string; init: Init }> = [];
    while (!this.is('}')) {
      let index: CExpr | undefined, rangeEnd: CExpr | undefined, field: string | undefined;
      let designated = false;
      while (this.is('[') || this.is('.')) {
        designated = true;
        if (this.is('.')) { this.i++; const f = this.next().t; field ??= f; continue; }
        this.i++;
        const idx = this.conditional();
        let end: CExpr | undefined;
        if (this.is('...')) { this.i++; end = this.conditional(); }
        this.expect(']');
        if (index === undefined && field === undefined) { index = idx; rangeEnd = end; }
      }
      if (designated) this.expect('=');
      items.push({ index, rangeEnd, field, init: this.initializer() });
      if (this.is(',')) this.i++;
      else break;
    }
    this.expect('}');
    return { k: 'list', items };
  }

  // ----------------------------------------------------------- expressions

  expression(): CExpr {
    const at = this.pos();
    let e = this.assignment();
    while (this.is(',')) {
      this.i++;
      const right = this.assignment();
      e = { k: 'binary', op: ',', left: e, right, at, end: this.endOfPrev() };
    }
    return e;
  }

  private assignment(): CExpr {
    const at = this.pos();
    const left = this.conditional();
    const t = this.peek();
    if (t && t.k === 'p' && ASSIGN.has(t.t)) {
      this.i++;
      const right = this.assignment();
      return { k: 'assign', op: t.t, left, right, at, end: this.endOfPrev() };
    }
    return left;
  }

  private conditional(): CExpr {
    const at = this.pos();
    const test = this.binary(1);
    if (!this.is('?')) return test;
    this.i++;
    let then: CExpr | undefined;
    if (!this.is(':')) then = this.expression();
    this.expect(':');
    const els = this.conditional();
    return { k: 'cond', test, then, else: els, at, end: this.endOfPrev() };
  }

  private binary(minPrec: number): CExpr {
    const at = this.pos();
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t || t.k !== 'p') return left;
      const prec = BINARY_PREC[t.t];
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      const right = this.binary(prec + 1);
      left = { k: 'binary', op: t.t, left, right, at, end: this.endOfPrev() };
    }
  }

  private unary(): CExpr {
    const at = this.pos();
    const t = this.peek();
    if (!t) throw new ParseError('unexpected end of the expression');
    if (t.k === 'p' && (t.t === '-' || t.t === '+' || t.t === '~' || t.t === '!' || t.t === '*' || t.t === '&' || t.t === '++' || t.t === '--')) {
      this.i++;
      const arg = t.t === '++' || t.t === '--' ? this.unary() : this.castExpression();
      return { k: 'unary', op: t.t, arg, at, end: this.endOfPrev() };
    }
    if (t.k === 'p' && t.t === '&&') throw new ParseError(`a label address (&&label) is not a constant`);
    if (t.k === 'id' && (t.t === 'sizeof' || ALIGNOF.has(t.t))) {
      this.i++;
      const kind = t.t === 'sizeof' ? 'sizeof' : 'alignof';
      if (this.is('(') && this.typeStart(1)) {
        this.i++;
        const type = this.typeName();
        this.expect(')');
        // sizeof (T){...} is sizeof of a compound literal: still T
        if (this.is('{')) this.initializer();
        return { k: kind, type, at, end: this.endOfPrev() };
      }
      const arg = this.unary();
      return { k: kind, arg, at, end: this.endOfPrev() };
    }
    if (t.k === 'id' && t.t === '__extension__') { this.i++; return this.castExpression(); }
    if (t.k === 'id' && (t.t === '__real__' || t.t === '__imag__')) throw new ParseError(`${t.t} is not supported`);
    return this.castExpression();
  }

  private castExpression(): CExpr {
    const at = this.pos();
    if (this.is('(') && this.typeStart(1)) {
      this.i++;
      const type = this.typeName();
      this.expect(')');
      if (this.is('{')) {
        const init = this.initializer();
        return this.postfix({ k: 'compound', type, init, at, end: this.endOfPrev() });
      }
      const arg = this.castExpression();
      return { k: 'cast', type, arg, at, end: this.endOfPrev() };
    }
    if (this.peek()?.k === 'p' && ['-', '+', '~', '!', '*', '&', '++', '--'].includes(this.peek()!.t)) return this.unary();
    if (this.peek()?.k === 'id' && (this.peek()!.t === 'sizeof' || ALIGNOF.has(this.peek()!.t) || this.peek()!.t === '__extension__')) return this.unary();
    return this.postfix(this.primary());
  }

  private postfix(e: CExpr): CExpr {
    const at = e.at;
    for (;;) {
      if (this.is('[')) {
        this.i++;
        const index = this.expression();
        this.expect(']');
        e = { k: 'index', obj: e, index, at, end: this.endOfPrev() };
      } else if (this.is('(')) {
        this.i++;
        const args: CExpr[] = [];
        if (!this.is(')')) {
          for (;;) {
            args.push(this.assignment());
            if (this.is(',')) { this.i++; continue; }
            break;
          }
        }
        this.expect(')');
        e = { k: 'call', fn: e, args, at, end: this.endOfPrev() };
      } else if (this.is('.') || this.is('->')) {
        const arrow = this.next().t === '->';
        const name = this.next();
        if (name.k !== 'id') throw new ParseError(`expected a member name after '${arrow ? '->' : '.'}'`);
        e = { k: 'member', obj: e, name: name.t, arrow, at, end: this.endOfPrev() };
      } else if (this.is('++') || this.is('--')) {
        const op = this.next().t as '++' | '--';
        e = { k: 'postfix', op, arg: e, at, end: this.endOfPrev() };
      } else return e;
    }
  }

  private primary(): CExpr {
    const t = this.next();
    const at = t.at;
    const done = <T extends object>(x: T) => ({ ...x, at, end: this.endOfPrev() });
    if (t.k === 'num') return done({ k: 'num' as const, text: t.t });
    if (t.k === 'chr') return done({ k: 'chr' as const, text: t.t });
    if (t.k === 'str') {
      const parts = [t.t];
      while (this.peek()?.k === 'str') parts.push(this.next().t);
      return done({ k: 'str' as const, parts });
    }
    if (t.k === 'p' && t.t === '(') {
      if (this.is('{')) {
        this.i++;
        this.locals.push(new Set());
        try {
          const body = this.statementsUntilBrace();
          this.expect(')');
          return done({ k: 'stmt' as const, body });
        } finally {
          this.locals.pop();
        }
      }
      const e = this.expression();
      this.expect(')');
      return e;
    }
    if (t.k !== 'id') throw new ParseError(`unexpected '${t.t}' in '${this.around(t.at)}'`);
    switch (t.t) {
      case '__builtin_offsetof': case 'offsetof': {
        this.expect('(');
        const type = this.typeName();
        this.expect(',');
        const desig: Array<string | CExpr> = [];
        let first = true;
        for (;;) {
          if (this.is('[')) { this.i++; desig.push(this.expression()); this.expect(']'); }
          else if (this.is('.') || first) { if (!first) this.i++; const m = this.next(); if (m.k !== 'id') throw new ParseError('expected a member name in offsetof'); desig.push(m.t); }
          else break;
          first = false;
        }
        this.expect(')');
        return done({ k: 'offsetof' as const, type, desig });
      }
      case '__builtin_types_compatible_p': {
        this.expect('(');
        const a = this.typeName();
        this.expect(',');
        const b = this.typeName();
        this.expect(')');
        return done({ k: 'compat' as const, a, b });
      }
      case '_Generic': {
        this.expect('(');
        const ctrl = this.assignment();
        const assocs: Array<{ type?: TypeName; expr: CExpr }> = [];
        while (this.is(',')) {
          this.i++;
          let type: TypeName | undefined;
          if (this.is('default')) this.i++;
          else type = this.typeName();
          this.expect(':');
          assocs.push({ type, expr: this.assignment() });
        }
        this.expect(')');
        return done({ k: 'generic' as const, ctrl, assocs });
      }
      case '__builtin_va_arg': case '__builtin_convertvector': case '__builtin_shufflevector':
        throw new ParseError(`${t.t} is not supported`);
    }
    return done({ k: 'id' as const, name: t.t });
  }

  // ------------------------------------------------------------ statements

  private statementsUntilBrace(): Stmt[] {
    const out: Stmt[] = [];
    while (!this.is('}')) out.push(this.statement());
    this.expect('}');
    return out;
  }

  private statement(): Stmt {
    const t = this.peek();
    if (!t) throw new ParseError('unexpected end inside a statement expression');
    if (t.k === 'p' && t.t === ';') { this.i++; return { k: 'empty' }; }
    if (t.k === 'p' && t.t === '{') {
      this.i++;
      this.locals.push(new Set());
      try { return { k: 'block', body: this.statementsUntilBrace() }; } finally { this.locals.pop(); }
    }
    if (t.k === 'id') {
      switch (t.t) {
        case 'if': {
          this.i++;
          this.expect('(');
          const test = this.expression();
          this.expect(')');
          const then = this.statement();
          let els: Stmt | undefined;
          if (this.is('else')) { this.i++; els = this.statement(); }
          return { k: 'if', test, then, else: els };
        }
        case 'do': {
          this.i++;
          const body = this.statement();
          this.expect('while');
          this.expect('(');
          const test = this.expression();
          this.expect(')');
          this.expect(';');
          return { k: 'do', body, test };
        }
        case '_Static_assert': case 'static_assert': {
          this.i++;
          this.expect('(');
          const cond = this.assignment();
          if (this.is(',')) { this.i++; while (this.peek()?.k === 'str') this.i++; }
          this.expect(')');
          this.expect(';');
          return { k: 'static_assert', cond };
        }
        case 'for': case 'while': case 'switch': case 'return': case 'goto': case 'break': case 'continue': case 'asm': case '__asm__': case '__asm': case 'case': case 'default': {
          this.i++;
          this.skipStatementRest();
          return { k: 'other', what: t.t };
        }
      }
      if (this.peek(1)?.t === ':' && this.peek(1)?.k === 'p' && !this.hooks.isTypeName(t.t)) {
        this.i += 2;
        return { k: 'other', what: 'label' };
      }
      if (this.startsDeclaration()) return { k: 'decl', decl: this.declaration() };
    }
    const e = this.expression();
    this.expect(';');
    return { k: 'expr', e };
  }

  /** Skips the rest of a statement this parser does not model, keeping brace balance. */
  private skipStatementRest(): void {
    for (;;) {
      const t = this.peek();
      if (!t) return;
      if (t.k === 'p' && (t.t === '(' || t.t === '[')) { this.skipBalanced(); continue; }
      if (t.k === 'p' && t.t === '{') { this.skipBalanced(); if (!this.is('else')) return; continue; }
      if (t.k === 'p' && t.t === '}') return;
      this.i++;
      if (t.k === 'p' && t.t === ';') return;
    }
  }
}

/** Which identifiers name types where a snippet stands: tree-sitter cannot tell `(T)-1` from `(n)-1`. */
export interface TypeNames {
  /** Is `name` a typedef name here (and not shadowed by a variable)? */
  isTypeName(name: string): boolean;
}
