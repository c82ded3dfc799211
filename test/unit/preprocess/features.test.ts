// Features the brief lists that expand.test.ts does not reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, PreprocessOptions } from '../../../src/engine/preprocess/index';
import { lex, TokKind } from '../../../src/engine/preprocess/lexer';

const toks = (s: string) => lex(s, 0).tokens.filter((t) => t.kind !== TokKind.Newline).map((t) => t.text).join(' ');
function pp(files: Record<string, string>, opts: Partial<PreprocessOptions> = {}) {
  return preprocess({ path: '/main.c' }, { includeDirs: ['/inc', '/inc2'], implicitIncludes: [], defines: new Map(), fileSystem: { read: (f) => files[f] }, ...opts });
}

test('__has_include, __has_include_next, __has_builtin, #elifdef/#elifndef', () => {
  const r = pp({
    '/main.c': `#if __has_include(<a.h>) && !__has_include("nope.h")
yes1
#endif
#include <a.h>
#ifdef NOPE
no
#elifdef A_SEEN
yes2
#endif
#ifdef NOPE
no
#elifndef NOPE2
yes3
#endif
#if __has_builtin(__builtin_offsetof) && !__has_builtin(__builtin_nonsense)
yes4
#endif
`,
    '/inc/a.h': '#define A_SEEN\n#if __has_include_next(<a.h>)\nnext_exists\n#include_next <a.h>\n#endif\n',
    '/inc2/a.h': 'second\n',
  }, { hasBuiltin: (n) => n === '__builtin_offsetof' });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(toks(r.text), 'yes1 next_exists second yes2 yes3 yes4');
});

test('_Pragma, __COUNTER__, __FILE__/__LINE__, #warning', () => {
  const r = pp({ '/main.c': '#define DO_PRAGMA(x) _Pragma(#x)\nDO_PRAGMA(pack(1))\nint a = __COUNTER__, b = __COUNTER__;\nconst char *f = __FILE__; int l = __LINE__;\n#warning careful\n' });
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].severity, 'warning');
  assert.equal(r.diagnostics[0].line, 5);
  assert.match(r.diagnostics[0].message, /careful/);
  const t = toks(r.text);
  assert.match(t, /int a = 0 , b = 1 ;/);
  assert.match(t, /const char \* f = "\/main\.c" ; int l = 4 ;/);
  assert.doesNotMatch(t, /_Pragma/);
  // the operator ran: #pragma pack(1) is in force from there on
  assert.equal(r.packAt(0), 1);
  const bad = pp({ '/main.c': '_Pragma(x)\nint y;\n' });
  assert.match(bad.diagnostics[0].message, /_Pragma takes a parenthesized string literal/);
  assert.equal(toks(bad.text), 'int y ;');
});

test('line splices, comments, strings and punctuators survive lexing', () => {
  const r = pp({ '/main.c': '#define S "a /* not a comment */ \\" b"\nint x = 1 /* c */ + \\\n 2; // tail\nchar *s = S; a->b <<= c ... d %: e;\n' });
  assert.equal(toks(r.text), toks('int x = 1 + 2; char *s = "a /* not a comment */ \\" b"; a->b <<= c ... d %: e;'));
});

test('bounded bad input: 50 MB file, invalid UTF-8, exponential macros', () => {
  const big = 'int x;\n'.repeat(50 * 1024 * 1024 / 7);
  let t = performance.now();
  const r1 = pp({ '/main.c': '#include "big.h"\nafter\n', '/big.h': big });
  assert.ok(performance.now() - t < 5000);
  assert.match(r1.diagnostics[0].message, /big\.h.*MB/);
  assert.equal(r1.diagnostics[0].file, '/big.h');
  assert.equal(toks(r1.text), 'after');
  // invalid UTF-8 arrives as U+FFFD from the decoder; it must not stop the file
  const r2 = pp({ '/main.c': 'int a; \uFFFD\uFFFD\nint b;\n' });
  assert.match(toks(r2.text), /int b ;$/);
  // each level doubles: 2^40 tokens if nothing stopped it
  let src = '#define L0 x x\n';
  for (let i = 1; i <= 40; i++) src += `#define L${i} L${i - 1} L${i - 1}\n`;
  t = performance.now();
  const r3 = pp({ '/main.c': src + 'L40\n' }, { limits: { expansionTokens: 1_000_000 } });
  assert.ok(performance.now() - t < 10000);
  assert.ok(r3.diagnostics.some((d) => d.severity === 'error' && d.line === 42), JSON.stringify(r3.diagnostics));
});

test('#define replacement lists are read when first expanded, as if read at the definition', () => {
  const main = [
    '#define OBJ  (1 + \\',      // line 1: a splice continues the list
    '              2) /* c */',
    '#define FN(a, ...) [a __VA_ARGS__] // comment',
    '#define NOTFN (x) x',       // a space before ( : object-like
    '#define PAREN/**/(x) x',    // a comment before ( : object-like too
    "#define UNUSED_BAD 'x",    // line 6: never expanded, still reported
    "#define NUM 1'000 u8'y' L'z'",
    '#if 0',
    "#error don't",              // a skipped group's directive: only its name counts (as gcc)
    '#elif 1',
    'ok',
    '#endif',
    'OBJ FN(p, q, r) NOTFN PAREN __LINE__',
    '',
  ].join('\n');
  const r = pp({ '/main.c': main });
  assert.equal(toks(r.text), 'ok ( 1 + 2 ) [ p q , r ] ( x ) x ( x ) x 13');
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`), ['6:20 unterminated character literal']);
  assert.deepEqual(r.macros.get('NUM')!.body.map((t) => t.text), ["1'000", "u8'y'", "L'z'"], 'a pp-number and prefixed literals, read as the lexer reads them');
  const obj = r.macros.get('OBJ')!;
  assert.deepEqual(obj.body.map((t) => `${t.text}@${t.line}:${t.col}`), ['(@1:14', '1@1:15', '+@1:17', '2@2:15', ')@2:16']);
  assert.equal(obj.body[0].space, false, 'the first token of a list has no space before it');
  assert.deepEqual(r.macroValue('OBJ'), { value: 3n });
});
