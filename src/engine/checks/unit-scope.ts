// What is declared where in one translation unit, for the assert evaluator:
// the parameters and block-scope declarations of the function around an
// offset (its text read again by eval/c-reader.ts, whose parse cuts
// typeof(...) out first: the unit's own tree reads `typeof(*p) *__p = p;`
// as a multiplication), then file-scope objects and functions (from the
// parse tree's top level). Also the control flow around a BUILD_BUG_ON:
// the if/?:/&&/loop/switch conditions that decide whether the compiler
// keeps that code, since compiletime_assert only fires where it does.
import type { Node } from 'web-tree-sitter';
import { DeclKind } from '../parse/declarations';
import type { UnitSyntax } from '../project/unit-syntax';
import type { TextSource } from '../preprocess/piece-text';
import { CExpr, DeclItem } from '../eval/c-expr';
import { parseDeclaration, parseExpression, readFunction } from '../eval/c-reader';
import { LocalConstant, TypedEval, TypedScope, Val, VarInfo } from '../eval/c-typed';
import { classify } from './typed-asserts';
import { RecordDecl, TypeTable } from '../types/type-table';
import type { EvalResult } from '../eval/expr';

interface LocalDecl {
  name: string;
  /** absolute offset of the declarator: visible after it */
  at: number;
  /** absolute offset where its block closes */
  end: number;
  /** its declaration's text, where that starts, and which of the declaration's items it is */
  text: string;
  base: number;
  index: number;
  /** read from `text` when first needed (null: it cannot be read) */
  item?: DeclItem | null;
  storage: string[];
  info?: VarInfo;
  /** const, or never assigned, incremented or address-taken in the function */
  fixed: boolean;
  constant?: LocalConstant | null;
}

interface FunctionScope {
  start: number;
  end: number;
  params: Map<string, { item: DeclItem; info?: VarInfo; text: string; base: number }>;
  locals: LocalDecl[];
  /** names declared anywhere in the function (they shadow typedef names) */
  names: Set<string>;
}

/**
 * An array bound the plain evaluator cannot read (`[sizeof(" or ")]`, ALIGN()'s typeof casts, min()
 * of constants, IP_TUNNEL_OPTS_MAX's BUILD_BUG_ON_ZERO), read with types as the assert checker reads
 * conditions: the TypeTable's arraySizeFallback, for layouts and checks alike.
 */
export function typedArraySize(scopes: UnitScopes, size: Node): EvalResult | undefined {
  const at = scopes.table.offsetOf(size);
  const text = scopes.text.slice(at, at + size.endIndex - size.startIndex);
  const scope = scopes.scopeAt(at);
  const v = new TypedEval(scopes.table, scope, text).value(parseExpression(text, scope));
  return v.k === 'int' ? { ok: true, value: v.v, type: v.t } : undefined;
}

export class UnitScopes {
  private readonly functions = new Map<number, FunctionScope | null>();
  /** per function (by start): the scope read from the part of it the first lookup there sees (visiblePart) */
  private readonly parts = new Map<number, { part: VisiblePart; scope: FunctionScope }>();
  private readonly fileVars = new Map<string, VarInfo | null>();
  /** the offsets in [from, to) the checks will look up names from (their asserts): one read of a function serves them all */
  placesIn?: (from: number, to: number) => number[];
  /** function definitions' texts, by start offset (searched for the names they spell) */
  private readonly functionTexts = new Map<number, string>();


  constructor(readonly text: TextSource, readonly syntax: UnitSyntax, readonly table: TypeTable) {}

  /** The scope at `offset` and an evaluator bound to it; `text` is what CExpr offsets refer to. */
  evaluator(offset: number, text: TextSource, base?: number): TypedEval {
    return new TypedEval(this.table, this.scopeAt(offset), text, base);
  }

  scopeAt(offset: number): TypedScope {
    // the function is read when a name needs it: `sizeof(struct x) != 16` names nothing it declares
    let fn: FunctionScope | undefined | null = null;
    const inFn = () => (fn === null ? (fn = this.functionAt(offset)) : fn);
    // A name the function does not spell before `offset` is not one it declares there (a declaration comes
    // before its use): the function is parsed only for a name it spells, not for sizeof(u32) or an enumerator
    // (a whole-tree check still parses ~1900, 9.5 MB of text). Shadowing a typedef name reads the whole function.
    const declaring = (name: string, to: number) => (this.functionSpells(offset, name, to) ? inFn() : undefined);
    // A name's type needs only the declarations visible here (functionPartAt: a whole-tree check's
    // container_of asserts sit in 1 900 functions, 9.5 MB of text, of which it parses ~70%).
    // Whether a name is ever changed, or declared anywhere, needs the whole function.
    let part: FunctionScope | undefined | null = null;
    const seeing = (name: string) => (this.functionSpells(offset, name, offset) ? (part === null ? (part = fn ?? this.functionPartAt(offset)) : part) : undefined);
    return {
      lookup: (name) => this.lookup(name, offset, seeing(name)),
      typedefDecl: (name) => this.typedefDecl(name),
      constant: (name) => this.constant(name, offset, declaring(name, offset)),
      recordAt: (o) => this.recordAt(o),
      isTypeName: (name) => this.table.hasTypedef(name) && !declaring(name, Infinity)?.names.has(name),
    };
  }

  /** Whether the function definition around `offset` spells `name` as a word before `to` (false outside a function). */
  private functionSpells(offset: number, name: string, to: number): boolean {
    const k = this.functionIndexAt(offset);
    if (k < 0) return false;
    const start = this.syntax.topLevel().starts[k];
    const text = this.functionText(start, this.syntax.topLevel().ends[k]);
    const end = Math.min(text.length, to - start);
    for (let i = text.indexOf(name); i >= 0 && i < end; i = text.indexOf(name, i + name.length)) if (isWordAt(text, i, name.length)) return true;
    return false;
  }

  /** The index of the top-level declaration holding `offset`, or -1. */
  private declarationAt(offset: number): number {
    const { starts, ends } = this.syntax.topLevel();
    let lo = 0, hi = starts.length - 1, k = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] <= offset) { k = mid; lo = mid + 1; } else hi = mid - 1; }
    return k < 0 || offset >= ends[k] ? -1 : k;
  }

  /** The index of the top-level function definition holding `offset`, or -1. */
  private functionIndexAt(offset: number): number {
    const k = this.declarationAt(offset);
    return k >= 0 && this.syntax.topLevel().kinds[k] === DeclKind.Function ? k : -1;
  }

  private localAt(name: string, offset: number, fn: FunctionScope): (LocalDecl & { item: DeclItem }) | undefined {
    let best: LocalDecl | undefined;
    for (const l of fn.locals) if (l.name === name && l.at < offset && offset < l.end && (!best || l.at > best.at) && this.declarationOf(l, fn)) best = l;
    return best as (LocalDecl & { item: DeclItem }) | undefined;
  }

  /** A local's declaration, read with the typedef names not shadowed by what the function declared before it. */
  private declarationOf(l: LocalDecl, fn: FunctionScope): DeclItem | undefined {
    if (l.item === undefined) {
      const shadowed = (x: string) => fn.params.has(x) || fn.locals.some((o) => o.name === x && o.at < l.at);
      const d = parseDeclaration(l.text, { isTypeName: (x) => this.table.hasTypedef(x) && !(fn.names.has(x) && shadowed(x)) });
      const item = d?.items[l.index];
      l.item = item?.name === l.name ? item : null;
      l.storage = d?.storage ?? [];
    }
    return l.item ?? undefined;
  }

  private lookup(name: string, offset: number, fn: FunctionScope | undefined): VarInfo | undefined {
    if (fn) {
      const best = this.localAt(name, offset, fn);
      if (best) {
        if (!best.info) {
          const b = best;
          b.info = { type: { k: 'unknown', reason: `the type of '${name}' refers to itself` }, storage: 'auto', local: true };
          b.info = { ...this.evaluator(b.at, b.text, b.base).declaredType(b.item, b.storage), local: true };
        }
        return best.info;
      }
      const p = fn.params.get(name);
      if (p) {
        if (!p.info) {
          p.info = { type: { k: 'unknown', reason: `the type of '${name}' refers to itself` }, storage: 'param', local: true };
          p.info = { ...this.evaluator(fn.start, p.text, p.base).declaredType(p.item), storage: 'param', local: true };
        }
        return p.info;
      }
    }
    // an enumerator is an ordinary identifier of file scope: no file-scope object or function shares its
    // name, so the unit's text is not searched for one (580 of a whole-tree run's 800 searches, 1.7 GB)
    if (this.table.hasEnumerator(name)) return undefined;
    return this.fileScope(name);
  }

  /** The struct or union whose specifier starts at `offset` (one written inside a function), from the unit's parse. */
  private recordAt(offset: number): RecordDecl | undefined {
    const at = this.syntax.nodeAt(offset);
    if (!at) return undefined;
    const o = offset - at.base;
    let n: Node | null = at.node;
    while (n && n.startIndex === o && n.type !== 'struct_specifier' && n.type !== 'union_specifier') n = n.parent;
    return n && n.startIndex === o && (n.type === 'struct_specifier' || n.type === 'union_specifier') ? this.table.recordOf(n) : undefined;
  }

  /** A local that keeps its initializer's value, evaluated in the scope of its declaration. */
  private constant(name: string, offset: number, fn: FunctionScope | undefined): LocalConstant | undefined {
    const l = fn && this.localAt(name, offset, fn);
    if (!l || !l.fixed || l.item.init?.k !== 'expr') return undefined;
    if (l.constant !== undefined) return l.constant ?? undefined;
    l.constant = null;
    const ev = this.evaluator(l.at, l.text, l.base);
    const init = l.item.init.e;
    const shape = classify(init, 'static_assert', ev);
    const v = ev.value(init);
    const t = ev.intTypeOf(this.lookup(name, offset, fn)?.type ?? { k: 'unknown', reason: '' });
    const val: Val = v.k === 'int' && !('reason' in t) ? { k: 'int', v: BigInt[t.signed ? 'asIntN' : 'asUintN'](t.bits, v.v), t, ice: false } : v;
    l.constant = { val, layout: shape.cls === 'layout', compat: shape.cls === 'type-check', ...(shape.cls === 'runtime' ? { runtime: shape.why } : {}) };
    return l.constant;
  }

  /**
   * The function definition around `offset`, its declarations read once. Its
   * extent is the top-level declaration's, not the unit tree's
   * function_definition node: tree-sitter's error recovery inside a body
   * (a typeof it cannot read) can end that node early.
   */
  private functionAt(offset: number): FunctionScope | undefined {
    const { starts, ends } = this.syntax.topLevel();
    const k = this.functionIndexAt(offset);
    if (k < 0) return undefined;
    const have = this.functions.get(starts[k]);
    if (have !== undefined) return have ?? undefined;
    const fs = this.scanFunction(starts[k], ends[k]);
    this.functions.set(starts[k], fs ?? null);
    return fs;
  }

  /**
   * The scope of the function around `offset` as lookups there and at the
   * function's asserts see it: read from what visiblePart keeps of it (the
   * blocks holding none of those places emptied, the statements that declare
   * nothing and everything after the last place cut), kept for every offset
   * the part answers for; elsewhere the whole function is read. Its changed
   * and declared names are not the whole function's: constant() and
   * isTypeName() read the whole function.
   */
  private functionPartAt(offset: number): FunctionScope | undefined {
    const k = this.functionIndexAt(offset);
    if (k < 0) return undefined;
    const { starts, ends } = this.syntax.topLevel();
    const start = starts[k];
    const whole = this.functions.get(start);
    if (whole !== undefined) return whole ?? undefined;
    const have = this.parts.get(start);
    if (have) {
      if (have.part.answers(offset - start)) return have.scope;
      // a place the first part does not answer for: one whole read serves every place from now on
      return this.functionAt(offset);
    }
    const text = this.functionText(start, ends[k]);
    // every place a check will look from: this one and the asserts of the function
    const places = [...new Set([offset, ...(this.placesIn?.(start, ends[k]) ?? [])])].map((x) => x - start).sort((a, b) => a - b);
    const part = visiblePart(text, places, (x) => this.table.hasTypedef(x));
    const scope = part?.answers(offset - start) ? this.scanFunction(start, ends[k], part) : undefined;
    if (!part || !scope) return this.functionAt(offset);
    this.parts.set(start, { part, scope });
    return scope;
  }

  /** A function definition's text, kept (searched for the names it spells, cut into parts). */
  private functionText(start: number, end: number): string {
    let text = this.functionTexts.get(start);
    if (text === undefined) this.functionTexts.set(start, (text = this.text.slice(start, end)));
    return text;
  }

  /** `part`: read only what visiblePart keeps of the function, its offsets mapped back. */
  private scanFunction(base: number, end: number, part?: VisiblePart): FunctionScope | undefined {
    const text = this.functionText(base, end);
    const syntax = readFunction(part?.text ?? text, { isTypeName: (x) => this.table.hasTypedef(x) });
    if (!syntax) return undefined;
    const names = new Set<string>();
    const params = new Map<string, { item: DeclItem; text: string; base: number }>();
    for (const item of syntax.params) {
      if (item.name) { params.set(item.name, { item, text, base }); names.add(item.name); }
    }
    const locals: LocalDecl[] = [];
    const o = part ? (x: number) => part.original(x) : (x: number) => x;
    for (const l of syntax.locals) {
      // const, or never changed in the function: it keeps its initializer's value
      const fixed = l.keeps || !syntax.modified.has(l.name);
      const decl = [o(l.decl[0]), o(l.decl[1] - 1) + 1];
      locals.push({ name: l.name, at: base + o(l.at), end: base + o(l.end), text: text.slice(decl[0], decl[1]), base: base + decl[0], index: l.index, storage: [], fixed });
      names.add(l.name);
    }
    return { start: base, end, params, locals, names };
  }

  /** File-scope objects and functions, by name; the declaration that sizes an array wins. */
  private fileScope(name: string): VarInfo | undefined {
    const have = this.fileVars.get(name);
    if (have !== undefined) return have ?? undefined;
    let best: VarInfo | undefined;
    // `extern typeof(x) x;` names itself: while resolving, the name is not declared
    this.fileVars.set(name, null);
    for (const [start, end, kind] of this.topLevelMentioning(name, [DeclKind.Other, DeclKind.Function])) {
      const head = kind === DeclKind.Function ? this.text.slice(start, this.functionBodyStart(start, end)) + ';' : this.text.slice(start, end);
      const decl = parseDeclaration(head, { isTypeName: (x) => this.table.hasTypedef(x) });
      const item = decl?.items.find((it) => it.name === name);
      if (!decl || !item) continue;
      const info = this.evaluator(start, this.text).declaredType(item, decl.storage);
      const v: VarInfo = { ...info, storage: info.storage === 'auto' ? 'extern' : info.storage, local: false };
      const c = v.type.k === 'typedef' ? undefined : v.type;
      const sized = c?.k === 'array' && c.count !== 'flex';
      if (!best || sized || (best.type.k === 'unknown' && v.type.k !== 'unknown')) best = v;
    }
    this.fileVars.set(name, best ?? null);
    return best;
  }

  private readonly typedefs = new Map<string, { item: DeclItem; storage: string[] } | null>();

  private typedefDecl(name: string): { item: DeclItem; storage: string[] } | undefined {
    const have = this.typedefs.get(name);
    if (have !== undefined) return have ?? undefined;
    this.typedefs.set(name, null);
    let found: { item: DeclItem; storage: string[] } | undefined;
    // the declarations the name index says may define it, not those whose text mentions it
    const { starts, ends } = this.syntax.topLevel();
    for (const k of this.table.typedefCandidates(name)) {
      const start = starts[k], end = ends[k];
      const decl = parseDeclaration(this.text.slice(start, end), { isTypeName: (x) => this.table.hasTypedef(x) });
      const item = decl?.items.find((it) => it.name === name);
      if (decl && item) found = { item: { ...item, at: item.at + start }, storage: decl.storage };
    }
    this.typedefs.set(name, found ?? null);
    return found;
  }

  /**
   * Where a function definition's body opens (its header is what declares it):
   * the first `{` outside parentheses, string and character literals stepped
   * over (a statement expression in an attribute sits inside parentheses).
   * Read off the text: parsing the whole definition for this cost more than
   * the rest of a lookup.
   */
  private functionBodyStart(start: number, end: number): number {
    const at = bodyOpen(this.text.slice(start, end));
    return at < 0 ? end : start + at;
  }

  /** The top-level declarations whose text mentions `name` as a word: candidates to declare it. */
  private topLevelMentioning(name: string, types: DeclKind[]): Array<[number, number, DeclKind]> {
    const { starts, ends, kinds: ts } = this.syntax.topLevel();
    const out: Array<[number, number, DeclKind]> = [];
    const seen = new Set<number>();
    // searched where the text lies: in pieces after an edit or a replay, never joined for this
    const text = this.text;
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
      if (!isWordAt(text, i, name.length)) continue;
      const k = this.declarationAt(i);
      if (k < 0 || seen.has(k) || !types.includes(ts[k])) continue;
      seen.add(k);
      out.push([starts[k], ends[k], ts[k]]);
    }
    return out;
  }

  // -------------------------------------------------------------- reachability

  /**
   * The conditions that decide whether the code at `offset` runs, innermost
   * first: 'dead' when one is a constant that skips it, 'runtime' when one is
   * not a constant, undefined when every one is a constant that takes it.
   */
  guard(offset: number): { k: 'dead' | 'runtime'; text: string; reason?: string } | undefined {
    const at = this.syntax.nodeAt(offset);
    const base = at?.base ?? 0;
    let child: Node | null = at?.node ?? null;
    let n = child?.parent ?? null;
    let found: { k: 'dead' | 'runtime'; text: string; reason?: string } | undefined;
    for (; child && n && n.type !== 'function_definition' && n.type !== 'translation_unit'; child = n, n = n.parent) {
      let cond: Node | null = null;
      let want: boolean | undefined;
      switch (n.type) {
        case 'if_statement': case 'conditional_expression': {
          const c = n.childForFieldName('condition');
          if (!c || (child.startIndex >= c.startIndex && child.endIndex <= c.endIndex)) continue;
          cond = c;
          const alt = n.childForFieldName('alternative');
          want = !(alt && child.startIndex >= alt.startIndex && child.endIndex <= alt.endIndex);
          break;
        }
        case 'binary_expression': {
          const op = n.childForFieldName('operator')?.type;
          const right = n.childForFieldName('right');
          if ((op !== '&&' && op !== '||') || !right || child.startIndex < right.startIndex) continue;
          cond = n.childForFieldName('left');
          want = op === '&&';
          break;
        }
        case 'while_statement': case 'for_statement': case 'switch_statement': {
          const body = n.childForFieldName('body');
          if (!body || child.startIndex < body.startIndex) continue;
          cond = n.childForFieldName('condition');
          if (n.type === 'switch_statement') { found ??= { k: 'runtime', text: `switch ${cond?.text.replace(/\s+/g, ' ') ?? ''}` }; continue; }
          if (!cond) continue; // for (;;)
          want = true;
          break;
        }
        default: continue;
      }
      if (!cond) continue;
      // if (x) and while (x) hold their condition in parentheses; the message shows x
      if (cond.type === 'parenthesized_expression' && cond.namedChildren.length === 1 && cond.namedChildren[0]) cond = cond.namedChildren[0];
      const text = this.text.slice(base + cond.startIndex, base + cond.endIndex);
      const scope = this.scopeAt(base + cond.startIndex);
      const e: CExpr = parseExpression(text, scope);
      const v: Val = new TypedEval(this.table, scope, text).value(e);
      const shown = text.replace(/\s+/g, ' ').trim().slice(0, 100);
      if (v.k === 'no') { found ??= { k: 'runtime', text: shown, reason: v.reason }; continue; }
      const truth = v.k === 'int' ? v.v !== 0n : v.base !== null || v.off !== 0n;
      if (truth !== want) return { k: 'dead', text: shown };
    }
    return found;
  }
}

/**
 * The function definition `text` as lookups at `places` see it, for reading
 * the declarations visible there (C scopes: a name is declared before its
 * use, in a block that holds the use): every brace block that holds no
 * place emptied (`{` and `}` stay), the body-level statements that hold no
 * place kept only when they may declare a name, the rest of the body after
 * the last place's statement cut. Cut out, not blanked: tree-sitter's lexer
 * costs as much per space as per character of code. `places`: offsets in
 * `text`, ascending; undefined when none is inside the body. Expanded
 * text: no comments; literals are stepped over.
 *
 * A `_Static_assert(...);` inside a block is cut too, places in it or not
 * (container_of's, most of what is kept otherwise: its pointer argument
 * spelled twice over): its operand is never evaluated and declares nothing
 * unless it holds a statement expression, so a lookup inside it sees what
 * its start sees, and the part still answers for it. So is compiletime_assert's
 * `if (!(COND)) __compiletime_assert_N();` (every BUILD_BUG_ON): a statement
 * without braces declares nothing; and the associations of READ_ONCE's
 * _Generic before its `default`.
 */
export function visiblePart(text: string, places: readonly number[], isTypeName: (name: string) => boolean): VisiblePart | undefined {
  const n = text.length;
  const body = bodyOpen(text);
  const at = places.filter((p) => p > body);
  if (body < 0 || at.length === 0) return undefined;
  /** whether a place lies in (a, b) */
  const holds = (a: number, b: number): boolean => {
    let lo = 0, hi = at.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (at[mid] <= a) lo = mid + 1; else hi = mid; }
    return lo < at.length && at[lo] < b;
  };
  // ranges cut out, in order; a later cut that covers earlier ones replaces them.
  // `seeThrough`: a lookup inside it sees what its start sees (a static assert's operand)
  const cuts: Array<[number, number, boolean]> = [];
  const cut = (a: number, b: number, seeThrough = false) => {
    while (cuts.length && cuts[cuts.length - 1][0] >= a) cuts.pop();
    if (a < b) cuts.push([a, b, seeThrough]);
  };
  // the open brackets after the body's `{`: where each opened, and whether a brace opened a statement's block
  const opens: number[] = [], kinds: number[] = [];
  let stmt = body + 1, to = -1;
  const last = at[at.length - 1];
  const endStatement = (e: number) => {
    if (to >= 0) return;
    if (holds(stmt - 1, e)) { if (last < e) to = e; }
    else if (!mayDeclare(text, stmt, e, isTypeName)) cut(stmt, e);
    stmt = e;
  };
  for (let i = body + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) { i = literalEnd(text, i); continue; }
    if (c === 95 && opens.length > 0 && text.startsWith('_Static_assert', i) && !isWordChar(text.charCodeAt(i - 1))) {
      const e = staticAssertEnd(text, i);
      if (e > 0) { cut(i, e, true); i = e - 1; continue; }
    }
    if (c === 105 && opens.length > 0 && text.startsWith('if', i) && !isWordChar(text.charCodeAt(i - 1)) && !isWordChar(text.charCodeAt(i + 2))) {
      const e = compiletimeAssertEnd(text, i);
      if (e > 0) { cut(i, e, true); i = e - 1; continue; }
    }
    if (c === 95 && opens.length > 0 && text.startsWith('_Generic', i) && !isWordChar(text.charCodeAt(i - 1)) && !isWordChar(text.charCodeAt(i + 8))) {
      const g = genericAssociations(text, i);
      if (g) { cut(g[0], g[1], true); i = g[2] - 1; continue; }
    }
    if (c === 40 || c === 91 || c === 123) {
      opens.push(i);
      // a block right in the body: a compound statement, or a struct/union/enum body or an initializer
      kinds.push(c === 123 ? (opens.length === 1 && opensStatement(text, i) ? 2 : 1) : 0);
    } else if (c === 41 || c === 93 || c === 125) {
      if (opens.length === 0) {
        // the body's closing brace
        if (c !== 125) return undefined;
        if (to < 0) to = i;
        cut(to, i);
        return joinCuts(text, cuts, body, to);
      }
      const o = opens.pop()!, kind = kinds.pop()!;
      if (c !== 125) continue;
      // a block holding no place declares nothing visible at one
      if (!holds(o, i)) cut(o + 1, i);
      // a statement's block ends it unless it goes on: `} while (0);` (every BUILD_BUG_ON), `} else`
      if (opens.length === 0 && kind === 2 && !goesOn(text, i + 1)) endStatement(i + 1);
    } else if (c === 59 && opens.length === 0) {
      endStatement(i + 1);
    }
  }
  return undefined;
}

/**
 * Past the `;` of the `_Static_assert ( ... ) ;` at `i`, or -1: its parentheses unbalanced, no `;`
 * right after them, or a brace inside (a statement expression may declare names).
 */
function staticAssertEnd(text: string, i: number): number {
  const j = braceFreeParens(text, i + '_Static_assert'.length);
  const m = j < 0 ? null : /^\s*;/.exec(text.slice(j, j + 16));
  return m ? j + m[0].length : -1;
}

/** Past the `;` of compiletime_assert's `if ( ! ( COND ) ) __compiletime_assert_N ( ) ;` at `i`, or -1 (as staticAssertEnd). */
function compiletimeAssertEnd(text: string, i: number): number {
  const j = braceFreeParens(text, i + 2);
  const m = j < 0 ? null : /^\s*__compiletime_assert_\d+\s*\(\s*\)\s*;/.exec(text.slice(j, j + 64));
  return m ? j + m[0].length : -1;
}

/**
 * READ_ONCE's `_Generic ( (x) , char : (char) 0 , ... , default : (x) )` at `i`: the associations before
 * `default` ([from, to), cut: a brace-free _Generic declares nothing) and the end of the whole; undefined
 * when it has no default or holds a brace.
 */
function genericAssociations(text: string, i: number): [number, number, number] | undefined {
  const end = braceFreeParens(text, i + '_Generic'.length);
  if (end < 0) return undefined;
  let from = -1, to = -1;
  for (let j = text.indexOf('(', i) + 1, depth = 0; j < end - 1; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 || c === 39) { j = literalEnd(text, j); continue; }
    if (c === 40) depth++;
    else if (c === 41) depth--;
    else if (depth === 0 && c === 44 && from < 0) from = j + 1;
    else if (depth === 0 && from >= 0 && c === 100 && text.startsWith('default', j) && !isWordChar(text.charCodeAt(j - 1)) && /^default\s*:/.test(text.slice(j, j + 12))) to = j;
  }
  return from >= 0 && to > from ? [from, to, end] : undefined;
}

/** After whitespace from `j`, a parenthesized text holding no brace: just past its `)`, or -1. */
function braceFreeParens(text: string, j: number): number {
  while (j < text.length && /\s/.test(text[j])) j++;
  if (text[j] !== '(') return -1;
  for (let depth = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 || c === 39) { j = literalEnd(text, j); continue; }
    if (c === 123 || c === 125) return -1;
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return j + 1;
  }
  return -1;
}

/**
 * The part visiblePart keeps, the offset map back, and where it answers: at
 * an offset of the body's kept text before `to`, every declaration visible
 * there is in the part (the blocks holding that offset are the body or hold
 * a place; the cut statements declare nothing), and so inside a static
 * assert cut out (it sees what its start sees).
 */
function joinCuts(text: string, cuts: Array<[number, number, boolean]>, body: number, to: number): VisiblePart {
  const parts: string[] = [];
  const starts: number[] = [], gone: number[] = [];
  let p = 0, removed = 0;
  for (const [a, b] of cuts) {
    parts.push(text.slice(p, a));
    starts.push(a - removed);
    removed += b - a;
    gone.push(removed);
    p = b;
  }
  parts.push(text.slice(p));
  const original = (x: number): number => {
    let k = -1;
    for (let lo = 0, hi = starts.length - 1; lo <= hi;) { const mid = (lo + hi) >> 1; if (starts[mid] <= x) { k = mid; lo = mid + 1; } else hi = mid - 1; }
    return k < 0 ? x : x + gone[k];
  };
  const answers = (x: number): boolean => {
    if (x <= body || x >= to) return false;
    let lo = 0, hi = cuts.length - 1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (cuts[mid][1] <= x) lo = mid + 1; else if (cuts[mid][0] > x) hi = mid - 1; else return cuts[mid][2]; }
    return true;
  };
  return { text: parts.join(''), answers, original };
}

/** What visiblePart keeps of a function (see there). */
export interface VisiblePart {
  text: string;
  /** an offset of the part back to the function's text */
  original(offset: number): number;
  /** whether a lookup at this offset of the function's text sees exactly what the part declares */
  answers(offset: number): boolean;
}

/** The closing quote of the string or character literal opening at `i` (escapes stepped over). */
function literalEnd(text: string, i: number): number {
  const q = text.charCodeAt(i);
  for (i++; i < text.length && text.charCodeAt(i) !== q; i++) if (text.charCodeAt(i) === 92) i++;
  return i;
}

/** Where a function definition's body opens: its first `{` outside parentheses and literals (-1: none). */
function bodyOpen(text: string): number {
  for (let i = 0, depth = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) i = literalEnd(text, i);
    else if (c === 40) depth++;
    else if (c === 41) depth--;
    else if (c === 123 && depth === 0) return i;
  }
  return -1;
}

/** Words that start a declaration besides a typedef name: types, qualifiers, storage classes, attributes. */
const DECLARES = new Set([
  'struct', 'union', 'enum', 'typedef', 'char', 'short', 'int', 'long', 'signed', 'unsigned', '__signed__', 'float', 'double',
  'void', '_Bool', 'bool', '_Complex', '__int128', 'const', 'volatile', 'restrict', '__restrict', '__restrict__', '_Atomic',
  'static', 'extern', 'register', 'auto', '__auto_type', '__thread', '_Thread_local', 'thread_local', 'inline', '__inline',
  '__inline__', 'typeof', '__typeof__', '__typeof', 'typeof_unqual', '__typeof_unqual__', '__attribute__', '__attribute',
  '__extension__', '_Alignas', 'alignas', '_Noreturn', 'constexpr',
]);

/** Whether the statement text[from, to) may declare a name: its first word is a type word or a typedef name. */
function mayDeclare(text: string, from: number, to: number, isTypeName: (name: string) => boolean): boolean {
  let i = from;
  while (i < to && /\s/.test(text[i])) i++;
  let e = i;
  while (e < to && isWordChar(text.charCodeAt(e))) e++;
  if (e === i || (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57)) return false;
  const word = text.slice(i, e);
  return DECLARES.has(word) || isTypeName(word);
}

/** Whether the `{` at `i` opens a compound statement: after `)`, `;`, `{`, `}`, a label's `:`, `else` or `do`. */
function opensStatement(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  const c = text[j];
  if (c === ')' || c === ';' || c === '{' || c === '}' || c === ':') return true;
  return /(?:^|[^\w$])(?:else|do)$/.test(text.slice(Math.max(0, j - 5), j + 1));
}

/** After a block's `}` at `i`: the statement continues (`;` `,` `while` `else` next). */
function goesOn(text: string, i: number): boolean {
  while (i < text.length && /\s/.test(text[i])) i++;
  const c = text.charCodeAt(i);
  if (c === 59 || c === 44) return true;
  for (const w of ['while', 'else']) if (text.startsWith(w, i) && !isWordChar(text.charCodeAt(i + w.length))) return true;
  return false;
}

/** [A-Za-z0-9_$] (NaN, past either end of the text: no) */
function isWordChar(c: number): boolean {
  return c === 36 || c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The `len` characters at `i` are a whole word: no word character touches either end. */
function isWordAt(text: { charCodeAt(i: number): number }, i: number, len: number): boolean {
  return !isWordChar(text.charCodeAt(i - 1)) && !isWordChar(text.charCodeAt(i + len));
}
