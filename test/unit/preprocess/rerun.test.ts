// PreprocessResult.update() against a fresh run of the edited tree: every
// observable of the result must be the same (text, origin of every token,
// macro invocations, declarations, diagnostics, include edges, the macro
// table), and edits only a full run can handle must say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, PreprocessOptions, PreprocessResult } from '../../../src/engine/preprocess/index';
import { PieceText } from '../../../src/engine/preprocess/piece-text';
import { assertSameResult } from './same-result';

const base: Record<string, string> = {
  '/main.c': '#include "types.h"\n#include "mm.h"\n#include "tail.h"\nstruct user { struct page *p; int n; };\n',
  '/types.h': '#ifndef TYPES_H\n#define TYPES_H\ntypedef unsigned long u64;\n#define PAD(n) long pad##n\n#endif\n',
  '/mm.h': [
    '#ifndef MM_H', '#define MM_H', '#include "types.h"', '#define NR 4',
    '/* the descriptor */', 'struct page {', '\tu64 flags;', '#ifdef CONFIG_X', '\tint x;', '#else', '\tPAD(1);', '#endif',
    '\tlong words[NR];', '};', '', 'static inline int page_ref(struct page *p)', '{', '#ifdef CONFIG_Y', '\treturn 1;', '#endif',
    '\treturn p->flags ? NR : 0;', '}', '', '#if 0', 'struct dead { int d; };', '#endif', 'enum page_bits { PB_A, PB_B = NR, };',
    'struct folio {', '\tunion { struct page page; u64 raw[8]; };', '};', '_Static_assert(sizeof(struct page) > 0, "x");', '#endif', '',
  ].join('\n'),
  '/tail.h': '#define LATE NR\nstruct tail { long t[LATE]; };\n',
};

function run(files: Record<string, string>): PreprocessResult {
  const opts: PreprocessOptions = { includeDirs: [], implicitIncludes: [], defines: new Map([['CONFIG_Y', '1']]), fileSystem: { read: (f) => files[f] }, elideFunctionBodies: true };
  return preprocess({ path: '/main.c' }, opts);
}

function assertSame(a: PreprocessResult, b: PreprocessResult, what: string): void {
  assertSameResult(a, b, what);
  assert.deepEqual(a.macroValue('NR'), b.macroValue('NR'), `${what}: NR`);
}

/** Edits mm.h and checks the result of update() against a fresh run; returns the reason when update() declined. */
function edit(from: PreprocessResult, change: (t: string) => string): { result: PreprocessResult; reason?: string } {
  const files = { ...base, '/mm.h': change(base['/mm.h']) };
  const fresh = run(files);
  const r = from.update('/mm.h', files['/mm.h']);
  if ('reason' in r) return { result: fresh, reason: r.reason };
  assertSame(r, fresh, 'update');
  return { result: r };
}

test('update(): edits inside declarations re-run only there and equal a fresh run', () => {
  const cases: Array<[string, (t: string) => string]> = [
    ['a member added on its line', (t) => t.replace('\tu64 flags;', '\tu64 flags; int extra;')],
    ['lines added: everything after moves, macro invocations too', (t) => t.replace('\tu64 flags;', '\tu64 flags;\n\tint a;\n\n\tint b;')],
    ['lines removed', (t) => t.replace('/* the descriptor */\n', '')],
    ['a member renamed in a union member of folio', (t) => t.replace('u64 raw[8]', 'u64 raw2[8]')],
    ['inside an elided function body', (t) => t.replace('return p->flags ? NR : 0;', 'return 2;\n\treturn 3;')],
    ['inside a false #if group', (t) => t.replace('struct dead { int d; };', 'struct dead { int d; int e; };')],
    ['an enumerator', (t) => t.replace('PB_B = NR,', 'PB_B = NR, PB_C,')],
    ['a comment only', (t) => t.replace('the descriptor', 'the page descriptor')],
  ];
  for (const [what, change] of cases) {
    const r = edit(run(base), change);
    assert.equal(r.reason, undefined, `${what}: ${r.reason}`);
  }
  // a chain of updates stays equal to fresh runs: past the text's piece limit (piece-text.ts), origins rewritten in place, growing and shrinking
  let cur = run(base);
  let text = base['/mm.h'];
  for (let i = 0; i < 70; i++) {
    text = i % 3 === 2
      ? text.replace(/u64 raw\w*\[8\]/, `u64 raw${'x'.repeat(i % 4)}[8]`)
      : text.replace(/\tu64 flags;[^\n]*/, `\tu64 flags; int gen${i};${' int more;'.repeat(i % 5)}${'\n'.repeat(i % 2)}`);
    const files = { ...base, '/mm.h': text };
    const r = cur.update('/mm.h', text);
    assert.ok(!('reason' in r), `step ${i}: ${'reason' in r ? r.reason : ''}`);
    assertSame(r as PreprocessResult, run(files), `step ${i}`);
    cur = r as PreprocessResult;
  }
});

test('update(): a chain of edits alternating between two files stays equal to fresh runs (each file keeps its own checkpoint list)', () => {
  let cur = run(base);
  const texts = { '/mm.h': base['/mm.h'], '/tail.h': base['/tail.h'] };
  for (let i = 0; i < 24; i++) {
    const file = i % 3 === 1 ? '/tail.h' : '/mm.h';
    texts[file] = file === '/tail.h'
      ? texts[file].replace(/struct tail \{[^}]*\}/, `struct tail { long t[LATE];${' int x;'.repeat(i % 4)}${'\n'.repeat(i % 2)} }`)
      : texts[file].replace(/\tu64 flags;[^\n]*/, `\tu64 flags; int gen${i};${'\n'.repeat(i % 2)}`);
    const r = cur.update(file, texts[file]);
    assert.ok(!('reason' in r), `step ${i} (${file}): ${'reason' in r ? r.reason : ''}`);
    assertSame(r as PreprocessResult, run({ ...base, ...texts }), `step ${i} (${file})`);
    cur = r as PreprocessResult;
  }
  // an edit across a declaration boundary replaces the checkpoint between them; the next edit just below
  // it starts from the re-run's own checkpoint there, not from the one it replaced
  for (const [i, name] of ['page_ref2', 'page_ref3', 'page_ref4'].entries()) {
    texts['/mm.h'] = i === 0
      ? texts['/mm.h'].replace('\tlong words[NR];\n};\n\nstatic inline int page_ref(', '\tlong words[NR]; int a;\n};\n\nstatic inline int page_ref2(')
      : texts['/mm.h'].replace(/page_ref\d\(/, `${name}(`);
    const r = cur.update('/mm.h', texts['/mm.h']);
    assert.ok(!('reason' in r), `${name}: ${'reason' in r ? r.reason : ''}`);
    assertSame(r as PreprocessResult, run({ ...base, ...texts }), name);
    cur = r as PreprocessResult;
  }
});

test('update(): edits that change how later lines lex (a comment opened or closed across lines) are right or declined', () => {
  const changes: Array<(t: string) => string> = [
    (t) => t.replace('/* the descriptor */', '/* the descriptor'),
    (t) => t.replace('\tu64 flags;', '\tu64 flags; /*').replace('\tlong words[NR];', '\tlong words[NR]; */'),
    (t) => t.replace('\tu64 flags;', '\tu64 flags; /* two\n lines */ int after;'),
    (t) => t.replace('u64 raw[8]; };', 'u64 raw[8]; }; // \\\nint spliced;'),
    (t) => t + 'struct appended { int a; };\n',
    (t) => t.replace(/\n$/, ''),
  ];
  let updated = 0;
  for (const change of changes) if (edit(run(base), change).reason === undefined) updated++;
  assert.ok(updated >= 3, `${updated} of ${changes.length} updated in place`);
});

test('update(): what needs a full run says why, and the result is never wrong', () => {
  const declined: Array<[string, (t: string) => string, RegExp]> = [
    ['a directive changed', (t) => t.replace('#define NR 4', '#define NR 8'), /directive/],
    ['a line became a directive', (t) => t.replace('\tint x;', '#define X 1'), /directive/],
    ['an unbalanced brace', (t) => t.replace('struct page {', 'struct page { {'), /state|never came back/],
    ['an #include in the re-run region', (t) => t.replace('\tu64 flags;', '\tu64 flags;\n#include "tail.h"'), /directive/],
  ];
  for (const [what, change, why] of declined) {
    const r = edit(run(base), change);
    assert.match(r.reason ?? '', why, what);
  }
  // a file the unit does not read
  const r = run(base).update('/nowhere.h', 'int x;');
  assert.ok('reason' in r);
  // tokens, lines and columns all as they were: the same result back
  const same = run(base);
  assert.equal(same.update('/mm.h', base['/mm.h'].replace('the descriptor', 'the descriptor!')), same);
});

test('update(): __LINE__ below moved lines makes the re-run go on to the end of the file; __COUNTER__ uses must not change', () => {
  const optsFor = (files: Record<string, string>): PreprocessOptions => ({ includeDirs: [], implicitIncludes: [], defines: new Map(), fileSystem: { read: (f) => files[f] }, elideFunctionBodies: true });
  const withLine = { ...base, '/mm.h': base['/mm.h'].replace('struct folio {', 'int at_line = __LINE__;\nstruct folio {') };
  const r0 = preprocess({ path: '/main.c' }, optsFor(withLine));
  for (const [what, text] of [
    ['a line added above __LINE__', withLine['/mm.h'].replace('\tu64 flags;', '\tu64 flags;\n')],
    ['a line added below __LINE__', withLine['/mm.h'].replace('u64 raw[8]; };', 'u64 raw[8];\n };')],
  ]) {
    const files = { ...withLine, '/mm.h': text };
    const fresh = preprocess({ path: '/main.c' }, optsFor(files));
    const moved = preprocess({ path: '/main.c' }, optsFor(withLine)).update('/mm.h', text);
    assert.ok(!('reason' in moved), `${what}: ${'reason' in moved ? moved.reason : ''}`);
    assertSame(moved as PreprocessResult, fresh, what);
  }
  assert.match(r0.text, /at_line = \d+/);
  const withCounter = { ...base, '/mm.h': base['/mm.h'].replace('\tu64 flags;', '\tu64 flags; int c0;') };
  const r1 = preprocess({ path: '/main.c' }, optsFor(withCounter));
  const counted = r1.update('/mm.h', base['/mm.h'].replace('\tu64 flags;', '\tu64 flags; int c__COUNTER__; int d = __COUNTER__;'));
  assert.ok('reason' in counted && /__COUNTER__|state/.test(counted.reason), 'reason' in counted ? counted.reason : 'updated');
});

test('PieceText: slices of a text spliced again and again are those of the same string spliced', () => {
  let s = 'struct page { unsigned long flags; };\n'.repeat(200);
  let p: string | PieceText = s;
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 0; i < 300; i++) {
    const from = rnd(s.length), to = Math.min(s.length, from + rnd(40)), insert = 'x'.repeat(rnd(30)) + i;
    s = s.slice(0, from) + insert + s.slice(to);
    p = PieceText.splice(p, from, to, insert);
    assert.equal(p.length, s.length, `step ${i}: length`);
    for (let k = 0; k < 5; k++) {
      const a = rnd(s.length), b = a + rnd(200);
      assert.equal(p.slice(a, b), s.slice(a, b), `step ${i}: slice ${a}..${b}`);
    }
  }
  assert.equal(String(p), s);
});

test('PieceText.of: slices, indexOf and charCodeAt as the joined string answers them, matches straddling pieces included', () => {
  const strings = ['struct a', '', ' { int x; };', 's', 'truct b { long y; }', ';\nint z;'];
  const t = PieceText.of(strings);
  const joined = strings.join('');
  assert.equal(t.length, joined.length);
  for (let i = -1; i <= joined.length; i++) assert.equal(String(t.charCodeAt(i)), String(joined.charCodeAt(i)), `charCodeAt(${i})`);
  for (const needle of ['struct', 'a {', 'x; };s', '; };struct', 'y', ';\nint', 'nope', 's']) {
    for (let from = 0; from <= joined.length; from += 3) assert.equal(t.indexOf(needle, from), joined.indexOf(needle, from), `indexOf(${JSON.stringify(needle)}, ${from})`);
  }
  for (let a = 0; a < joined.length; a += 4) for (let b = a; b <= joined.length; b += 5) assert.equal(t.slice(a, b), joined.slice(a, b));
  assert.equal(String(t), joined);
});
