// Evaluating static_assert / _Static_assert / BUILD_BUG_ON sites. The project
// finds the sites in the expanded text and turns each condition into an Expr
// that must be non-zero; here each one becomes pass, fail (with both sides'
// values and the terms behind them) or unknown (with the reason). A `fail` is
// only ever produced from values the evaluator is sure of.
import { Expr, EvalResult, TypeRef } from '../eval/expr';
import { evaluate, EvalContext } from '../eval/evaluate';
import { SourcePosition } from './layout-view';

export type AssertKind = 'static_assert' | 'BUILD_BUG_ON';

/** What kind of property an assert states (see checks/typed-asserts.ts). */
export type AssertClass = 'layout' | 'constant' | 'type-check' | 'runtime' | 'path';

export interface AssertSite {
  kind: AssertKind;
  /** where a user sees it: the outermost macro invocation for macro-generated asserts */
  at: SourcePosition;
  /** the macro invocation it came from, when there is one (NET_IOV_ASSERT_OFFSET, FOLIO_MATCH, ...) */
  macro?: { name: string; args: string[] };
  /** the condition as written after expansion, for messages and JSON */
  text: string;
  /** must evaluate non-zero; for BUILD_BUG_ON(c) this is !(c) */
  cond: Expr;
  /** the assert's message string, if any */
  message?: string;
  /** set instead of cond when the site could not be read (half-typed, ERROR node) */
  unreadable?: string;
  /** offsets of the construct and of its condition in the unit's expanded text */
  offset?: number;
  condOffset?: number;
}

/** "NET_IOV_ASSERT_OFFSET(pp, pp)": the macro invocation an assert came from, as written. */
export function macroCall(site: AssertSite): string | undefined {
  return site.macro ? `${site.macro.name}(${site.macro.args.join(', ')})` : undefined;
}

export type AssertStatus = 'pass' | 'fail' | 'unknown';

/** One offsetof/sizeof/_Alignof term met while evaluating, with its value. */
export interface AssertTerm {
  text: string;
  value: string;
}

export interface AssertResult {
  site: AssertSite;
  status: AssertStatus;
  /** for comparisons: the two sides' values (decimal) */
  lhs?: string;
  rhs?: string;
  op?: string;
  terms: AssertTerm[];
  reason?: string;
  /** set by the typed evaluator of a real translation unit */
  class?: AssertClass;
}

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

function typeText(t: TypeRef): string {
  return t.text.replace(/\s+/g, ' ').trim();
}

function designatorText(d: Array<string | bigint>): string {
  let s = '';
  for (const p of d) s += typeof p === 'bigint' ? `[${p}]` : (s ? '.' : '') + p;
  return s;
}

/** Wraps the layout context so every term's value is recorded for the report. */
function recordingContext(ctx: EvalContext, terms: AssertTerm[]): EvalContext {
  const note = (text: string, r: EvalResult) => {
    if (!terms.some((t) => t.text === text)) terms.push({ text, value: r.ok ? r.value.toString() : `unknown (${r.reason})` });
    return r;
  };
  return {
    ...ctx,
    sizeof: ctx.sizeof && ((t) => note(`sizeof(${typeText(t)})`, ctx.sizeof!(t))),
    alignof: ctx.alignof && ((t) => note(`_Alignof(${typeText(t)})`, ctx.alignof!(t))),
    offsetof: ctx.offsetof && ((t, d) => note(`offsetof(${typeText(t)}, ${designatorText(d)})`, ctx.offsetof!(t, d))),
  };
}

/** Comparisons nested in !(...) or parentheses still show their two sides. */
function comparisonOf(e: Expr): { op: string; left: Expr; right: Expr; negated: boolean } | undefined {
  let negated = false;
  while (e.k === 'unary' && e.op === '!') {
    negated = !negated;
    e = e.arg;
  }
  if (e.k === 'binary' && COMPARISONS.has(e.op)) return { op: e.op, left: e.left, right: e.right, negated };
  return undefined;
}

export function evaluateAssert(site: AssertSite, ctx: EvalContext): AssertResult {
  const terms: AssertTerm[] = [];
  if (site.unreadable) return { site, status: 'unknown', terms, reason: site.unreadable };
  const rctx = recordingContext(ctx, terms);
  const result = evaluate(site.cond, rctx);
  const out: AssertResult = { site, status: 'unknown', terms };
  const cmp = comparisonOf(site.cond);
  if (cmp) {
    const l = evaluate(cmp.left, rctx);
    const r = evaluate(cmp.right, rctx);
    out.op = cmp.negated ? `!(${cmp.op})` : cmp.op;
    if (l.ok) out.lhs = l.value.toString();
    if (r.ok) out.rhs = r.value.toString();
  }
  if (!result.ok) {
    out.reason = result.reason;
    return out;
  }
  out.status = result.value !== 0n ? 'pass' : 'fail';
  return out;
}

export function evaluateAsserts(sites: AssertSite[], ctx: EvalContext): AssertResult[] {
  return sites.map((s) => evaluateAssert(s, ctx));
}

export function summarize(results: AssertResult[]): { pass: number; fail: number; unknown: number } {
  const s = { pass: 0, fail: 0, unknown: 0 };
  for (const r of results) s[r.status]++;
  return s;
}
