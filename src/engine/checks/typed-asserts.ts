// The asserts of one translation unit, read and decided with types: each
// condition is read by eval/c-reader.ts with the unit's typedef names, given
// types and values by eval/c-typed.ts with the declarations visible where it
// stands, and sorted into a class that says what kind of property it states:
//
//   layout      sizeof/offsetof/_Alignof terms in the evaluated condition
//   constant    an integer constant expression without them (enums, macros)
//   type-check  only __builtin_types_compatible_p (container_of, __same_type)
//   runtime     reads a variable or parameter, or calls a function: gcc
//               decides it after inlining and constant propagation
//   path        BUILD_BUG() and BUILD_BUG_ON_MSG(1, ...): no condition, it
//               states that the optimizer removes this code path
//
// Classes come from the condition's shape and the declarations, never from
// whether evaluation succeeded, so an `unknown` cannot hide in another class.
import type { TextSource } from '../preprocess/piece-text';
import { CExpr, Stmt } from '../eval/c-expr';
import { parseExpression } from '../eval/c-reader';
import { TypedEval, Val } from '../eval/c-typed';
import { Expr } from '../eval/expr';
import { canonical } from '../types/type-table';
import { AssertClass, AssertResult, AssertSite } from './asserts';

export type { AssertClass };
import { UnitScopes } from './unit-scope';


export const ASSERT_CLASSES: AssertClass[] = ['layout', 'constant', 'type-check', 'runtime', 'path'];

/** The classes the whole-tree goal counts: asserts about layout and about constants. */
export const DECIDABLE_CLASSES: ReadonlySet<AssertClass> = new Set(['layout', 'constant']);

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

export function classify(e: CExpr, kind: AssertSite['kind'], ev: TypedEval): { cls: AssertClass; why?: string } {
  let layout = false, compat = false, named = false;
  let runtime: string | undefined;
  const locals: Array<Set<string>> = [];
  const isLocal = (n: string) => locals.some((s) => s.has(n));
  const ident = (name: string, address: boolean) => {
    named = true;
    if (isLocal(name) || ev.isEnumerator(name) && !ev.scope.lookup(name)?.local) return;
    const v = ev.scope.lookup(name);
    if (!v) return;
    if (v.storage === 'func') return;
    if (address && v.storage !== 'auto' && v.storage !== 'param') return;
    // a local that keeps a constant initializer stands for that initializer
    const k = !address && v.local ? ev.scope.constant?.(name) : undefined;
    if (k && !k.runtime) { layout ||= k.layout; compat ||= k.compat; return; }
    runtime ??= `'${name}' is ${v.storage === 'param' ? 'a parameter' : 'a variable'}`;
  };
  const walk = (x: CExpr, address = false): void => {
    switch (x.k) {
      case 'num': case 'chr': return;
      case 'str': named = true; return;
      case 'id': ident(x.name, address); return;
      case 'unary':
        if (x.op === '&') return walk(x.arg, true);
        if (x.op === '++' || x.op === '--') runtime ??= `'${srcOf(x)}' modifies a variable`;
        return walk(x.arg);
      case 'postfix': case 'assign': {
        // a statement expression's own locals are its working values (bytes_to_bpf_size's if/else chain)
        const target = x.k === 'assign' ? x.left : x.arg;
        if (!(target.k === 'id' && isLocal(target.name))) runtime ??= `'${srcOf(x)}' changes a variable`;
        if (x.k === 'assign') walk(x.right);
        return;
      }
      case 'binary': walk(x.left); walk(x.right); return;
      case 'cond': walk(x.test); if (x.then) walk(x.then); walk(x.else); return;
      case 'cast': walk(x.arg, address); return;
      case 'compound': named = true; return;
      case 'sizeof': case 'alignof': layout = true; named = true; return;
      case 'offsetof': layout = true; named = true; for (const d of x.desig) if (typeof d !== 'string') walk(d); return;
      case 'compat': compat = true; named = true; return;
      case 'call': {
        named = true;
        const fn = x.fn.k === 'id' ? x.fn.name : undefined;
        if (fn && /^__compiletime_assert_\d+$/.test(fn)) return;
        if (!fn || !fn.startsWith('__builtin_')) runtime ??= `calls ${fn ?? 'a function'}()`;
        for (const a of x.args) walk(a);
        return;
      }
      case 'member': case 'index':
        named = true;
        if (!address) {
          // reading an array-typed member is taking its address
          const t = ev.typeOf(x);
          if (canonical(t).k !== 'array') runtime ??= `'${srcOf(x)}' reads memory`;
        }
        // s.f and a[i] name storage inside s and a; p->f reads p itself
        walk(x.obj, x.k === 'member' ? !x.arrow : true);
        if (x.k === 'index') walk(x.index);
        return;
      case 'stmt':
        named = true;
        locals.push(new Set());
        for (const s of x.body) stmt(s);
        locals.pop();
        return;
      case 'generic': {
        named = true;
        const chosen = ev.genericChoice(x);
        if ('expr' in chosen) walk(chosen.expr, address);
        else for (const a of x.assocs) walk(a.expr, address);
        return;
      }
      case 'bad': named = true; return;
    }
  };
  let srcText: TextSource = '';
  const srcOf = (x: CExpr) => srcText.slice(x.at, x.end);
  const stmt = (s: Stmt): void => {
    switch (s.k) {
      case 'decl':
        for (const it of s.decl.items) {
          if (it.name) locals[locals.length - 1].add(it.name);
          if (it.init?.k === 'expr') walk(it.init.e);
        }
        return;
      case 'expr': walk(s.e); return;
      case 'if':
        if (s.then.k === 'expr' && s.then.e.k === 'call' && s.then.e.fn.k === 'id' && /^__compiletime_assert_\d+$/.test(s.then.e.fn.name)) return;
        walk(s.test); stmt(s.then); if (s.else) stmt(s.else);
        return;
      case 'do': stmt(s.body); walk(s.test); return;
      case 'block': locals.push(new Set()); s.body.forEach(stmt); locals.pop(); return;
      default: return;
    }
  };
  srcText = ev.sourceText;
  walk(e);
  if (runtime) return { cls: 'runtime', why: runtime };
  if (layout) return { cls: 'layout' };
  if (compat) return { cls: 'type-check' };
  if (!named && kind === 'BUILD_BUG_ON') return { cls: 'path' };
  return { cls: 'constant' };
}

/** The class of an assert that could not be read: nothing to walk, so the spelling says what it was about. */
export function classOfText(text: string): AssertClass {
  return /\b(sizeof|__builtin_offsetof|offsetof|_Alignof|__alignof__)\b/.test(text) ? 'layout' : /__builtin_types_compatible_p|__same_type/.test(text) ? 'type-check' : 'constant';
}

/**
 * An assert macro whose invocation never closes (a half-typed line at the
 * end of a file) leaves no assert in the expanded text, only the
 * preprocessor's complaint: that complaint becomes an unknown assert there.
 */
export function unclosedAssert(d: { file: string; line: number; column: number; message: string }, sourceLine: string): AssertResult | undefined {
  const m = /unterminated argument list invoking macro "(\w+)"/.exec(d.message);
  if (!m || !/^(static_assert|_Static_assert|BUILD_BUG_ON\w*|\w*_ASSERT\w*|\w*_MATCH)$/.test(m[1])) return undefined;
  const text = sourceLine.trim();
  const site: AssertSite = { kind: m[1].startsWith('BUILD_BUG_ON') ? 'BUILD_BUG_ON' : 'static_assert', at: { file: d.file, line: d.line, column: d.column }, text, cond: { k: 'unknown', reason: d.message }, unreadable: `the assert is not closed: ${d.message}` };
  return { site, status: 'unknown', terms: [], reason: site.unreadable, class: classOfText(text) };
}

/** The integer-expression projection of a condition, for overlay-pair discovery and messages. */
export function toExpr(e: CExpr): Expr {
  const text = (t: { text: string }) => ({ text: t.text });
  switch (e.k) {
    case 'num': case 'chr': case 'str': {
      const m = /^(\d+)[uUlL]*$/.exec(e.k === 'num' ? e.text : '');
      return m ? { k: 'int', value: BigInt(m[1]), type: { bits: 32, signed: true } } : { k: 'unknown', reason: 'literal' };
    }
    case 'id': return { k: 'ident', name: e.name };
    case 'unary':
      if (e.op === '-' || e.op === '+' || e.op === '~' || e.op === '!') return { k: 'unary', op: e.op, arg: toExpr(e.arg) };
      return { k: 'unknown', reason: `unary ${e.op}` };
    case 'binary': return { k: 'binary', op: e.op as never, left: toExpr(e.left), right: toExpr(e.right) };
    case 'cond': return { k: 'cond', test: toExpr(e.test), then: toExpr(e.then ?? e.test), else: toExpr(e.else) };
    case 'cast': return { k: 'cast', type: text(e.type), arg: toExpr(e.arg) };
    case 'sizeof': return e.type ? { k: 'sizeof', type: text(e.type) } : { k: 'sizeof', expr: toExpr(e.arg!) };
    case 'alignof': return e.type ? { k: 'alignof', type: text(e.type) } : { k: 'alignof', expr: toExpr(e.arg!) };
    case 'offsetof': return { k: 'offsetof', type: text(e.type), designator: e.desig.map((d) => (typeof d === 'string' ? d : toExpr(d))) };
    case 'call': return e.fn.k === 'id' ? { k: 'call', callee: e.fn.name, args: e.args.map(toExpr) } : { k: 'unknown', reason: 'call' };
    default: return { k: 'unknown', reason: e.k };
  }
}

/** Comparisons nested in !(...) still show their two sides. */
function comparison(e: CExpr): { op: string; left: CExpr; right: CExpr; negated: boolean } | undefined {
  let negated = false;
  while (e.k === 'unary' && e.op === '!') { negated = !negated; e = e.arg; }
  if (e.k === 'binary' && COMPARISONS.has(e.op)) return { op: e.op, left: e.left, right: e.right, negated };
  return undefined;
}

const shown = (v: Val) => (v.k === 'int' ? v.v.toString() : undefined);

/**
 * Decides one site. A BUILD_BUG_ON only fires where the compiler keeps its
 * code, so a false one under a condition that is not a constant, or in a
 * branch a constant removes, is `unknown` with that condition named.
 */
export function decide(site: AssertSite, ast: CExpr | undefined, ev: TypedEval | undefined, guard: () => ReturnType<UnitScopes['guard']>): AssertResult {
  if (site.unreadable || !ast || !ev) return { site, status: 'unknown', terms: [], reason: site.unreadable ?? 'not read', class: classOfText(site.text) };
  const { cls, why } = classify(ast, site.kind, ev);
  const v = ev.value(ast);
  const out: AssertResult = { site, status: 'unknown', terms: ev.terms, class: cls };
  const cmp = comparison(ast);
  if (cmp) {
    out.op = cmp.negated ? `!(${cmp.op})` : cmp.op;
    out.lhs = shown(ev.value(cmp.left));
    out.rhs = shown(ev.value(cmp.right));
  }
  if (v.k === 'no') {
    out.reason = cls === 'runtime' && v.why !== 'runtime' && why ? `${why}: ${v.reason}` : v.reason;
    return out;
  }
  const truth = v.k === 'int' ? v.v !== 0n : v.base !== null || v.off !== 0n;
  out.status = truth ? 'pass' : 'fail';
  if (truth || site.kind !== 'BUILD_BUG_ON') return out;
  const g = guard();
  if (g?.k === 'dead') {
    out.status = 'unknown';
    out.reason = `false, but in code the compiler removes ('${g.text}' is a constant that skips it)`;
  } else if (g?.k === 'runtime') {
    out.status = 'unknown';
    out.reason = `false, so gcc rejects it wherever this path survives optimization; it is guarded by '${g.text}'${g.reason ? ` (${g.reason})` : ''}`;
  } else if (cls === 'path') {
    out.status = 'unknown';
    out.reason = 'BUILD_BUG(): an error wherever the compiler emits this code; not a property of values';
  }
  return out;
}

/** Parses the condition at `at` (an offset of the unit's text) with the scope there. */
export function readCondition(scopes: UnitScopes, text: string, at: number): { ast: CExpr; ev: TypedEval } {
  const scope = scopes.scopeAt(at);
  const ast = parseExpression(text, scope);
  return { ast, ev: new TypedEval(scopes.table, scope, text) };
}
