// #if / #elif expressions (C11 6.10.1): tokens after macro expansion and the
// replacement of defined/__has_* operators → the shared Expr model, evaluated
// in intmax_t/uintmax_t by eval/evaluate.ts. Identifiers left over become 0.
import { Expr, IntType, BinaryOp } from '../eval/expr';
import { Token, TokKind } from './lexer';

const INTMAX: IntType = { bits: 64, signed: true };
const UINTMAX: IntType = { bits: 64, signed: false };

type Literal = { readonly value: bigint; readonly type: IntType } | undefined;
/** by width and text: a unit's #if lines and asserts read the same few hundred literals ~10^5 times */
const literals = new Map<string, Literal>();

/** A pp-number or character constant → its value and type; #if widens every integer to intmax/uintmax. The answer is shared: read it, do not change it. */
export function parseIntegerLiteral(text: string, wide = true, longBits = 64): Literal {
  const key = `${wide ? 0 : longBits}:${text}`;
  let lit = literals.get(key);
  if (lit === undefined && !literals.has(key)) {
    if (literals.size >= 1 << 16) literals.clear();
    literals.set(key, (lit = readIntegerLiteral(text, wide, longBits)));
  }
  return lit;
}

function readIntegerLiteral(text: string, wide: boolean, longBits: number): Literal {
  const m = /^(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)([uUlL]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[1].replace(/'/g, '');
  let value: bigint;
  if (/^0[bB]/.test(digits)) value = BigInt(digits);
  else if (/^0[xX]/.test(digits)) value = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt('0o' + digits.slice(1));
  else value = BigInt(digits);
  const suffix = m[2].toLowerCase();
  if (!/^(u?l{0,2}|l{1,2}u)$/.test(suffix)) return undefined;
  const unsignedSuffix = suffix.includes('u');
  const longs = (suffix.match(/l/g) ?? []).length;
  const decimal = !/^0/.test(digits) || digits === '0';
  if (wide) {
    const unsigned = unsignedSuffix || (value > 0x7fffffffffffffffn && !decimal) || value > 0x7fffffffffffffffn;
    return { value: BigInt.asUintN(64, value), type: unsigned ? UINTMAX : INTMAX };
  }
  // C11 6.4.4.1: the first type of the list that can represent the value (LP64).
  const fits = (bits: number, signed: boolean) => value <= (signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n);
  const cands: IntType[] = [];
  const add = (bits: number, signed: boolean) => cands.push({ bits, signed });
  if (longs === 0) { if (!unsignedSuffix) add(32, true); if (unsignedSuffix || !decimal) add(32, false); }
  if (longs <= 1) { if (!unsignedSuffix) add(longBits, true); if (unsignedSuffix || !decimal) add(longBits, false); }
  if (!unsignedSuffix) add(64, true);
  add(64, false);
  const t = cands.find((c) => fits(c.bits, c.signed)) ?? UINTMAX;
  return { value, type: t };
}

export function parseCharLiteral(text: string): { value: bigint; type: IntType } | undefined {
  const m = /^(L|u|U|u8)?'(.*)'$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let v: number;
  if (body[0] !== '\\') v = body.codePointAt(0) ?? 0;
  else {
    const e = body.slice(1);
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63, e: 27 };
    if (/^[0-7]{1,3}$/.test(e)) v = parseInt(e, 8);
    else if (/^x[0-9a-fA-F]+$/.test(e)) v = parseInt(e.slice(1), 16);
    else if (e in simple) v = simple[e];
    else return undefined;
  }
  // Plain char is signed on x86: '\xff' is -1.
  if (!m[1] && v > 127 && v < 256) v -= 256;
  return { value: BigInt(v), type: { bits: 32, signed: true } };
}

const BINARY: Array<[number, string[]]> = [
  [1, ['||']], [2, ['&&']], [3, ['|']], [4, ['^']], [5, ['&']], [6, ['==', '!=']],
  [7, ['<', '>', '<=', '>=']], [8, ['<<', '>>']], [9, ['+', '-']], [10, ['*', '/', '%']],
];
const PREC = new Map<string, number>();
for (const [p, ops] of BINARY) for (const o of ops) PREC.set(o, p);

export class IfExpressionError extends Error {}

/** Tokens (no newlines) → Expr. Leftover identifiers are 0, as C11 6.10.1p4 says. */
export function parseIfExpression(tokens: Token[]): Expr {
  let i = 0;
  const peek = () => tokens[i];
  const fail = (msg: string): never => { throw new IfExpressionError(msg); };
  const primary = (): Expr => {
    const t = tokens[i++];
    if (!t) return fail('expected a value, found end of line');
    if (t.kind === TokKind.Number) {
      const lit = parseIntegerLiteral(t.text);
      if (!lit) return fail(`'${t.text}' is not an integer constant`);
      return { k: 'int', value: lit.value, type: lit.type };
    }
    if (t.kind === TokKind.Char) {
      const c = parseCharLiteral(t.text);
      if (!c) return fail(`cannot read character constant ${t.text}`);
      return { k: 'int', value: c.value, type: INTMAX };
    }
    if (t.kind === TokKind.Ident) return { k: 'int', value: 0n, type: INTMAX };
    if (t.text === '(') {
      const e = comma();
      if (tokens[i]?.text !== ')') fail("missing ')' in #if expression");
      i++;
      return e;
    }
    if (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!') {
      return { k: 'unary', op: t.text, arg: primary() };
    }
    return fail(`unexpected '${t.text}' in #if expression`);
  };
  const binary = (minPrec: number): Expr => {
    let left = primary();
    for (;;) {
      const t = peek();
      const p = t && t.kind === TokKind.Punct ? PREC.get(t.text) : undefined;
      if (p === undefined || p < minPrec) return left;
      i++;
      const right = binary(p + 1);
      left = { k: 'binary', op: t.text as BinaryOp, left, right };
    }
  };
  const conditional = (): Expr => {
    const test = binary(1);
    if (peek()?.text !== '?') return test;
    i++;
    const then = comma();
    if (peek()?.text !== ':') fail("expected ':' in #if expression");
    i++;
    return { k: 'cond', test, then, else: conditional() };
  };
  const comma = (): Expr => {
    let e = conditional();
    while (peek()?.text === ',') { i++; e = { k: 'binary', op: ',', left: e, right: conditional() }; }
    return e;
  };
  if (tokens.length === 0) fail('#if with no expression');
  const e = comma();
  if (i < tokens.length) fail(`unexpected '${tokens[i].text}' after #if expression`);
  return e;
}
