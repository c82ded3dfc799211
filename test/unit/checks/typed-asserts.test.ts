// The assert evaluator through the real pipeline (preprocessor, parser, type
// table) on a copy of the sample tree, with gcc as the oracle: every assert
// we call pass must compile, every one we call fail must be rejected by gcc
// at that line. Written for this test in the shapes the kernel's macros
// expand to (sizeof of expressions, ARRAY_SIZE of designated tables,
// container_of, min_t, _Generic, enumerators past INT_MAX, addresses).
// Bad input (half-typed, unknown struct, a macro expanding to nothing) is
// `unknown` with a reason, never `fail`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { AssertResult } from '../../../src/engine/checks/asserts';

const SAMPLE = path.resolve(__dirname, '../../../../samples/mini-kernel');
const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'SKIPPED: gcc is not installed, so there is no oracle';

// The kernel's assert macros, as include/linux/build_bug.h and compiler_types.h spell them.
const MACROS = `
#define __compiletime_assert(condition, msg, prefix, suffix) do { __attribute__((__noreturn__)) extern void prefix ## suffix(void) __attribute__((__error__(msg))); if (!(condition)) prefix ## suffix(); } while (0)
#define _compiletime_assert(condition, msg, prefix, suffix) __compiletime_assert(condition, msg, prefix, suffix)
#define compiletime_assert(condition, msg) _compiletime_assert(condition, msg, __compiletime_assert_, __COUNTER__)
#define BUILD_BUG_ON_MSG(cond, msg) compiletime_assert(!(cond), msg)
#define BUILD_BUG_ON(condition) BUILD_BUG_ON_MSG(condition, "BUILD_BUG_ON failed: " #condition)
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define sizeof_field(T, m) sizeof(((T *)0)->m)
#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))
#define container_of(ptr, type, member) ({ void *__mptr = (void *)(ptr); static_assert(__same_type(*(ptr), ((type *)0)->member) || __same_type(*(ptr), void), "pointer type mismatch in container_of()"); ((type *)(__mptr - offsetof(type, member))); })
#define min_t(type, x, y) ({ type __x = (x); type __y = (y); __x < __y ? __x : __y; })
`;

// One assert per line: gcc (with -ftrack-macro-expansion=0) reports each at its own line.
const CASES = `#include <linux/types.h>
${MACROS}
struct inner { int a; char b[6]; };
struct outer { long x; struct inner in[3]; union { int u; char c[12]; }; };
enum big { SMALL = 1, BIG = 0xF0000000 };
typedef struct outer outer_t;
typedef int (*handler_t)(struct outer *, int);
int handle(struct outer *o, int n);
long other(struct outer *o, int n);
static const char *const names[] = { [0] = "a", [SMALL + 3] = "e" };
extern int table[];
int table[] = { 1, 2, 3 };
static struct outer global;
static_assert(offsetof(struct outer, in[2].b[3]) == 8 + 2 * 12 + 4 + 3);
static_assert(sizeof_field(struct outer, in) == 36);
static_assert(ARRAY_SIZE(names) == 5);
static_assert(ARRAY_SIZE(table) == 3);
static_assert(ARRAY_SIZE(names) == 4);
static_assert(sizeof(outer_t) == sizeof(struct outer));
static_assert(__same_type(handle, int (struct outer *, int)));
static_assert(__same_type(&handle, handler_t));
static_assert(__same_type(&other, handler_t));
static_assert((((typeof(BIG))0xf) << 28 & ~BIG) == 0);
static_assert(_Generic((char)0, char: 1, default: 2) == 1);
static_assert(_Generic(BIG, unsigned int: 1, default: 2) == 1);
static_assert(__builtin_types_compatible_p(struct outer *, outer_t *));
static_assert(__builtin_types_compatible_p(long, long long));
static_assert(__alignof__(struct outer) == 8);
static_assert(sizeof("abc" "de") == 6);
void f(struct outer *o)
{
	(void)container_of(&o->x, struct outer, x);
	(void)container_of(&o->in[0], struct outer, in);
}
`;

// BUILD_BUG_ON fires in gcc's middle end, which a front-end error (a failed static_assert) never reaches: a file of
// its own. Its failure is a call to a noreturn function, after which gcc drops the rest: one assert per function.
const BUG_CASES = [
  'BUILD_BUG_ON(sizeof(o->in) != 36);',
  'BUILD_BUG_ON(ARRAY_SIZE(local) != 7);',
  'BUILD_BUG_ON(sizeof(*p) != 12);',
  'BUILD_BUG_ON(sizeof(*p) != 13);',
  'BUILD_BUG_ON(min_t(int, 3, 5) != 3);',
  'BUILD_BUG_ON(&global.in[1] <= &global.in[0]);',
  'BUILD_BUG_ON(offsetof(typeof(*o), in) != 8);',
  'BUILD_BUG_ON(sizeof(struct inner) != 13);',
  'if (0) BUILD_BUG_ON(sizeof(struct inner) == 12);',
  'if (n > 3) BUILD_BUG_ON(sizeof(struct inner) == 12);',
  'BUILD_BUG_ON(n > 3);',
  // names the function does not declare, and the same names declared by it (a local shadows a typedef and a file-scope array)
  'BUILD_BUG_ON(sizeof(wide_t) != 8);',
  'BUILD_BUG_ON(sizeof(global_buf) != 5);',
  '{ char wide_t = 0; (void)wide_t; BUILD_BUG_ON(sizeof(wide_t) != 1); }',
  '{ short global_buf = 0; (void)global_buf; BUILD_BUG_ON(sizeof(global_buf) != 5); }',
];
const BUGS = `#include <linux/types.h>
${MACROS}
struct inner { int a; char b[6]; };
struct outer { long x; struct inner in[3]; union { int u; char c[12]; }; };
static struct outer global;
typedef long wide_t;
static char global_buf[5];
${BUG_CASES.map((c, i) => `void f${i}(struct outer *o, int n) { int local[7]; struct inner *p = &o->in[1]; (void)local; (void)p; (void)n; ${c} }`).join('\n')}
`;

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-typed-'));
  fs.cpSync(SAMPLE, dir, { recursive: true });
  return dir;
}

/** gcc's verdict: the lines of cases.c it rejects. */
function gccRejects(dir: string, file: string): Set<number> {
  const r = spawnSync('gcc', ['-O2', '-c', '-o', '/dev/null', '-nostdinc', '-I', 'arch/x86/include', '-I', 'include',
    '-include', 'include/linux/compiler-version.h', '-include', 'include/linux/kconfig.h', '-include', 'include/linux/compiler_types.h',
    '-D__KERNEL__', '-std=gnu11', '-ftrack-macro-expansion=0', file], { cwd: dir, encoding: 'utf8' });
  const lines = new Set<number>();
  for (const m of r.stderr.matchAll(new RegExp(`^${file.replace('.', '\\.')}:(\\d+):\\d+: error: (.*)$`, 'gm'))) lines.add(Number(m[1]));
  return lines;
}

const lineIn = (src: string, text: string) => src.split('\n').findIndex((l) => l.includes(text)) + 1;

/** Our answers for `file` (written with `src`), each checked against gcc; returns a lookup by line text. */
async function checkAgainstGcc(name: string, src: string) {
  const dir = tree();
  try {
    fs.writeFileSync(path.join(dir, name), src);
    const p = await OverlayProject.open({ srcDir: dir });
    const r = p.check([name]);
    const rejects = gccRejects(dir, name);
    const mine = r.asserts.filter((a) => a.site.at.file === path.join(dir, name));
    for (const a of mine) {
      const line = `${a.site.at.line}: ${src.split('\n')[a.site.at.line - 1].trim()}`;
      if (a.status === 'pass') assert.ok(!rejects.has(a.site.at.line), `we say pass, gcc rejects ${line}`);
      if (a.status === 'fail') assert.ok(rejects.has(a.site.at.line), `we say fail, gcc accepts ${line}: ${a.lhs} ${a.op} ${a.rhs}`);
    }
    return (text: string): AssertResult[] => {
      const found = mine.filter((a) => a.site.at.line === lineIn(src, text));
      assert.ok(found.length, `no assert found at '${text}'`);
      return found;
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const decided = (at: (t: string) => AssertResult[], texts: string[]) => {
  for (const t of texts) assert.ok(at(t).every((a) => a.status !== 'unknown'), `not decided: ${t}: ${at(t).map((a) => a.reason).join('; ')}`);
};

test('static_assert: every pass compiles with gcc, every fail is rejected at its line', { skip }, async () => {
  const at = await checkAgainstGcc('cases.c', CASES);
  // the cases meant to be decided are decided (an unknown would slip past the oracle)
  decided(at, ['in[2].b[3]', 'sizeof_field(struct outer, in)', 'ARRAY_SIZE(names) == 5', 'ARRAY_SIZE(table)', 'ARRAY_SIZE(names) == 4',
    'int (struct outer *, int)', '&handle, handler_t', '&other, handler_t', '~BIG', '(char)0', '_Generic(BIG', 'outer_t *', 'long long',
    '__alignof__', '"abc" "de"', '&o->x', '&o->in[0]']);
  assert.deepEqual(at('ARRAY_SIZE(names) == 4').map((a) => a.status), ['fail']);
  assert.deepEqual(at('long long').map((a) => a.status), ['fail']);
  assert.deepEqual(at('&other, handler_t').map((a) => a.status), ['fail']);
  assert.deepEqual(at('&o->in[0]').map((a) => [a.status, a.class]), [['fail', 'type-check']]);
  assert.deepEqual(at('&o->x').map((a) => [a.status, a.class]), [['pass', 'type-check']]);
});

test('BUILD_BUG_ON: decided ones agree with gcc -O2; a false one on a path gcc may drop is unknown, naming the guard', { skip }, async () => {
  const at = await checkAgainstGcc('bugs.c', BUGS);
  decided(at, ['sizeof(o->in)', 'ARRAY_SIZE(local)', '(*p) != 12', '(*p) != 13', 'min_t(int, 3, 5)', '&global.in[1]', 'typeof(*o)', 'sizeof(struct inner) != 13']);
  assert.deepEqual(at('sizeof(*p) != 13').map((a) => a.status), ['fail']);
  assert.deepEqual(at('sizeof(struct inner) != 13').map((a) => a.status), ['fail']);
  const guarded = [at('if (0)'), at('if (n > 3)')];
  assert.ok(guarded.flat().every((a) => a.status === 'unknown'));
  assert.match(guarded[0][0].reason!, /removes \('0' is a constant/);
  assert.match(guarded[1][0].reason!, /guarded by 'n > 3'/);
  assert.deepEqual(at('BUILD_BUG_ON(n > 3)').map((a) => [a.status, a.class]), [['unknown', 'runtime']]);
  assert.match(at('BUILD_BUG_ON(n > 3)')[0].reason!, /'n' is a parameter/);
  decided(at, ['(wide_t) != 8', 'BUILD_BUG_ON(sizeof(global_buf) != 5);', '(wide_t) != 1', 'short global_buf']);
  assert.deepEqual(['(wide_t) != 8', 'BUILD_BUG_ON(sizeof(global_buf) != 5);', '(wide_t) != 1', 'short global_buf'].map((t) => at(t).map((a) => a.status)), [['pass'], ['pass'], ['pass'], ['fail']]);
});

test('bad input: half-typed, unknown struct, a macro expanding to nothing: unknown with a reason, never fail', async () => {
  const dir = tree();
  try {
    const header = `#include <linux/types.h>
${MACROS}
#define NOTHING
struct known { int a; };
static_assert(sizeof(struct known) == 4);
static_assert(sizeof(struct no_such_struct) == 8);
static_assert(offsetof(struct known, no_such_member) == 0);
static_assert(NOTHING);
static_assert(NOTHING, "message");
static inline void g(void)
{
	BUILD_BUG_ON(NOTHING);
	BUILD_BUG_ON(sizeof(struct known) >);
}
static_assert(sizeof(struct known) ==
`;
    fs.writeFileSync(path.join(dir, 'include/linux/bad.h'), header);
    const p = await OverlayProject.open({ srcDir: dir });
    const r = p.check(['include/linux/bad.h']);
    const mine = r.asserts.filter((a) => a.site.at.file.endsWith('bad.h'));
    const lineOf = (text: string) => header.split('\n').findIndex((l) => l.includes(text)) + 1;
    const last = header.trimEnd().split('\n').length;
    assert.ok(mine.every((a) => a.status !== 'fail'), JSON.stringify(mine.filter((a) => a.status === 'fail').map((a) => a.site.text)));
    assert.deepEqual(mine.filter((a) => a.site.at.line === lineOf('struct known) == 4')).map((a) => a.status), ['pass']);
    const reason = (text: string) => {
      const found = mine.filter((a) => a.site.at.line === lineOf(text));
      assert.ok(found.length, `no assert at '${text}'`);
      assert.ok(found.every((a) => a.status === 'unknown' && a.reason), `${text}: ${JSON.stringify(found.map((a) => [a.status, a.reason]))}`);
      return found.map((a) => a.reason!).join('; ');
    };
    assert.match(reason('no_such_struct'), /struct no_such_struct is declared but not defined here/);
    assert.match(reason('no_such_member'), /has no member no_such_member/);
    assert.match(reason('static_assert(NOTHING);'), /empty/);
    assert.match(reason('static_assert(NOTHING, "message")'), /empty/);
    assert.match(reason('BUILD_BUG_ON(NOTHING)'), /empty|cannot read|unexpected/);
    assert.match(reason('struct known) >)'), /unexpected|cannot read|expected/);
    const half = mine.filter((a) => a.site.at.line === last);
    assert.deepEqual(half.map((a) => a.status), ['unknown']);
    assert.match(half[0].reason!, /not closed|unbalanced/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory walk checks the files that spell an assert; a file named on its own always', async () => {
  const dir = tree();
  try {
    fs.writeFileSync(path.join(dir, 'include/linux/plain.h'), '#define PLAIN 1\n');
    fs.writeFileSync(path.join(dir, 'include/linux/asserting.h'), '#include <linux/types.h>\nstatic_assert(sizeof(u32) == 4);\n');
    // every spelling counts, and only as a word (the scan searches bytes first, then the text)
    fs.writeFileSync(path.join(dir, 'include/linux/c11.h'), '_Static_assert(1, "c11");\n');
    fs.writeFileSync(path.join(dir, 'include/linux/msg.h'), '#define M() BUILD_BUG_ON_MSG(0, "m")\n');
    fs.writeFileSync(path.join(dir, 'include/linux/wordy.h'), '/* no static_assertions and no BUILD_BUG_ONCE here */\n');
    fs.writeFileSync(path.join(dir, 'include/linux/typed.h'), '#define TYPED 1\n');
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    fs.writeFileSync(path.join(dir, 'elsewhere/linked.h'), 'static_assert(1);\n');
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'include/linked'));
    const p = await OverlayProject.open({ srcDir: dir });
    // an unsaved buffer that adds an assert counts, as the editor sees it
    p.setFileText(path.join(dir, 'include/linux/typed.h'), '#define TYPED 1\nstatic_assert(TYPED);\n');
    const walked = p.filesToCheck(['include']).map((f) => path.relative(dir, f));
    assert.ok(walked.includes('include/linux/asserting.h'));
    for (const f of ['c11.h', 'msg.h', 'typed.h']) assert.ok(walked.includes(`include/linux/${f}`), f);
    assert.ok(!walked.includes('include/linux/wordy.h'));
    assert.ok(walked.includes('include/linked/linked.h'), 'a symlinked directory is walked');
    assert.deepEqual(walked, [...walked].sort(), 'in path order');
    assert.ok(walked.includes('include/net/netmem.h'), 'NET_IOV_ASSERT_OFFSET is defined with static_assert there');
    assert.ok(!walked.includes('include/linux/plain.h'));
    assert.ok(!walked.includes('include/linux/types.h'));
    assert.deepEqual(p.filesToCheck(['include/linux/plain.h']).map((f) => path.relative(dir, f)), ['include/linux/plain.h']);
    const r = await p.checkAsync(['include'], { workers: 1 });
    assert.deepEqual(r.files?.map((f) => path.relative(dir, f.file)), walked);
    assert.ok(r.asserts.some((a) => a.site.at.file.endsWith('asserting.h') && a.status === 'pass'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
