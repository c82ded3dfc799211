// Integer constant expressions with C semantics (C11 6.3.1, 6.5, 6.6): integer
// promotions, the usual arithmetic conversions, unsigned wrap-around, and the
// undefined cases (division by zero, over-wide shifts) reported as unknown
// rather than guessed. The same evaluator decides #if lines, array bounds,
// aligned(N) arguments, enumerators and static_assert conditions.
import { Expr, EvalResult, IntType, TypeRef } from './expr';

export const INT: IntType = { bits: 32, signed: true };
/** #if arithmetic is done in intmax_t / uintmax_t (C11 6.10.1p4). */
export const INTMAX: IntType = { bits: 64, signed: true };
export const UINTMAX: IntType = { bits: 64, signed: false };

export interface EvalContext {
  /** The type of sizeof, _Alignof and offsetof results (size_t of the target). */
  sizeType: IntType;
  /** Identifiers: enumerators, or (in #if) the 0 that every remaining identifier becomes. */
  identifier?(name: string): EvalResult | undefined;
  defined?(name: string): boolean;
  sizeof?(t: TypeRef): EvalResult;
  sizeofExpr?(e: Expr): EvalResult;
  alignof?(t: TypeRef): EvalResult;
  alignofExpr?(e: Expr): EvalResult;
  /** Designator parts are member names or already-evaluated subscripts. */
  offsetof?(t: TypeRef, designator: Array<string | bigint>): EvalResult;
  /** The integer type a cast converts to; a pointer cast answers the target's uintptr type. */
  castType?(t: TypeRef): IntType | { reason: string };
  /** __has_attribute, __builtin_constant_p, ...: undefined when the callee is not known. */
  call?(callee: string, args: Expr[], evaluate: (e: Expr) => EvalResult): EvalResult | undefined;
}

export function wrap(value: bigint, type: IntType): bigint {
  return type.signed ? BigInt.asIntN(type.bits, value) : BigInt.asUintN(type.bits, value);
}

export function intResult(value: bigint, type: IntType): EvalResult {
  return { ok: true, value: wrap(value, type), type };
}

function fail(reason: string): EvalResult {
  return { ok: false, reason };
}

/** C11 6.3.1.1: types narrower than int are promoted to int. */
function promote(t: IntType): IntType {
  return t.bits < INT.bits ? INT : t;
}

/** C11 6.3.1.8, with rank approximated by width (long and long long are one width on LP64). */
export function commonType(a: IntType, b: IntType): IntType {
  a = promote(a);
  b = promote(b);
  if (a.signed === b.signed) return a.bits >= b.bits ? a : b;
  const [s, u] = a.signed ? [a, b] : [b, a];
  if (u.bits >= s.bits) return u;
  return s; // the signed type is wider, so it represents every value of the unsigned one
}

export function evaluate(e: Expr, ctx: EvalContext): EvalResult {
  const ev = (x: Expr) => evaluate(x, ctx);
  switch (e.k) {
    case 'int':
      return intResult(e.value, e.type);
    case 'ident': {
      const r = ctx.identifier?.(e.name);
      return r ?? fail(`'${e.name}' is not a known constant`);
    }
    case 'defined':
      if (!ctx.defined) return fail('defined() outside #if');
      return intResult(ctx.defined(e.name) ? 1n : 0n, INT);
    case 'unknown':
      return fail(e.reason);
    case 'unary': {
      const a = ev(e.arg);
      if (!a.ok) return a;
      const t = promote(a.type);
      switch (e.op) {
        case '+': return intResult(a.value, t);
        case '-': return intResult(-a.value, t);
        case '~': return intResult(~a.value, t);
        case '!': return intResult(a.value === 0n ? 1n : 0n, INT);
      }
      break;
    }
    case 'binary':
      return binary(e.op, e.left, e.right, ctx);
    case 'cond': {
      const c = ev(e.test);
      if (!c.ok) return c;
      const chosen = ev(c.value !== 0n ? e.then : e.else);
      if (!chosen.ok) return chosen;
      // The result has the common type of both arms, even the one not taken.
      const other = ev(c.value !== 0n ? e.else : e.then);
      const t = other.ok ? commonType(chosen.type, other.type) : promote(chosen.type);
      return intResult(chosen.value, t);
    }
    case 'cast': {
      const a = ev(e.arg);
      if (!a.ok) return a;
      const t = ctx.castType?.(e.type);
      if (!t) return fail(`cannot evaluate a cast to '${e.type.text}'`);
      if ('reason' in t) return fail(t.reason);
      if (t.bits === 1 && !t.signed) return intResult(a.value !== 0n ? 1n : 0n, t); // _Bool
      return intResult(a.value, t);
    }
    case 'sizeof':
      if (e.type) return ctx.sizeof ? ctx.sizeof(e.type) : fail('sizeof is not available here');
      if (e.expr) return ctx.sizeofExpr ? ctx.sizeofExpr(e.expr) : fail('sizeof of an expression is not available here');
      return fail('empty sizeof');
    case 'alignof':
      if (e.type) return ctx.alignof ? ctx.alignof(e.type) : fail('_Alignof is not available here');
      if (e.expr) return ctx.alignofExpr ? ctx.alignofExpr(e.expr) : fail('__alignof__ of an expression is not available here');
      return fail('empty _Alignof');
    case 'offsetof': {
      if (!ctx.offsetof) return fail('offsetof is not available here');
      const parts: Array<string | bigint> = [];
      for (const d of e.designator) {
        if (typeof d === 'string') { parts.push(d); continue; }
        const i = ev(d);
        if (!i.ok) return i;
        parts.push(i.value);
      }
      return ctx.offsetof(e.type, parts);
    }
    case 'call': {
      const r = ctx.call?.(e.callee, e.args, ev);
      return r ?? fail(`'${e.callee}(...)' cannot be evaluated at compile time here`);
    }
  }
  return fail('unsupported expression');
}

function truth(r: EvalResult & { ok: true }): boolean {
  return r.value !== 0n;
}

function binary(op: string, l: Expr, r: Expr, ctx: EvalContext): EvalResult {
  // Short-circuit operators must not fail on the side C never evaluates.
  if (op === '&&' || op === '||') {
    const a = evaluate(l, ctx);
    if (!a.ok) {
      // 0 && unknown and 1 || unknown are still decided by the right side alone.
      const b = evaluate(r, ctx);
      if (b.ok && (op === '&&' ? !truth(b) : truth(b))) return intResult(op === '||' ? 1n : 0n, INT);
      return a;
    }
    if (op === '&&' && !truth(a)) return intResult(0n, INT);
    if (op === '||' && truth(a)) return intResult(1n, INT);
    const b = evaluate(r, ctx);
    if (!b.ok) return b;
    return intResult(truth(b) ? 1n : 0n, INT);
  }
  const a = evaluate(l, ctx);
  if (!a.ok) return a;
  const b = evaluate(r, ctx);
  if (!b.ok) return b;
  if (op === ',') return b;
  if (op === '<<' || op === '>>') {
    const t = promote(a.type);
    if (b.value < 0n || b.value >= BigInt(t.bits)) {
      return fail(`shift by ${b.value} is undefined for a ${t.bits}-bit operand`);
    }
    const v = wrap(a.value, t);
    if (op === '>>') return intResult(v >> b.value, t); // arithmetic for signed, as GCC does
    return intResult(v << b.value, t);
  }
  const t = commonType(a.type, b.type);
  const x = wrap(a.value, t);
  const y = wrap(b.value, t);
  switch (op) {
    case '*': return intResult(x * y, t);
    case '/':
      if (y === 0n) return fail('division by zero');
      return intResult(x / y, t); // BigInt division truncates toward zero, as C does
    case '%':
      if (y === 0n) return fail('remainder by zero');
      return intResult(x % y, t);
    case '+': return intResult(x + y, t);
    case '-': return intResult(x - y, t);
    case '<': return intResult(x < y ? 1n : 0n, INT);
    case '>': return intResult(x > y ? 1n : 0n, INT);
    case '<=': return intResult(x <= y ? 1n : 0n, INT);
    case '>=': return intResult(x >= y ? 1n : 0n, INT);
    case '==': return intResult(x === y ? 1n : 0n, INT);
    case '!=': return intResult(x !== y ? 1n : 0n, INT);
    case '&': return intResult(x & y, t);
    case '^': return intResult(x ^ y, t);
    case '|': return intResult(x | y, t);
  }
  return fail(`unsupported operator '${op}'`);
}
