import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Preprocessor, PreprocessOptions } from '../../../src/engine/preprocess/preprocessor';

function pp(files: Record<string, string>, opts: Partial<PreprocessOptions> = {}, main = '/main.c') {
  const o: PreprocessOptions = {
    includeDirs: ['/inc'], implicitIncludes: [], defines: new Map(), fileSystem: { read: (f) => files[f] }, ...opts,
  };
  return new Preprocessor(o, main).run({ path: main });
}
import { lex, TokKind } from '../../../src/engine/preprocess/lexer';
// Compare token sequences: whitespace between tokens is not part of the answer.
const toks = (s: string) => lex(s, 0).tokens.filter((t) => t.kind !== TokKind.Newline).map((t) => t.text).join(' ');
const out = (src: string, opts?: Partial<PreprocessOptions>) => toks(pp({ '/main.c': src }, opts).text);

test('C11 6.10.3.5 example 3: rescanning, hide sets, # and ##', () => {
  const src = `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`;
  assert.equal(out(src), toks(`f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };`));
});

test('C11 6.10.3.5 example 4: stringification and token pasting', () => {
  const src = `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away
 == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
`;
  assert.equal(out(src), toks(`printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\\"abc\\\\0d\\", \\"abc\\", '\\\\4') == 0" ": @\\n", s);
"vers2.h"
"hello";
"hello" ", world"`));
});

test('variadic macros, GNU , ## __VA_ARGS__ and __VA_OPT__', () => {
  const src = `#define e(fmt, ...) f(fmt, ## __VA_ARGS__)
#define o(a, ...) g(a __VA_OPT__(,) __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
e("a") e("a", 1, 2) o(1) o(1, 2, 3) showlist(The first, second, and third items.);
`;
  assert.equal(out(src), toks(`f("a") f("a", 1, 2) g(1 ) g(1 , 2, 3) puts("The first, second, and third items.");`));
});

test('#if arithmetic, defined, __has_attribute, #elif chains, unsigned wrap', () => {
  const src = `#define A 1
#if defined(A) && !defined B && (-1 < 0u) == 0 && 0x10 == 16 && (1 ? 2 : 3) == 2
yes1
#endif
#if __has_attribute(__packed__) && !__has_attribute(__nonsense__)
yes2
#elif 1
no2
#endif
#ifdef B
no3
#elifndef B
yes3
#endif
#if UNDEFINED_NAME + 0 == 0
yes4
#endif
`;
  assert.equal(out(src, { hasAttribute: (n) => (n === '__packed__' ? 1 : 0) }), 'yes1 yes2 yes3 yes4');
});

test('includes: quotes, angles, include_next, guards and pragma once, computed names', () => {
  const files = {
    '/main.c': '#include "a.h"\n#include "a.h"\n#include <b.h>\n#define HDR <c.h>\n#include HDR\n#include "once.h"\n#include "once.h"\nend\n',
    '/a.h': '#ifndef A_H\n#define A_H\na_body\n#endif\n',
    '/inc/b.h': 'b1\n#include_next <b.h>\n',
    '/inc2/b.h': 'b2\n',
    '/inc/c.h': 'c\n',
    '/inc/once.h': '#pragma once\nonce\n',
  };
  const r = pp(files, { includeDirs: ['/inc', '/inc2'] });
  assert.equal(toks(r.text), 'a_body b1 b2 c once end');
  assert.deepEqual(r.includedFiles, ['/main.c', '/a.h', '/inc/b.h', '/inc2/b.h', '/inc/c.h', '/inc/once.h']);
  assert.ok(r.includes.some((e) => e.from === '/inc/b.h' && e.to === '/inc2/b.h'));
});

test('origins: macro-produced tokens report the outermost invocation; arguments their own line', () => {
  const src = `#define CHECK(a, b) static_assert(offsetof(struct page, a) == offsetof(struct net_iov, b))
#define WRAP(x) x
int before;
WRAP(CHECK(pp,
           dma_addr));
`;
  const r = pp({ '/main.c': src });
  const at = r.text.indexOf('static_assert');
  const o = r.originAt(at)!;
  assert.equal(o.line, 4);
  assert.equal(o.macro?.name, 'WRAP');
  assert.deepEqual(r.userPosition(at)?.line, 4);
  const arg = r.originAt(r.text.indexOf('dma_addr'))!;
  assert.equal(arg.line, 5);
  assert.equal(arg.macro?.name, 'WRAP');
  assert.deepEqual(arg.macro?.args(), ['CHECK(pp, dma_addr)']);
});

test('macro table: values and expansion after the run', () => {
  const r = pp({ '/main.c': '#define PAGE_SHIFT 12\n#define PAGE_SIZE (1UL << PAGE_SHIFT)\n#define NET_IOV 0x01UL\n#define F(x) x\n' });
  assert.deepEqual(r.macroValue('PAGE_SIZE'), { value: 4096n });
  assert.deepEqual(r.macroValue('NET_IOV'), { value: 1n });
  assert.match((r.macroValue('F') as { reason: string }).reason, /function-like/);
  assert.match((r.macroValue('NOPE') as { reason: string }).reason, /not defined/);
  assert.equal(r.expand('PAGE_SIZE'), '(1UL << 12)');
});

test('bad input: unbalanced #if, #error, include cycle, runaway and binary files give diagnostics, not crashes', () => {
  const r1 = pp({ '/main.c': '#if 1\nx\n' });
  assert.match(r1.diagnostics[0].message, /unterminated conditional/);
  const r2 = pp({ '/main.c': '#endif\n#error stop here\n#if 1 +\n#endif\n' });
  assert.deepEqual(r2.diagnostics.map((d) => d.severity), ['error', 'error', 'error']);
  assert.match(r2.diagnostics[1].message, /#error stop here/);
  const r3 = pp({ '/main.c': '#include "a.h"\n', '/a.h': '#include "b.h"\n', '/b.h': '#include "a.h"\n' });
  assert.match(r3.diagnostics[0].message, /nested too deeply.*include cycle/);
  const r4 = pp({ '/main.c': '#define a a b\n#define b a\na\n' });
  assert.equal(toks(r4.text), 'a a'); // b's expansion still lies inside a's: a stays disabled (C11 6.10.3.4p2)
  const r5 = pp({ '/main.c': '#include "bin.h"\nafter\n', '/bin.h': 'ELF\0\0\0' });
  assert.match(r5.diagnostics[0].message, /looks binary/);
  assert.equal(toks(r5.text), 'after');
  const r6 = pp({ '/main.c': '#define F(x) x\nF(1, 2) F(\n' });
  assert.ok(r6.diagnostics.length >= 2);
});

test('function bodies can be elided; directives inside them still count', () => {
  const src = `struct s { int a; };
static inline int f(int x) __attribute__((unused)) {
#define INSIDE 1
  if (x) { return 1; } return 0;
}
struct __attribute__((packed)) t { char c; };
INSIDE
`;
  assert.equal(toks(pp({ '/main.c': src }, { elideFunctionBodies: true }).text), toks('struct s { int a; }; static inline int f(int x) __attribute__((unused)) { } struct __attribute__((packed)) t { char c; }; 1'));
});
