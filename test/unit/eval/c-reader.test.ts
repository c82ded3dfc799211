// The reader of assert conditions and declarations: tree-sitter-c's trees
// turned into eval/c-expr.ts's model, with what only the unit's typedef
// names decide rebuilt (casts against calls and binary operators, sizeof of
// a type), the GNU forms cut out before parsing read back (typeof,
// offsetof designators, __builtin_types_compatible_p, _Generic's default),
// and a function's locals and changed names found in its tree.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { CParser } from '../../../src/engine/parse/c-parser';
import { CExpr, Stmt, TypeName } from '../../../src/engine/eval/c-expr';
import { parseDeclaration, parseExpression, parseTypeName, readFunction } from '../../../src/engine/eval/c-reader';
import { visiblePart } from '../../../src/engine/checks/unit-scope';

before(async () => { await CParser.create(); });

const TYPES = new Set(['T', 'u8', 'u32', 'size_t']);
const names = { isTypeName: (n: string) => TYPES.has(n) };

/** A type as C would spell it abstractly: `u8[4]`, `struct s*`, `typeof(x)`. */
function ty(t: TypeName): string {
  const s = t.spec;
  const base = s.k === 'words' ? s.words.join(' ') : s.k === 'typedef' ? s.name : s.k === 'tag' ? `${s.tag} ${s.name ?? '{…}'}` : s.k === 'auto' ? '__auto_type'
    : `typeof(${s.type ? ty(s.type) : sx(s.expr!)})`;
  return base + t.ops.map((o) => (o.k === 'ptr' ? '*' : o.k === 'array' ? `[${o.size ? sx(o.size) : ''}]` : `(${o.params.map(ty).join(', ')})`)).join('');
}

function st(s: Stmt): string {
  switch (s.k) {
    case 'decl': return `decl ${s.decl.items.map((i) => `${i.name}: ${ty(i.type)}${i.init?.k === 'expr' ? ` = ${sx(i.init.e)}` : ''}`).join(', ')};`;
    case 'expr': return `${sx(s.e)};`;
    case 'static_assert': return `static_assert ${sx(s.cond)};`;
    case 'other': return `${s.what};`;
    default: return `${s.k};`;
  }
}

/** The tree as an S-expression. */
function sx(e: CExpr): string {
  switch (e.k) {
    case 'num': case 'chr': return e.text;
    case 'str': return e.parts.join(' ');
    case 'id': return e.name;
    case 'unary': return `(${e.op} ${sx(e.arg)})`;
    case 'postfix': return `(post${e.op} ${sx(e.arg)})`;
    case 'binary': case 'assign': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'cond': return `(? ${sx(e.test)} ${e.then ? sx(e.then) : ''} ${sx(e.else)})`;
    case 'cast': return `(cast ${ty(e.type)} ${sx(e.arg)})`;
    case 'compound': return `(compound ${ty(e.type)})`;
    case 'sizeof': case 'alignof': return e.type ? `(${e.k} type ${ty(e.type)})` : `(${e.k} ${sx(e.arg!)})`;
    case 'offsetof': return `(offsetof ${ty(e.type)} ${e.desig.map((d) => (typeof d === 'string' ? d : `[${sx(d)}]`)).join(' ')})`;
    case 'compat': return `(compat ${ty(e.a)} ${ty(e.b)})`;
    case 'call': return `(call ${[e.fn, ...e.args].map(sx).join(' ')})`;
    case 'member': return `(${e.arrow ? '->' : '.'} ${sx(e.obj)} ${e.name})`;
    case 'index': return `(index ${sx(e.obj)} ${sx(e.index)})`;
    case 'stmt': return `({ ${e.body.map(st).join(' ')} })`;
    case 'generic': return `(generic ${sx(e.ctrl)} ${e.assocs.map((a) => `${a.type ? ty(a.type) : 'default'}: ${sx(a.expr)}`).join(', ')})`;
    case 'bad': return `(bad ${e.reason})`;
  }
}

const read = (text: string) => sx(parseExpression(text, names));

test('a parenthesized typedef name is a cast; a parenthesized variable is an operand', () => {
  // the grammar reads `(T)(x)` as a call and `(T)-1`, `(T)*p`, `(T)&x` as binary expressions
  assert.equal(read('(T)(x)'), '(cast T x)');
  assert.equal(read('(f)(x)'), '(call f x)');
  assert.equal(read('(T)-1'), '(cast T (- 1))');
  assert.equal(read('(T)*p'), '(cast T (* p))');
  assert.equal(read('(T)&x'), '(cast T (& x))');
  assert.equal(read('(T)+x'), '(cast T (+ x))');
  assert.equal(read('(T)~x'), '(cast T (~ x))');
  // and `(n)-1` as a cast of -1
  assert.equal(read('(n)-1'), '(- n 1)');
  assert.equal(read('(n) * p'), '(* n p)');
  assert.equal(read('(n)&x'), '(& n x)');
});

test('rebuilt casts keep C precedence', () => {
  assert.equal(read('(T)-1 * 2'), '(* (cast T (- 1)) 2)');
  assert.equal(read('(T) - x * 2'), '(* (cast T (- x)) 2)');
  assert.equal(read('a + (n)-1 * 2'), '(- (+ a n) (* 1 2))');
  assert.equal(read('(n)-1 << 3 | 1'), '(| (<< (- n 1) 3) 1)');
  assert.equal(read('(u8)-(u32)-1'), '(cast u8 (- (cast u32 (- 1))))');
  assert.equal(read('!(T)-1 && x'), '(&& (! (cast T (- 1))) x)');
  // a cast takes the whole postfix chain after it
  assert.equal(read('(T)(x)[1] + 2'), '(+ (cast T (index x 1)) 2)');
  assert.equal(read('(T)(p)->f'), '(cast T (-> p f))');
});

test('a local of a statement expression shadows a typedef name of the same spelling', () => {
  assert.equal(read('({ T x = 1; (T)-1; })'), '({ decl x: T = 1; (cast T (- 1)); })');
  assert.equal(read('({ int T = 1; (T)-1; })'), '({ decl T: int = 1; (- T 1); })');
});

test('sizeof of a type the grammar read as an expression', () => {
  assert.equal(read('sizeof(T)'), '(sizeof type T)');
  assert.equal(read('sizeof(x)'), '(sizeof x)');
  assert.equal(read('sizeof(u8[4])'), '(sizeof type u8[4])');
  assert.equal(read('sizeof(struct s *)'), '(sizeof type struct s*)');
  assert.equal(read('sizeof (x) - 1'), '(- (sizeof x) 1)');
  assert.equal(read('sizeof(T) * 2'), '(* (sizeof type T) 2)');
  assert.equal(read('sizeof(struct { int:(-!!(e)); })'), '(sizeof type struct {…})');
});

test('typeof is cut out before parsing and read back as a type or an expression', () => {
  assert.equal(read('(typeof(x))-1'), '(cast typeof(x) (- 1))');
  assert.equal(read('(typeof(*p) *)0'), '(cast typeof((* p))* 0)');
  assert.equal(read('sizeof(__typeof__(u8))'), '(sizeof type typeof(u8))');
  assert.equal(read('(typeof(typeof(x) *))y'), '(cast typeof(typeof(x)*) y)');
  assert.equal(read('__alignof__(*p) + _Alignof(struct s)'), '(+ (alignof (* p)) (alignof type struct s))');
  // offsets are the original text's, operands included
  const text = 'sizeof(typeof(abc + 1))';
  const e = parseExpression(text, names);
  assert.ok(e.k === 'sizeof' && e.type?.spec.k === 'typeof' && e.type.spec.expr);
  const inner = e.type.spec.expr;
  assert.equal(text.slice(inner.at, inner.end), 'abc + 1');
});

test('offsetof designators, type compatibility and _Generic', () => {
  assert.equal(read('__builtin_offsetof(struct s, a.b[2 + 1].c)'), '(offsetof struct s a b [(+ 2 1)] c)');
  assert.equal(read('__builtin_offsetof(typeof(*p), in)'), '(offsetof typeof((* p)) in)');
  assert.equal(read('__builtin_types_compatible_p(typeof(a), int (struct s *, int))'), '(compat typeof(a) int(struct s*, int))');
  assert.equal(read('__builtin_types_compatible_p(u8[4], typeof(&x[0]))'), '(compat u8[4] typeof((& (index x 0))))');
  assert.equal(read('_Generic((char)0, char: 1, u8 *: 2, default: 3)'), '(generic (cast char 0) char: 1, u8*: 2, default: 3)');
  // a message string that spells a GNU form stays a string
  assert.equal(read('({ _Static_assert(x, "typeof(y) offsetof(a, b"); 1; })'), '({ static_assert x; 1; })');
});

test('statement expressions: declarations, `a * b;`, asm, control flow', () => {
  assert.equal(read('({ typeof(x) __x = (x); typeof(y) __y = (y); __x < __y ? __x : __y; })'),
    '({ decl __x: typeof(x) = x; decl __y: typeof(y) = y; (? (< __x __y) __x __y); })');
  // with no type `a`, `a * b;` is the product the grammar took for a declaration
  assert.equal(read('({ a * b; })'), '({ (* a b); })');
  assert.equal(read('({ T * b; 0; })'), '({ decl b: T*; 0; })');
  assert.equal(read('({ int r; asm("" : "=r"(r)); r; })'), '({ decl r: int; asm; r; })');
  assert.equal(read('({ int r = 0; if (x) r = 1; else r = 2; do { r++; } while (0); for (;;) ; r; })'),
    '({ decl r: int = 0; if; do; for; r; })');
});

test('bad input is `bad` with the reason, never a guess', () => {
  for (const text of ['sizeof(struct s) >', '(T)', 'a b', '((x)', '']) {
    const e = parseExpression(text, names);
    assert.equal(e.k, 'bad', `${text}: ${sx(e)}`);
    assert.ok(e.k === 'bad' && e.reason.length > 0);
  }
});

test('the same text reads differently where a name is a type and where it is not', () => {
  assert.equal(sx(parseExpression('(V)-1', { isTypeName: (n) => n === 'V' })), '(cast V (- 1))');
  assert.equal(sx(parseExpression('(V)-1', { isTypeName: () => false })), '(- V 1)');
  assert.equal(sx(parseExpression('(V)-1', { isTypeName: (n) => n === 'V' })), '(cast V (- 1))');
});

test('declarations and type names', () => {
  const d = parseDeclaration('static const char *const names[] = { [0] = "a", [2 ... 4] = "e", .x = 1 };', names)!;
  assert.deepEqual(d.storage, ['static', 'const']);
  assert.equal(ty(d.items[0].type), 'char*[]');
  const init = d.items[0].init!;
  assert.ok(init.k === 'list');
  assert.deepEqual(init.items.map((i) => [i.index && sx(i.index), i.rangeEnd && sx(i.rangeEnd), i.field]), [['0', undefined, undefined], ['2', '4', undefined], [undefined, undefined, 'x']]);
  const t = parseDeclaration('typedef int (*handler_t)(struct outer *, int);', names)!;
  assert.deepEqual([t.storage, t.items[0].name, ty(t.items[0].type)], [['typedef'], 'handler_t', 'int(struct outer*, int)*']);
  assert.equal(ty(parseDeclaration('extern typeof(x) y[3];', names)!.items[0].type), 'typeof(x)[3]');
  assert.equal(ty(parseDeclaration('int (*a[2])[3];', names)!.items[0].type), 'int[3]*[2]');
  assert.equal(ty(parseDeclaration('typedef __signed__ char __s8;', names)!.items[0].type), 'signed char');
  // a declaration of a type name nobody declared is not read as one
  assert.equal(parseDeclaration('foo_t x;', names), undefined);
  assert.equal(ty(parseTypeName('unsigned long (*)[4]', names)!), 'unsigned long[4]*');
});

test('a function: parameters, locals with their blocks, and the names it changes', () => {
  const text = `static int f(struct s *p, int n)
{
	typeof(*p) *q = p;
	const int k = 3;
	int m = 4, a[2];
	struct s v;
	m++;
	v.x = 1;
	p->y = 2;
	a[1] = 5;
	g(&n);
	{ int inner = k; }
	(void)({ __auto_type t = 2; t; });
	asm volatile("" : "=r"(k) : "r"(m));
	return ({ int w = 1; w; });
}`;
  const f = readFunction(text, names)!;
  assert.deepEqual(f.params.map((p) => [p.name, ty(p.type)]), [['p', 'struct s*'], ['n', 'int']]);
  // each local is read from its own declaration when it is needed
  const typeOf = (l: (typeof f.locals)[number]) => ty(parseDeclaration(text.slice(l.decl[0], l.decl[1]), names)!.items[l.index].type);
  assert.deepEqual(f.locals.map((l) => [l.name, typeOf(l), l.keeps]),
    [['q', 'typeof((* p))*', false], ['k', 'int', true], ['m', 'int', false], ['a', 'int[2]', false], ['v', 'struct s', false], ['inner', 'int', false], ['t', '__auto_type', false], ['w', 'int', false]]);
  // each local is visible from its declarator up to the brace that closes its block
  const inner = f.locals.find((l) => l.name === 'inner')!;
  assert.equal(text[inner.end], '}');
  assert.ok(text.slice(inner.at, inner.end).startsWith('inner = k; '));
  assert.equal(text.slice(f.locals[0].at, f.locals[0].at + 2), '*q');
  assert.deepEqual([...f.modified].sort(), ['k', 'm', 'n', 'v']);
});

test('readFunction: a function read again (the next keystroke\'s check) is the reading before only where the typedef names agree', () => {
  const text = 'void f(void)\n{\n\tT * x;\n\tBUILD_BUG_ON(sizeof(x) != 8);\n}';
  const asType = readFunction(text, { isTypeName: (n) => n === 'T' })!;
  assert.deepEqual(asType.locals.map((l) => l.name), ['x']);
  // the same text where T names no type: `T * x;` is a multiplication, no local is declared
  const asProduct = readFunction(text, { isTypeName: () => false })!;
  assert.deepEqual(asProduct.locals.map((l) => l.name), []);
  assert.equal(readFunction(text, { isTypeName: (n) => n === 'T' }), asType);
});

test('visiblePart: the part of a function read for lookups at its asserts declares, at each of them and wherever it says it answers, exactly what the whole function does', () => {
  const text = `static int f(struct s *p, int n)
{
	static union { char d[4]; struct { int a; } b; } data;
	u32 q = 1, r;
	g(q);
	if (n) { int early = 2; early++; } else { int other; other = 1; }
	for (int i = 0; i < n; i++) { q += i; }
	struct s v = { .a = 1 }, w = 2;
	T * x;
	if (n > 1) {
		int k;
		{ int closed; closed = 0; }
		do { int z; if (!(sizeof(p->a) == 8)) h(); } while (0);
		do { extern void __compiletime_assert_7(void); if (!(!(sizeof(*x) != 4))) __compiletime_assert_7(); } while (0);
		u32 once = (*(const volatile typeof(_Generic((q), char: (char)0, unsigned int: (unsigned int)0, default: (q))) *)&(q));
		x = ({ int in = 3; BUILD_BUG_ON(sizeof(in) != 4); in; });
		T *y = ({ void *__mptr = (void *)(x); _Static_assert(__builtin_types_compatible_p(typeof(*(x)), typeof(((T *)0)->m)) || 0, "pointer type mismatch"); ((T *)(__mptr - 8)); });
		{ _Static_assert(({ int sneaky = 1; sneaky; }), "declares"); }
		{ int later; later = k; }
	}
	do { if (!(sizeof(data) == 4)) h(); } while (0);
	r = ({ int tail = 4; tail; });
	return q;
}`;
  const places = ['sizeof(p->a)', 'sizeof(*x) != 4', 'unsigned int: (unsigned int)0', 'BUILD_BUG_ON(sizeof(in)', '__builtin_types_compatible_p(typeof(*(x))', 'sneaky;', 'sizeof(data)'].map((s) => text.indexOf(s));
  const part = visiblePart(text, places, (x) => TYPES.has(x))!;
  assert.ok(part.text.length < text.length * 0.6, `the part keeps ${part.text.length} of ${text.length} characters`);
  // container_of's static assert, BUILD_BUG_ON's if and READ_ONCE's _Generic associations are cut, places and all;
  // a static assert holding a statement expression may declare, and stays, as does an if that is not compiletime_assert's
  for (const gone of ['early', 'other', 'closed', 'later', 'tail', 'g(q)', 'q += i', 'pointer type mismatch', 'sizeof(*x) != 4', 'char: (char)0']) assert.ok(!part.text.includes(gone), `${gone} is cut`);
  for (const kept of ['__mptr', 'sneaky', '"declares"', 'sizeof(p->a)', 'extern void __compiletime_assert_7', 'u32 once', '_Generic((q),default: (q))']) assert.ok(part.text.includes(kept), `${kept} is kept`);
  const whole = readFunction(text, names)!, read = readFunction(part.text, names)!;
  assert.deepEqual(read.params.map((x) => x.name), whole.params.map((x) => x.name));
  // the locals visible at an offset as UnitScopes.localAt sees them: after the declarator, before the block's `}`
  const visible = (f: typeof whole, map: (x: number) => number, at: number) => f.locals.filter((l) => map(l.at) < at && at < map(l.end)).map((l) => [l.name, text.slice(map(l.decl[0]), map(l.decl[1] - 1) + 1)]);
  const checked = [];
  for (let at = 0; at < text.length; at++) {
    if (!part.answers(at)) continue;
    checked.push(at);
    assert.deepEqual(visible(read, part.original, at), visible(whole, (x) => x, at), `at ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
  }
  for (const at of places) assert.ok(part.answers(at), `answers at ${JSON.stringify(text.slice(at, at + 16))}`);
  assert.ok(!part.answers(text.indexOf('closed = 0')) && !part.answers(text.indexOf('tail')), 'an emptied block or the cut tail is not answered for');
  assert.ok(checked.length > 150, `answers at ${checked.length} offsets`);
  // no place inside the body: nothing to cut for
  assert.equal(visiblePart(text, [text.indexOf('int n')], (x) => TYPES.has(x)), undefined);
});
