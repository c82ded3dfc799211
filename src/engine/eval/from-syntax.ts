// tree-sitter nodes → the shared Expr model. Types inside expressions
// (sizeof, casts, offsetof) become TypeRefs carrying their syntax node, which
// the type table resolves. Anything this cannot read becomes `unknown` with
// the text, so a result is never guessed.
import type { Node } from 'web-tree-sitter';
import { BinaryOp, Expr, TypeRef } from './expr';
import { parseCharLiteral, parseIntegerLiteral } from '../preprocess/if-expression';

const BINARY = new Set(['*', '/', '%', '+', '-', '<<', '>>', '<', '>', '<=', '>=', '==', '!=', '&', '^', '|', '&&', '||']);

function typeRef(n: Node): TypeRef {
  return { text: n.text.replace(/\s+/g, ' ').trim(), node: n };
}

/** `longBits`: the target's long (32 on i386/arm), which types literals like ~0UL. */
export function exprFromSyntax(n: Node | null, longBits = 64): Expr {
  const sub = (x: Node | null) => exprFromSyntax(x, longBits);
  if (!n) return { k: 'unknown', reason: 'missing expression' };
  switch (n.type) {
    case 'number_literal': {
      const lit = parseIntegerLiteral(n.text, false, longBits);
      return lit ? { k: 'int', value: lit.value, type: lit.type } : { k: 'unknown', reason: `'${n.text}' is not an integer constant` };
    }
    case 'char_literal': {
      const c = parseCharLiteral(n.text);
      return c ? { k: 'int', value: c.value, type: c.type } : { k: 'unknown', reason: `cannot read ${n.text}` };
    }
    case 'true': return { k: 'int', value: 1n, type: { bits: 32, signed: true } };
    case 'false': return { k: 'int', value: 0n, type: { bits: 32, signed: true } };
    case 'identifier': return { k: 'ident', name: n.text };
    case 'parenthesized_expression': {
      const inner = n.namedChildren.filter((c) => c && c.type !== 'comment');
      return inner.length === 1 ? sub(inner[0]) : { k: 'unknown', reason: `cannot read (${n.text})` };
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.type ?? '';
      if (op === '-' || op === '+' || op === '~' || op === '!') return { k: 'unary', op, arg: sub(n.childForFieldName('argument')) };
      return { k: 'unknown', reason: `unary ${op} is not constant` };
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.type ?? '';
      if (!BINARY.has(op)) return { k: 'unknown', reason: `operator ${op}` };
      return { k: 'binary', op: op as BinaryOp, left: sub(n.childForFieldName('left')), right: sub(n.childForFieldName('right')) };
    }
    case 'comma_expression':
      return { k: 'binary', op: ',', left: sub(n.childForFieldName('left')), right: sub(n.childForFieldName('right')) };
    case 'conditional_expression': {
      // GNU `a ?: b` is `a ? a : b` (a evaluated once; constants have no side effects)
      const test = sub(n.childForFieldName('condition'));
      const then = n.childForFieldName('consequence');
      return { k: 'cond', test, then: then ? sub(then) : test, else: sub(n.childForFieldName('alternative')) };
    }
    case 'cast_expression': {
      const t = n.childForFieldName('type');
      return t ? { k: 'cast', type: typeRef(t), arg: sub(n.childForFieldName('value')) } : { k: 'unknown', reason: `cast ${n.text}` };
    }
    case 'sizeof_expression': {
      const t = n.childForFieldName('type');
      if (t) return { k: 'sizeof', type: typeRef(t) };
      return { k: 'sizeof', expr: sub(n.childForFieldName('value')) };
    }
    case 'alignof_expression': {
      const t = n.childForFieldName('type');
      return t ? { k: 'alignof', type: typeRef(t) } : { k: 'unknown', reason: `cannot read ${n.text}` };
    }
    case 'offsetof_expression': {
      const t = n.childForFieldName('type');
      const m = n.childForFieldName('member');
      // a member chain arrives as one name with `$` for its dots (parse/gnu-extensions.ts)
      return t && m ? { k: 'offsetof', type: typeRef(t), designator: m.text.split('$') } : { k: 'unknown', reason: `cannot read ${n.text}` };
    }
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
      if (fn?.type === 'identifier') return { k: 'call', callee: fn.text, args: args.map((a) => sub(a)) };
      return { k: 'unknown', reason: `call ${n.text.slice(0, 40)}` };
    }
    default:
      return { k: 'unknown', reason: `cannot evaluate '${n.text.replace(/\s+/g, ' ').slice(0, 60)}' (${n.type})` };
  }
}
