// Types and values for the trees of eval/c-expr.ts, against one translation
// unit's type table and the declarations visible where the expression stands.
// What an assert condition needs beyond integer arithmetic: the type of an
// expression (sizeof(skb->cb), typeof(*(ptr)), ARRAY_SIZE of a table),
// address constants (&((T *)0)->m, &x.prev <= &x), statement expressions
// whose locals hold constants (min(), FIELD_FIT), _Generic, and
// __builtin_types_compatible_p. A value is only ever produced from what is
// known; otherwise the answer says why: `runtime` when C leaves it to run
// time (a variable, a parameter, a call) and `unknown` when this code cannot
// tell.
import type { TextSource } from '../preprocess/piece-text';
import { layoutRecord } from '../layout/record-layout';
import { alignOf, canonical, CType, offsetOf, RecordDecl, sizeOf, TypeTable, typeName } from '../types/type-table';
import { parseCharLiteral, parseIntegerLiteral } from '../preprocess/if-expression';
import { commonType, evaluate, wrap } from './evaluate';
import { CExpr, DeclItem, Declaration, Init, Stmt, TypeName, TypeSpec } from './c-expr';
import { IntType } from './expr';

export type Storage = 'auto' | 'param' | 'static' | 'extern' | 'func';

/** An ordinary identifier in scope: an object or a function. */
export interface VarInfo {
  type: CType;
  storage: Storage;
  /** a function's return type */
  ret?: CType;
  /** true for block-scope names (they shadow enumerators of file scope) */
  local: boolean;
}

export interface TypedScope {
  lookup(name: string): VarInfo | undefined;
  /** a typedef's declaration as eval/c-reader.ts reads it (the type table keeps no parameters of function types) */
  typedefDecl?(name: string): { item: DeclItem; storage: string[] } | undefined;
  /** typedef names visible here (not shadowed by a variable) */
  isTypeName(name: string): boolean;
  /**
   * A block-scope variable that keeps its initializer's value (const, or
   * never assigned, incremented or address-taken in its function): that
   * value, which gcc folds before it decides a BUILD_BUG_ON, and what its
   * initializer is made of (for the assert's class).
   */
  constant?(name: string): LocalConstant | undefined;
  /** the record whose definition starts at this offset of the unit's text (a struct written inside a function) */
  recordAt?(offset: number): RecordDecl | undefined;
}

export interface LocalConstant {
  val: Val;
  layout: boolean;
  compat: boolean;
  runtime?: string;
}

export type Val =
  | { k: 'int'; v: bigint; t: IntType; ice: boolean }
  /** a pointer value: `base` null for an absolute address ((T *)0), else a named object or "string literal" */
  | { k: 'addr'; base: string | null; off: bigint; ice: boolean }
  | { k: 'no'; why: 'runtime' | 'unknown'; reason: string };

export interface Term {
  text: string;
  value: string;
}

const INT: IntType = { bits: 32, signed: true };
const no = (why: 'runtime' | 'unknown', reason: string): Val => ({ k: 'no', why, reason });
const bad = (reason: string): CType => ({ k: 'unknown', reason });

/** Function return and parameter types ride beside CType's `func` (which has no slot for them). */
const returns = new WeakMap<object, CType>();
const parameters = new WeakMap<object, CType[]>();

/** Per type table: resolved keyword types and stand-ins for incomplete tags. */
const tableCache = new WeakMap<TypeTable, { words: Map<string, CType>; tags: Map<string, RecordDecl> }>();

export class TypedEval {
  private readonly env: Array<Map<string, { type: CType; val: Val }>> = [];
  private readonly stmtCache = new WeakMap<object, { type: CType; val: Val }>();
  readonly terms: Term[] = [];
  /** the text the expression's offsets refer to */
  readonly sourceText: TextSource;
  private readonly cache: { words: Map<string, CType>; tags: Map<string, RecordDecl> };

  /** `base`: where `text` starts in the unit's text, when it is a slice of it (declarations, not squashed conditions) */
  constructor(readonly table: TypeTable, readonly scope: TypedScope, private readonly text: TextSource, private readonly base?: number) {
    this.sourceText = text;
    let c = tableCache.get(table);
    if (!c) tableCache.set(table, (c = { words: new Map(), tags: new Map() }));
    this.cache = c;
  }

  private get sizeT(): IntType { return { bits: this.table.model.pointer.size * 8, signed: false }; }
  private src(e: { at: number; end: number }): string { return this.text.slice(e.at, e.end).replace(/\s+/g, ' ').trim(); }
  private term(text: string, v: Val): Val {
    if (!this.terms.some((t) => t.text === text)) this.terms.push({ text, value: v.k === 'int' ? v.v.toString() : v.k === 'no' ? `unknown (${v.reason})` : 'address' });
    return v;
  }

  // ------------------------------------------------------------------ types

  intCType(t: IntType): CType {
    const m = this.table.model;
    const words = t.bits === 1 ? '_Bool' : t.bits <= m.char.size * 8 ? 'char' : t.bits <= m.short.size * 8 ? 'short' : t.bits <= m.int.size * 8 ? 'int' : t.bits <= m.long.size * 8 ? 'long' : t.bits <= m.longLong.size * 8 ? 'long long' : '__int128';
    return this.words(t.bits === 1 ? words : `${t.signed ? 'signed' : 'unsigned'} ${words}`);
  }

  private words(text: string): CType {
    let t = this.cache.words.get(text);
    if (!t) {
      t = text === 'void' ? { k: 'void' } : this.table.typeOfRef({ text });
      this.cache.words.set(text, t);
    }
    return t;
  }

  /** The integer type of a value of type t (enums by their underlying type), or why not. */
  intTypeOf(t: CType): IntType | { reason: string } {
    const c = canonical(t);
    if (c.k === 'int') return c.name === '_Bool' ? { bits: 8, signed: false } : { bits: c.size * 8, signed: c.signed };
    if (c.k === 'enum') { const e = this.table.enumInfo(c.decl); return 'reason' in e ? e : { bits: e.size * 8, signed: e.signed }; }
    if (c.k === 'ptr') return { bits: this.table.model.pointer.size * 8, signed: false };
    if (c.k === 'unknown') return { reason: c.reason };
    return { reason: `${typeName(c)} is not an integer type` };
  }

  resolveType(tn: TypeName): CType {
    let t = this.specType(tn.spec);
    for (const op of tn.ops) {
      if (op.k === 'ptr') t = { k: 'ptr', to: t };
      else if (op.k === 'array') {
        if (!op.size) { t = { k: 'array', of: t, count: 'flex' }; continue; }
        const n = this.value(op.size);
        if (n.k !== 'int') return bad(`array size ${this.src(op.size)}: ${n.k === 'no' ? n.reason : 'not an integer'}`);
        t = { k: 'array', of: t, count: Number(n.v) };
      } else {
        const f: CType = { k: 'func' };
        returns.set(f, t);
        // parameters of array and function type are pointers (C11 6.7.6.3p7-8)
        parameters.set(f, op.params.map((p) => this.decay(this.resolveType(p))));
        t = f;
      }
    }
    return t;
  }

  private specType(s: TypeSpec): CType {
    switch (s.k) {
      case 'words': {
        if (!s.words.length) return bad('a parameter of unknown type');
        return this.words(s.words.join(' '));
      }
      case 'typedef': {
        const t = this.table.typedefType(s.name);
        if (!hasFunc(t) || !this.scope.typedefDecl) return t;
        let mine = this.cache.words.get(`typedef ${s.name}`);
        if (!mine) {
          const d = this.scope.typedefDecl(s.name);
          mine = d ? { k: 'typedef', name: s.name, of: this.declaredType(d.item, d.storage).type } : t;
          this.cache.words.set(`typedef ${s.name}`, mine);
        }
        return mine;
      }
      case 'typeof': return s.type ? this.resolveType(s.type) : this.typeOf(s.expr!);
      case 'auto': return bad('__auto_type outside a declaration');
      case 'tag': {
        if (s.tag === 'enum') {
          if (s.enumerators) return bad('an enum defined inside an expression');
          return this.table.typeOfRef({ text: `enum ${s.name}` });
        }
        if (s.fields) return this.inlineRecord(s);
        const rec = this.table.record(s.name!);
        if (rec && rec.kind === s.tag) return { k: 'record', rec };
        const key = `${s.tag} ${s.name}`;
        let fwd = this.cache.tags.get(key);
        // An incomplete type keeps one identity, so pointers to it compare equal.
        if (!fwd) this.cache.tags.set(key, (fwd = { kind: s.tag, name: s.name!, node: undefined as never, complete: false }));
        return { k: 'record', rec: fwd };
      }
    }
  }

  /**
   * A struct written inside the expression. The kernel's only use is
   * BUILD_BUG_ON_ZERO's `struct { int:(-!!(e)); }`: size 0 when every width
   * is 0; a negative width is a compile error (the nested assert fails).
   */
  private inlineRecord(s: TypeSpec & { k: 'tag' }): CType {
    const fields = s.fields!;
    const own = this.base !== undefined && s.at !== undefined ? this.scope.recordAt?.(this.base + s.at) : undefined;
    if (own) return { k: 'record', rec: own };
    if (!fields.every((f) => f.name === null && f.width)) return bad(`an inline ${s.tag} definition in the expression`);
    for (const f of fields) {
      const w = this.value(f.width!);
      if (w.k !== 'int') return bad(`bit-field width ${this.src(f.width!)}: ${w.k === 'no' ? w.reason : 'not an integer'}`);
      if (w.v < 0n) return bad(`BUILD_BUG_ON_ZERO fails: bit-field width ${w.v} in ${this.src(f.width!)}`);
      if (w.v > 0n) return bad('an inline struct with a non-zero bit-field');
    }
    return { k: 'array', of: this.words('char'), count: 0 };
  }

  /** Array-to-pointer and function-to-pointer conversion (C11 6.3.2.1). */
  decay(t: CType): CType {
    const c = canonical(t);
    if (c.k === 'array') return { k: 'ptr', to: c.of };
    if (c.k === 'func') return { k: 'ptr', to: t };
    return t;
  }

  /** The type a declared object has, arrays sized by their initializer. */
  declaredType(item: DeclItem, storage: string[] = []): VarInfo {
    const isFunc = item.type.ops.length > 0 && item.type.ops[item.type.ops.length - 1].k === 'func';
    let type: CType;
    if (item.type.spec.k === 'auto') type = item.init?.k === 'expr' ? this.decay(this.typeOf(item.init.e)) : bad('__auto_type without an initializer');
    else type = this.resolveType(item.type);
    const last = item.type.ops[item.type.ops.length - 1];
    if (last?.k === 'array' && !last.size && item.init) {
      const n = this.initCount(item.init);
      const c = canonical(type);
      if (n !== undefined && c.k === 'array') type = { k: 'array', of: c.of, count: n };
    }
    const st: Storage = isFunc ? 'func' : storage.includes('static') ? 'static' : storage.includes('extern') ? 'extern' : 'auto';
    return { type, storage: st, ret: isFunc ? returns.get(type) : undefined, local: false };
  }

  /** Elements an initializer gives an array of unknown size: designators [i] and [a ... b] included. */
  private initCount(init: Init): number | undefined {
    if (init.k === 'expr') {
      const e = init.e;
      return e.k === 'str' ? stringBytes(e.parts).count : undefined;
    }
    let pos = 0, max = 0;
    for (const it of init.items) {
      if (it.index) {
        const v = this.value(it.rangeEnd ?? it.index);
        if (v.k !== 'int') return undefined;
        pos = Number(v.v);
      } else if (it.field) return undefined;
      pos++;
      max = Math.max(max, pos);
    }
    return max;
  }

  /** The type of e (C11 6.5), or an unknown type with the reason. */
  typeOf(e: CExpr): CType {
    switch (e.k) {
      case 'num': {
        const hex = /^0[xX]/.test(e.text);
        if (e.text.includes('.') || (hex ? /[pP]/.test(e.text) : /[eE]/.test(e.text))) return this.words(/[fF]$/.test(e.text) ? 'float' : 'double');
        const lit = parseIntegerLiteral(e.text, false, this.table.model.long.size * 8);
        return lit ? this.intCType(lit.type) : bad(`'${e.text}' is not a number`);
      }
      case 'chr': return this.words('int');
      case 'str': { const s = stringBytes(e.parts); return { k: 'array', of: s.unit === 1 ? this.words('char') : this.intCType({ bits: s.unit * 8, signed: s.unit === 4 }), count: s.count }; }
      case 'id': {
        const local = this.local(e.name);
        if (local) return local.type;
        const v = this.scope.lookup(e.name);
        if (v && (v.local || !this.isEnumerator(e.name))) return v.type;
        const en = this.enumerator(e.name);
        if (en?.k === 'int') return this.intCType(en.t);
        return bad(`'${e.name}' is not declared here`);
      }
      case 'unary': {
        const a = this.typeOf(e.arg);
        if (a.k === 'unknown') return a;
        switch (e.op) {
          case '!': return this.words('int');
          case '&': return { k: 'ptr', to: a };
          case '*': {
            const c = canonical(a);
            if (c.k === 'ptr') return c.to;
            if (c.k === 'array') return c.of;
            if (c.k === 'func') return a;
            return bad(`'*' applied to ${typeName(c)}`);
          }
          case '++': case '--': return a;
          default: return this.promoted(a);
        }
      }
      case 'postfix': return this.typeOf(e.arg);
      case 'assign': return this.typeOf(e.left);
      case 'binary': {
        if (e.op === ',') return this.typeOf(e.right);
        if (['<', '>', '<=', '>=', '==', '!=', '&&', '||'].includes(e.op)) return this.words('int');
        const l = this.typeOf(e.left), r = this.typeOf(e.right);
        if (l.k === 'unknown') return l;
        if (r.k === 'unknown') return r;
        const lc = canonical(this.decay(l)), rc = canonical(this.decay(r));
        if (e.op === '<<' || e.op === '>>') return this.promoted(l);
        if (lc.k === 'ptr' && rc.k === 'ptr' && e.op === '-') return this.table.typedefType('ptrdiff_t');
        if (lc.k === 'ptr') return lc;
        if (rc.k === 'ptr') return rc;
        return this.arithmetic(l, r);
      }
      case 'cond': {
        const a = this.typeOf(e.then ?? e.test), b = this.typeOf(e.else);
        return this.conditionalType(e.then ?? e.test, a, e.else, b);
      }
      case 'cast': case 'compound': return this.resolveType(e.type);
      case 'sizeof': case 'alignof': case 'offsetof': {
        const st = this.table.typedefType('size_t');
        return st.k === 'unknown' ? this.intCType(this.sizeT) : st;
      }
      case 'compat': return this.words('int');
      case 'call': {
        const fn = e.fn.k === 'id' ? e.fn.name : undefined;
        if (fn === '__builtin_constant_p' || fn === '__builtin_types_compatible_p') return this.words('int');
        if (fn === '__builtin_expect' || fn === '__builtin_expect_with_probability') return this.words('long');
        if (fn === '__builtin_choose_expr' && e.args.length === 3) {
          const c = this.value(e.args[0]);
          if (c.k !== 'int') return bad(`__builtin_choose_expr: ${c.k === 'no' ? c.reason : 'the condition is not an integer'}`);
          return this.typeOf(c.v !== 0n ? e.args[1] : e.args[2]);
        }
        if (fn && /^__builtin_(ctz|clz|popcount|ffs|parity|clrsb)(l|ll)?$/.test(fn)) return this.words('int');
        if (fn && /^__builtin_bswap(16|32|64)$/.test(fn)) return this.intCType({ bits: Number(fn.slice(15)), signed: false });
        const f = this.typeOf(e.fn);
        if (f.k === 'unknown') return f;
        let c = canonical(f);
        if (c.k === 'ptr') c = canonical(c.to);
        if (c.k !== 'func') return bad(`calling a ${typeName(c)}`);
        if (e.fn.k === 'id') { const v = this.scope.lookup(e.fn.name); if (v?.ret) return v.ret; }
        return returns.get(c) ?? bad(`the return type of ${this.src(e.fn)}() is not known`);
      }
      case 'member': {
        let o = canonical(this.typeOf(e.obj));
        if (o.k === 'unknown') return o;
        if (e.arrow) {
          if (o.k === 'array') o = canonical(o.of);
          else if (o.k === 'ptr') o = canonical(o.to);
          else return bad(`'->${e.name}' on ${typeName(o)}`);
        }
        if (o.k !== 'record') return bad(`member ${e.name} of ${typeName(o)}`);
        return this.memberType(o.rec, e.name);
      }
      case 'index': {
        let o = canonical(this.typeOf(e.obj));
        if (o.k === 'unknown') return o;
        if (o.k !== 'array' && o.k !== 'ptr') o = canonical(this.typeOf(e.index)); // i[arr]
        if (o.k === 'array') return o.of;
        if (o.k === 'ptr') return o.to;
        return bad(`subscript of ${typeName(o)}`);
      }
      case 'stmt': return this.runStatementExpression(e).type;
      case 'generic': {
        const chosen = this.genericChoice(e);
        return 'reason' in chosen ? bad(chosen.reason) : this.typeOf(chosen.expr);
      }
      case 'bad': return bad(e.reason);
    }
  }

  private promoted(t: CType): CType {
    const it = this.intTypeOf(t);
    if ('reason' in it) return canonical(t).k === 'float' ? t : bad(it.reason);
    return it.bits < 32 ? this.words('int') : this.intCType(it);
  }

  private arithmetic(l: CType, r: CType): CType {
    const lc = canonical(l), rc = canonical(r);
    if (lc.k === 'float' || rc.k === 'float') return lc.k === 'float' && (rc.k !== 'float' || lc.size >= rc.size) ? lc : rc;
    const a = this.intTypeOf(l), b = this.intTypeOf(r);
    if ('reason' in a) return bad(a.reason);
    if ('reason' in b) return bad(b.reason);
    return this.intCType(commonType(a, b));
  }

  /** C11 6.5.15p6: a null pointer constant takes the other arm's pointer type; void * wins otherwise. */
  private conditionalType(ea: CExpr, a: CType, eb: CExpr, b: CType): CType {
    if (a.k === 'unknown') return a;
    if (b.k === 'unknown') return b;
    const ac = canonical(this.decay(a)), bc = canonical(this.decay(b));
    if (ac.k === 'ptr' || bc.k === 'ptr') {
      if (this.isNullPointerConstant(ea)) return bc;
      if (this.isNullPointerConstant(eb)) return ac;
      if (ac.k === 'ptr' && canonical(ac.to).k === 'void') return ac;
      if (bc.k === 'ptr' && canonical(bc.to).k === 'void') return bc;
      return ac.k === 'ptr' ? ac : bc;
    }
    if (ac.k === 'void' || bc.k === 'void') return { k: 'void' };
    if (ac.k === 'record') return a;
    return this.arithmetic(a, b);
  }

  /** An integer constant expression with value 0, possibly cast to void * (C11 6.3.2.3p3). */
  private isNullPointerConstant(e: CExpr): boolean {
    let x = e;
    if (x.k === 'cast') {
      const t = canonical(this.resolveType(x.type));
      if (!(t.k === 'ptr' && canonical(t.to).k === 'void')) return false;
      x = x.arg;
    }
    const v = this.value(x);
    return v.k === 'int' && v.ice && v.v === 0n;
  }

  private memberType(rec: RecordDecl, name: string): CType {
    const fields = this.table.fieldsOf(rec);
    if ('reason' in fields) return bad(fields.reason);
    for (const f of fields) {
      if (f.name === name) return f.type;
      if (f.name === null) {
        const c = canonical(f.type);
        if (c.k === 'record') {
          const t = this.memberType(c.rec, name);
          if (t.k !== 'unknown' || !/has no member/.test(t.reason)) return t;
        }
      }
    }
    return bad(`${rec.kind} ${rec.name ?? '(anon)'} has no member ${name}`);
  }

  /** __builtin_types_compatible_p: typedefs see through, top-level qualifiers ignored (they are not tracked at all). */
  compatible(a: CType, b: CType): boolean | { reason: string } {
    const x = canonical(a), y = canonical(b);
    if (x.k === 'unknown') return { reason: x.reason };
    if (y.k === 'unknown') return { reason: y.reason };
    if (x.k === 'enum' && y.k === 'int') return this.enumMatchesInt(x, y);
    if (y.k === 'enum' && x.k === 'int') return this.enumMatchesInt(y, x);
    if (x.k !== y.k) return false;
    switch (x.k) {
      case 'void': return true;
      case 'int': case 'float': return x.name === (y as typeof x).name;
      case 'ptr': return this.compatible(x.to, (y as typeof x).to);
      case 'array': {
        const yy = y as typeof x;
        if (x.count !== 'flex' && yy.count !== 'flex' && x.count !== yy.count) return false;
        return this.compatible(x.of, yy.of);
      }
      case 'record': {
        const yy = y as typeof x;
        return x.rec === yy.rec || (x.rec.kind === yy.rec.kind && x.rec.name !== null && x.rec.name === yy.rec.name);
      }
      case 'enum': return x.decl === (y as typeof x).decl || (x.decl.name !== null && x.decl.name === (y as typeof x).decl.name);
      case 'func': {
        const pa = parameters.get(x), pb = parameters.get(y);
        const ra = returns.get(x), rb = returns.get(y);
        if (!pa || !pb || !ra || !rb) return { reason: 'a function type whose parameters are not known here' };
        if (pa.length !== pb.length) return false;
        const r = this.compatible(ra, rb);
        if (r !== true) return r;
        for (let i = 0; i < pa.length; i++) { const c = this.compatible(pa[i], pb[i]); if (c !== true) return c; }
        return true;
      }
    }
    return { reason: 'types not compared' };
  }

  private enumMatchesInt(e: CType & { k: 'enum' }, i: CType & { k: 'int' }): boolean | { reason: string } {
    const info = this.table.enumInfo(e.decl);
    if ('reason' in info) return info;
    // GCC gives an enum with no negative values unsigned int
    const u = info.signed ? this.words('int') : this.words('unsigned int');
    return canonical(u).k === 'int' && (canonical(u) as typeof i).name === i.name;
  }

  genericChoice(e: CExpr & { k: 'generic' }): { expr: CExpr } | { reason: string } {
    const t = this.decay(this.typeOf(e.ctrl));
    if (t.k === 'unknown') return { reason: `_Generic: ${t.reason}` };
    let dflt: CExpr | undefined;
    for (const a of e.assocs) {
      if (!a.type) { dflt = a.expr; continue; }
      const c = this.compatible(t, this.resolveType(a.type));
      if (c === true) return { expr: a.expr };
      if (c !== false) return { reason: `_Generic: ${c.reason}` };
    }
    return dflt ? { expr: dflt } : { reason: `_Generic: no association for ${typeName(t)}` };
  }

  // ----------------------------------------------------------------- values

  private local(name: string): { type: CType; val: Val } | undefined {
    for (let i = this.env.length - 1; i >= 0; i--) { const v = this.env[i].get(name); if (v) return v; }
    return undefined;
  }

  /**
   * An enumeration constant. C gives it type int; GCC gives one that does
   * not fit int the enum's underlying type (unsigned int for 0xF0000000),
   * which FIELD_FIT and friends see through typeof.
   */
  private enumerator(name: string): Val | undefined {
    const r = this.table.evalContext().identifier?.(name);
    if (!r) return undefined;
    if (!r.ok) return no('unknown', r.reason);
    const v = r.value;
    const t: IntType = v >= -(1n << 31n) && v < 1n << 31n ? INT : v >= 0n && v < 1n << 32n ? { bits: 32, signed: false } : v < 1n << 63n ? { bits: 64, signed: true } : { bits: 64, signed: false };
    return { k: 'int', v, t, ice: true };
  }

  isEnumerator(name: string): boolean {
    return this.table.evalContext().identifier?.(name) !== undefined;
  }

  private intVal(v: bigint, t: IntType, ice: boolean): Val { return { k: 'int', v: wrap(v, t), t, ice }; }

  /** Runs the shared integer evaluator on already-known operands (its promotions and conversions). */
  private arith(op: string, a: Val & { k: 'int' }, b?: Val & { k: 'int' }): Val {
    const lit = (x: Val & { k: 'int' }) => ({ k: 'int' as const, value: x.v, type: x.t });
    const r = b ? evaluate({ k: 'binary', op: op as never, left: lit(a), right: lit(b) }, { sizeType: this.sizeT })
      : evaluate({ k: 'unary', op: op as never, arg: lit(a) }, { sizeType: this.sizeT });
    return r.ok ? { k: 'int', v: r.value, t: r.type, ice: a.ice && (b?.ice ?? true) } : no('unknown', r.reason);
  }

  value(e: CExpr): Val {
    switch (e.k) {
      case 'num': {
        const lit = parseIntegerLiteral(e.text, false, this.table.model.long.size * 8);
        return lit ? { k: 'int', v: lit.value, t: lit.type, ice: true } : no('unknown', `'${e.text}' is not an integer constant`);
      }
      case 'chr': {
        const c = parseCharLiteral(e.text);
        return c ? { k: 'int', v: c.value, t: INT, ice: true } : no('unknown', `cannot read ${e.text}`);
      }
      case 'str': return { k: 'addr', base: 'string literal', off: 0n, ice: true };
      case 'id': {
        const local = this.local(e.name);
        if (local) return local.val;
        const v = this.scope.lookup(e.name);
        if (!v || (!v.local && this.isEnumerator(e.name))) return this.enumerator(e.name) ?? no('unknown', `'${e.name}' is not a known constant`);
        const c = canonical(v.type);
        if (c.k === 'array' || c.k === 'func') {
          if (v.storage === 'auto' || v.storage === 'param') return no('runtime', `the address of the local '${e.name}' is known only at run time`);
          return { k: 'addr', base: e.name, off: 0n, ice: false };
        }
        if (v.local) {
          const k = this.scope.constant?.(e.name);
          if (k && k.val.k !== 'no') return k.val.k === 'int' ? { ...k.val, ice: false } : k.val;
          if (k && k.val.k === 'no' && k.val.why === 'unknown') return k.val;
        }
        return no('runtime', `'${e.name}' is ${v.storage === 'param' ? 'a parameter' : 'a variable'}: its value is known only at run time (or after inlining)`);
      }
      case 'unary': {
        if (e.op === '&') return this.address(e.arg);
        if (e.op === '*') {
          const t = canonical(this.typeOf(e));
          if (t.k === 'array' || t.k === 'func') { const p = this.value(e.arg); return p; }
          return no('runtime', `'${this.src(e)}' reads memory`);
        }
        if (e.op === '++' || e.op === '--') return no('runtime', `'${this.src(e)}' modifies a variable`);
        const a = this.value(e.arg);
        if (a.k === 'no') return a;
        if (a.k === 'addr') {
          if (e.op === '!' && a.base !== null) return { k: 'int', v: 0n, t: INT, ice: false };
          if (e.op === '!' && a.base === null) return { k: 'int', v: a.off === 0n ? 1n : 0n, t: INT, ice: a.ice };
          return no('unknown', `'${e.op}' on an address`);
        }
        return this.arith(e.op, a);
      }
      case 'postfix': case 'assign': return no('runtime', `'${this.src(e)}' modifies a variable`);
      case 'binary': return this.binaryValue(e);
      case 'cond': {
        const c = this.value(e.test);
        if (c.k === 'no') return c;
        const truth = c.k === 'int' ? c.v !== 0n : c.base !== null || c.off !== 0n;
        const chosen = truth ? (e.then ? this.value(e.then) : c) : this.value(e.else);
        if (chosen.k !== 'int') return chosen;
        // the result has the type of both arms together
        const t = this.intTypeOf(this.typeOf(e));
        const ice = c.k === 'int' && c.ice && chosen.ice;
        return 'reason' in t ? { ...chosen, ice } : this.intVal(chosen.v, t, ice);
      }
      case 'cast': {
        const t = this.resolveType(e.type);
        const c = canonical(t);
        const a = this.value(e.arg);
        if (c.k === 'void') return no('unknown', 'a cast to void has no value');
        if (a.k === 'no') return a;
        if (c.k === 'ptr') return a.k === 'addr' ? a : { k: 'addr', base: null, off: a.v, ice: a.ice };
        if (c.k === 'int' && c.name === '_Bool') {
          const truth = a.k === 'int' ? a.v !== 0n : a.base !== null || a.off !== 0n;
          return { k: 'int', v: truth ? 1n : 0n, t: INT, ice: a.k === 'int' && a.ice };
        }
        const it = this.intTypeOf(t);
        if ('reason' in it) return no('unknown', `cast to ${e.type.text}: ${it.reason}`);
        if (a.k === 'addr') {
          if (a.base !== null) return no('unknown', `the address of ${a.base} as an integer is decided by the linker`);
          return this.intVal(a.off, it, a.ice);
        }
        return this.intVal(a.v, it, a.ice);
      }
      case 'compound': return no('unknown', 'a compound literal');
      case 'sizeof': {
        const t = e.type ? this.resolveType(e.type) : this.typeOf(e.arg!);
        const s = sizeOf(t, this.table);
        const v: Val = typeof s === 'number' ? { k: 'int', v: BigInt(s), t: this.sizeT, ice: true } : no('unknown', s.reason);
        return this.term(this.src(e), v);
      }
      case 'alignof': {
        const t = e.type ? this.resolveType(e.type) : this.typeOf(e.arg!);
        const s = alignOf(t, this.table);
        const v: Val = typeof s === 'number' ? { k: 'int', v: BigInt(s), t: this.sizeT, ice: true } : no('unknown', s.reason);
        return this.term(this.src(e), v);
      }
      case 'offsetof': {
        const parts: Array<string | bigint> = [];
        for (const d of e.desig) {
          if (typeof d === 'string') { parts.push(d); continue; }
          const i = this.value(d);
          if (i.k !== 'int') return this.term(this.src(e), i.k === 'no' ? i : no('unknown', 'a subscript that is not an integer'));
          parts.push(i.v);
        }
        const r = offsetOf(this.resolveType(e.type), parts, this.table);
        return this.term(this.src(e), typeof r === 'number' ? { k: 'int', v: BigInt(r), t: this.sizeT, ice: true } : no('unknown', r.reason));
      }
      case 'compat': {
        const r = this.compatible(this.resolveType(e.a), this.resolveType(e.b));
        return typeof r === 'boolean' ? { k: 'int', v: r ? 1n : 0n, t: INT, ice: true } : no('unknown', `__builtin_types_compatible_p: ${r.reason}`);
      }
      case 'call': return this.callValue(e);
      case 'member': case 'index': {
        const t = canonical(this.typeOf(e));
        if (t.k === 'array') return this.address(e);
        return no('runtime', `'${this.src(e)}' reads memory`);
      }
      case 'stmt': return this.runStatementExpression(e).val;
      case 'generic': {
        const chosen = this.genericChoice(e);
        return 'reason' in chosen ? no('unknown', chosen.reason) : this.value(chosen.expr);
      }
      case 'bad': return no('unknown', e.reason);
    }
  }

  private binaryValue(e: CExpr & { k: 'binary' }): Val {
    const truth = (v: Val) => (v.k === 'int' ? v.v !== 0n : v.k === 'addr' ? v.base !== null || v.off !== 0n : undefined);
    if (e.op === '&&' || e.op === '||') {
      const a = this.value(e.left);
      const ta = truth(a);
      if (ta === undefined) {
        // 0 && x and 1 || x are decided by the right side alone (GCC folds them)
        const b = this.value(e.right);
        const tb = truth(b);
        if (tb !== undefined && (e.op === '&&' ? !tb : tb)) return { k: 'int', v: e.op === '||' ? 1n : 0n, t: INT, ice: false };
        return a;
      }
      const iceA = a.k === 'int' && a.ice;
      if (e.op === '&&' && !ta) return { k: 'int', v: 0n, t: INT, ice: iceA };
      if (e.op === '||' && ta) return { k: 'int', v: 1n, t: INT, ice: iceA };
      const b = this.value(e.right);
      const tb = truth(b);
      if (tb === undefined) return b;
      return { k: 'int', v: tb ? 1n : 0n, t: INT, ice: iceA && b.k === 'int' && b.ice };
    }
    const a = this.value(e.left);
    if (a.k === 'no') return a;
    const b = this.value(e.right);
    if (b.k === 'no') return b;
    if (e.op === ',') return b.k === 'int' ? { ...b, ice: false } : b;
    if (a.k === 'int' && b.k === 'int') return this.arith(e.op, a, b);
    // pointer arithmetic and comparisons of addresses within one object
    const step = (p: CExpr) => {
      const t = canonical(this.decay(this.typeOf(p)));
      if (t.k !== 'ptr') return undefined;
      const s = canonical(t.to).k === 'void' ? 1 : sizeOf(t.to, this.table);
      return typeof s === 'number' ? BigInt(s) : undefined;
    };
    if (a.k === 'addr' && b.k === 'int' && (e.op === '+' || e.op === '-')) {
      const s = step(e.left);
      if (s === undefined) return no('unknown', `pointer arithmetic on ${this.src(e.left)}`);
      return { k: 'addr', base: a.base, off: e.op === '+' ? a.off + b.v * s : a.off - b.v * s, ice: a.ice && b.ice };
    }
    if (a.k === 'int' && b.k === 'addr' && e.op === '+') {
      const s = step(e.right);
      if (s === undefined) return no('unknown', `pointer arithmetic on ${this.src(e.right)}`);
      return { k: 'addr', base: b.base, off: b.off + a.v * s, ice: a.ice && b.ice };
    }
    if (a.k === 'addr' && b.k === 'addr') {
      if (a.base !== b.base) return no('unknown', `comparing addresses of different objects (${a.base ?? 'absolute'} and ${b.base ?? 'absolute'})`);
      const cmp: Record<string, (x: bigint, y: bigint) => boolean> = { '<': (x, y) => x < y, '>': (x, y) => x > y, '<=': (x, y) => x <= y, '>=': (x, y) => x >= y, '==': (x, y) => x === y, '!=': (x, y) => x !== y };
      if (cmp[e.op]) return { k: 'int', v: cmp[e.op](a.off, b.off) ? 1n : 0n, t: INT, ice: false };
      if (e.op === '-') {
        const s = step(e.left);
        if (!s) return no('unknown', `pointer difference on ${this.src(e.left)}`);
        return { k: 'int', v: (a.off - b.off) / s, t: { bits: this.table.model.pointer.size * 8, signed: true }, ice: false };
      }
    }
    if (a.k === 'addr' && b.k === 'int' && a.base === null) return this.arith(e.op, { k: 'int', v: a.off, t: this.sizeT, ice: a.ice }, b);
    return no('unknown', `'${e.op}' on an address`);
  }

  /** The address of an lvalue, as base object + byte offset. */
  address(e: CExpr): Val {
    switch (e.k) {
      case 'id': {
        if (this.local(e.name)) return no('runtime', `the address of the local '${e.name}' is known only at run time`);
        const v = this.scope.lookup(e.name);
        if (!v) return no('unknown', `'${e.name}' is not declared here`);
        if (v.storage === 'auto' || v.storage === 'param') return no('runtime', `the address of the local '${e.name}' is known only at run time`);
        return { k: 'addr', base: e.name, off: 0n, ice: false };
      }
      case 'str': return { k: 'addr', base: 'string literal', off: 0n, ice: true };
      case 'unary':
        if (e.op === '*') return this.value(e.arg);
        break;
      case 'member': {
        const base = e.arrow ? this.value(e.obj) : this.address(e.obj);
        if (base.k !== 'addr') return base.k === 'no' ? base : no('unknown', `'${this.src(e.obj)}' is not a pointer`);
        let t = canonical(this.typeOf(e.obj));
        if (e.arrow) t = t.k === 'ptr' ? canonical(t.to) : t.k === 'array' ? canonical(t.of) : t;
        if (t.k !== 'record') return no('unknown', `member ${e.name} of ${typeName(t)}`);
        const l = layoutRecord(t.rec, this.table);
        if ('reason' in l) return no('unknown', l.reason);
        const m = l.find(e.name);
        if (!m) return no('unknown', `${t.rec.kind} ${t.rec.name ?? '(anon)'} has no member ${e.name}`);
        if (m.bitWidth) return no('unknown', `the address of a bit-field (${e.name})`);
        return { k: 'addr', base: base.base, off: base.off + BigInt(m.offsetBits / 8), ice: base.ice };
      }
      case 'index': {
        const objT = canonical(this.typeOf(e.obj));
        const base = objT.k === 'array' ? this.address(e.obj) : this.value(e.obj);
        if (base.k !== 'addr') return base.k === 'no' ? base : no('unknown', `'${this.src(e.obj)}' is not an array`);
        const i = this.value(e.index);
        if (i.k !== 'int') return i.k === 'no' ? i : no('unknown', 'a subscript that is not an integer');
        const elem = objT.k === 'array' ? objT.of : objT.k === 'ptr' ? objT.to : undefined;
        const s = elem ? sizeOf(elem, this.table) : { reason: `subscript of ${typeName(objT)}` };
        if (typeof s !== 'number') return no('unknown', s.reason);
        return { k: 'addr', base: base.base, off: base.off + i.v * BigInt(s), ice: base.ice && i.ice };
      }
      case 'compound': return no('unknown', 'the address of a compound literal');
      case 'stmt': case 'cond': case 'cast': case 'generic': case 'call':
        break;
    }
    return no('unknown', `'${this.src(e)}' is not an lvalue this evaluator can place`);
  }

  private callValue(e: CExpr & { k: 'call' }): Val {
    const fn = e.fn.k === 'id' ? e.fn.name : undefined;
    const args = e.args;
    if (fn === '__builtin_constant_p') {
      if (args.length !== 1) return no('unknown', '__builtin_constant_p takes one argument');
      const v = this.value(args[0]);
      if (v.k === 'int') return { k: 'int', v: 1n, t: INT, ice: v.ice };
      if (v.k === 'addr' && (v.base === null || v.base === 'string literal')) return { k: 'int', v: 1n, t: INT, ice: false };
      if (v.k === 'no' && v.why === 'runtime') return no('runtime', `__builtin_constant_p(${this.src(args[0])}) is decided after inlining: ${v.reason}`);
      return v.k === 'no' ? v : no('unknown', `__builtin_constant_p of an address`);
    }
    if (fn === '__builtin_expect' || fn === '__builtin_expect_with_probability') return args[0] ? this.value(args[0]) : no('unknown', `${fn}()`);
    if (fn === '__builtin_choose_expr' && args.length === 3) {
      const c = this.value(args[0]);
      if (c.k !== 'int') return c.k === 'no' ? c : no('unknown', '__builtin_choose_expr of an address');
      return this.value(c.v !== 0n ? args[1] : args[2]);
    }
    const m = fn && /^__builtin_(ctz|clz|popcount|ffs|parity|bswap(16|32|64))(l|ll)?$/.exec(fn);
    if (m && args.length === 1) {
      const a = this.value(args[0]);
      if (a.k !== 'int') return a.k === 'no' ? a : no('unknown', `${fn} of an address`);
      const bits = m[2] ? Number(m[2]) : m[3] === 'll' ? this.table.model.longLong.size * 8 : m[3] === 'l' ? this.table.model.long.size * 8 : 32;
      const x = BigInt.asUintN(bits, a.v);
      const ones = x.toString(2).replace(/0/g, '').length;
      const r = (v: number) => ({ k: 'int' as const, v: BigInt(v), t: INT, ice: false });
      switch (m[1]) {
        case 'ctz': return x === 0n ? no('unknown', `${fn}(0) is undefined`) : r(x.toString(2).length - 1 - x.toString(2).lastIndexOf('1'));
        case 'clz': return x === 0n ? no('unknown', `${fn}(0) is undefined`) : r(bits - x.toString(2).length);
        case 'popcount': return r(ones);
        case 'parity': return r(ones & 1);
        case 'ffs': return r(x === 0n ? 0 : x.toString(2).length - x.toString(2).lastIndexOf('1'));
        default: {
          let y = 0n;
          for (let i = 0; i < bits / 8; i++) y = (y << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
          return { k: 'int', v: y, t: { bits, signed: false }, ice: false };
        }
      }
    }
    if (fn && /^__compiletime_assert_\d+$/.test(fn)) return no('unknown', 'a failed compile-time assert');
    return no('runtime', `calls ${fn ?? this.src(e.fn)}(): a function's result is known only at run time (or after inlining)`);
  }

  // ----------------------------------------------------- statement expressions

  /** ({ ... }): the type and value of the last expression statement, locals holding what their initializers give. */
  private runStatementExpression(e: CExpr & { k: 'stmt' }): { type: CType; val: Val } {
    const have = this.stmtCache.get(e);
    if (have) return have;
    this.env.push(new Map());
    let result: { type: CType; val: Val } = { type: { k: 'void' }, val: no('unknown', 'a statement expression without a value') };
    let spoiled: string | undefined;
    const run = (s: Stmt, last: boolean): void => {
      switch (s.k) {
        case 'decl': this.declare(s.decl); return;
        case 'expr':
          if (last) result = { type: this.typeOf(s.e), val: this.value(s.e) };
          else if (s.e.k === 'assign' && s.e.left.k === 'id' && this.local(s.e.left.name)) this.assignLocal(s.e as CExpr & { k: 'assign' });
          return;
        case 'block': this.env.push(new Map()); s.body.forEach((x, i) => run(x, last && i === s.body.length - 1)); this.env.pop(); return;
        case 'do': run(s.body, false); return;
        case 'if': {
          // `if (!(c)) __compiletime_assert_N();` is a nested assert, checked at its own site
          if (isAssertCall(s.then)) return;
          const c = this.value(s.test);
          if (c.k === 'int') { if (c.v !== 0n) run(s.then, last); else if (s.else) run(s.else, last); return; }
          spoiled ??= `an 'if' on ${this.src(s.test)}`;
          return;
        }
        case 'empty': case 'static_assert': return;
        case 'other': spoiled ??= `a '${s.what}' statement`; return;
      }
    };
    try {
      e.body.forEach((s, i) => run(s, i === e.body.length - 1));
    } finally {
      this.env.pop();
    }
    if (spoiled && result.val.k !== 'no') result = { type: result.type, val: no('unknown', `the statement expression has ${spoiled}`) };
    // locals hold folded constants, which are not integer constant expressions
    if (result.val.k === 'int') result = { type: result.type, val: { ...result.val, ice: false } };
    this.stmtCache.set(e, result);
    return result;
  }

  /** `x = v` or `x op= v` on a statement-expression local: it holds the new value (bytes_to_bpf_size's if/else chain). */
  private assignLocal(e: CExpr & { k: 'assign' }): void {
    const name = (e.left as CExpr & { k: 'id' }).name;
    const slot = this.local(name)!;
    const r = this.value(e.right);
    let v: Val = r;
    if (e.op !== '=') {
      const old = slot.val;
      v = old.k === 'int' && r.k === 'int' ? this.arith(e.op.slice(0, -1), old, r) : no('runtime', `'${name}' is changed with ${e.op}`);
    }
    const it = this.intTypeOf(slot.type);
    slot.val = v.k === 'int' && !('reason' in it) ? this.intVal(v.v, it, false) : v;
  }

  private declare(d: Declaration): void {
    const scope = this.env[this.env.length - 1];
    for (const item of d.items) {
      if (!item.name) continue;
      const info = this.declaredType(item, d.storage);
      let val: Val = no('runtime', `'${item.name}' is not initialized`);
      if (item.init?.k === 'expr') {
        const v = this.value(item.init.e);
        const it = this.intTypeOf(info.type);
        val = v.k === 'int' && !('reason' in it) ? this.intVal(v.v, it, false) : v;
      } else if (info.storage === 'func' || info.storage === 'extern') val = no('runtime', `'${item.name}' is declared extern`);
      scope.set(item.name, { type: info.type, val });
    }
  }
}

function hasFunc(t: CType): boolean {
  for (let i = 0; i < 8; i++) {
    if (t.k === 'func') return true;
    if (t.k === 'typedef') t = t.of;
    else if (t.k === 'ptr') t = t.to;
    else return false;
  }
  return false;
}

function isAssertCall(s: Stmt): boolean {
  return s.k === 'expr' && s.e.k === 'call' && s.e.fn.k === 'id' && /^__compiletime_assert_\d+$/.test(s.e.fn.name);
}

/** Bytes (with the terminating NUL) of adjacent string literals, and their character width. */
export function stringBytes(parts: string[]): { count: number; unit: number } {
  let n = 0, unit = 1;
  for (const p of parts) {
    const m = /^(L|u8|u|U)?"((?:[^"\\]|\\.)*)"$/s.exec(p);
    if (!m) continue;
    if (m[1] === 'L' || m[1] === 'U') unit = 4;
    else if (m[1] === 'u') unit = 2;
    n += m[2].replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, 'x').length;
  }
  return { count: n + 1, unit };
}
