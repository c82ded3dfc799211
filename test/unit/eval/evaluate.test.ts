import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, EvalContext, INT, INTMAX, UINTMAX } from '../../../src/engine/eval/evaluate';
import { Expr, IntType } from '../../../src/engine/eval/expr';

const U32: IntType = { bits: 32, signed: false };
const SIZE: IntType = { bits: 64, signed: false };
const n = (v: number | bigint, type: IntType = INT): Expr => ({ k: 'int', value: BigInt(v), type });
const bin = (op: any, left: Expr, right: Expr): Expr => ({ k: 'binary', op, left, right });
const ctx: EvalContext = { sizeType: SIZE };

function value(e: Expr, c: EvalContext = ctx) {
  const r = evaluate(e, c);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r;
}

test('signed/unsigned comparison converts to unsigned (-1 < 0u is false)', () => {
  assert.equal(value(bin('<', n(-1), n(0, U32))).value, 0n);
  assert.equal(value(bin('<', n(-1), n(0))).value, 1n);
});

test('#if arithmetic in uintmax_t wraps: 0 - 1 is the largest value', () => {
  const r = value(bin('-', n(0, UINTMAX), n(1, INTMAX)));
  assert.equal(r.value, (1n << 64n) - 1n);
  assert.equal(r.type.signed, false);
});

test('unsigned int arithmetic wraps at 32 bits, long at 64', () => {
  assert.equal(value(bin('+', n(0xffffffff, U32), n(1))).value, 0n);
  assert.equal(value(bin('+', n(0xffffffffn, SIZE), n(1))).value, 0x100000000n);
});

test('division truncates toward zero; by zero is unknown, not a value', () => {
  assert.equal(value(bin('/', n(-7), n(2))).value, -3n);
  assert.equal(value(bin('%', n(-7), n(2))).value, -1n);
  const r = evaluate(bin('/', n(1), n(0)), ctx);
  assert.equal(r.ok, false);
});

test('shifts: over-wide shift is unknown; shifting an int stays int', () => {
  assert.equal(evaluate(bin('<<', n(1), n(32)), ctx).ok, false);
  assert.equal(value(bin('<<', n(1, INTMAX), n(40))).value, 1n << 40n);
  assert.equal(value(bin('>>', n(-8), n(1))).value, -4n);
});

test('short-circuit: the side C does not evaluate may be unknown', () => {
  const unknown: Expr = { k: 'ident', name: 'NOPE' };
  assert.equal(value(bin('&&', n(0), unknown)).value, 0n);
  assert.equal(value(bin('||', n(1), unknown)).value, 1n);
  assert.equal(evaluate(bin('&&', n(1), unknown), ctx).ok, false);
});

test('ternary takes the common type of both arms', () => {
  const e: Expr = { k: 'cond', test: n(1), then: n(-1), else: n(0, U32) };
  const r = value(e);
  assert.equal(r.value, 0xffffffffn);
});

test('sizeof/offsetof go through the context; subscripts are evaluated first', () => {
  const seen: Array<string | bigint>[] = [];
  const c: EvalContext = {
    sizeType: SIZE,
    sizeof: (t) => ({ ok: true, value: t.text === 'struct page' ? 64n : 0n, type: SIZE }),
    offsetof: (_t, d) => { seen.push(d); return { ok: true, value: 40n, type: SIZE }; },
  };
  const e: Expr = bin('==',
    { k: 'offsetof', type: { text: 'struct page' }, designator: ['a', bin('+', n(1), n(2)), 'c'] },
    bin('-', { k: 'sizeof', type: { text: 'struct page' } }, n(24)));
  assert.equal(value(e, c).value, 1n);
  assert.deepEqual(seen[0], ['a', 3n, 'c']);
});

test('casts convert through the target type; unknown casts say why', () => {
  const c: EvalContext = { sizeType: SIZE, castType: (t) => (t.text === 'unsigned char' ? { bits: 8, signed: false } : { reason: 'no such type' }) };
  assert.equal(value({ k: 'cast', type: { text: 'unsigned char' }, arg: n(0x1ff) }, c).value, 0xffn);
  const r = evaluate({ k: 'cast', type: { text: 'struct x' }, arg: n(1) }, c);
  assert.equal(r.ok, false);
  assert.match((r as any).reason, /no such type/);
});
