// Header replay (preprocess/header-memo.ts) against plain runs: units that
// share a memo must come out exactly as units preprocessed on their own —
// text, the origin of every token, declarations, diagnostics, include edges
// and the macro table — while headers included in other orders, under other
// definitions or with their bodies kept are replayed where that is right
// and expanded again where it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, PreprocessOptions, PreprocessResult } from '../../../src/engine/preprocess/index';
import { HeaderMemo } from '../../../src/engine/preprocess/header-memo';
import { assertSameResult } from './same-result';

const files: Record<string, string> = {
  '/inc/types.h': '#ifndef TYPES_H\n#define TYPES_H\ntypedef unsigned long u64;\n#define notrace __attribute__((no_instrument_function))\n#define inline inline notrace\n#endif\n',
  // redefines a macro an earlier header's output used: whether it came first changes their text
  '/inc/linkage.h': '#ifndef LINKAGE_H\n#define LINKAGE_H\n#include <types.h>\n#undef notrace\n#define notrace __attribute__((other))\n#endif\n',
  '/inc/printk.h': [
    '#ifndef PRINTK_H', '#define PRINTK_H', '#include <types.h>', '#ifndef pr_fmt', '#define pr_fmt(fmt) fmt', '#endif',
    'static const char printk_fmt[] = pr_fmt("x");', 'static inline int printk_ok(void) { return 1; }', '#endif', '',
  ].join('\n'),
  '/inc/mm.h': [
    '#ifndef MM_H', '#define MM_H', '#include <types.h>', '#include <printk.h>', '#define NR 4',
    'struct page {', '\tu64 flags;', '#ifdef CONFIG_X', '\tint x;', '#endif', '#include <page-extra.h>', '\tlong words[NR];', '};',
    'static inline int page_ref(struct page *p)', '{', '\t_Static_assert(sizeof(struct page) > 8, "page");', '\treturn p->flags ? NR : 0;', '}',
    'enum { ID_A = __COUNTER__, ID_B = __COUNTER__ };',
    '#pragma pack(push, 1)', 'struct packed { char c; int i; };', '#pragma pack(pop)',
    '#endif', '',
  ].join('\n'),
  // read inside a struct body: never a recording of its own
  '/inc/page-extra.h': '\tint extra;\n',
  // no guard: included twice, read twice
  '/inc/table.h': 'ROW(TABLE_ITEM)\n',
  '/inc/once.h': '#pragma once\nstruct once { int o; };\n#warning "once.h is read"\n',
  '/inc/next/wrap.h': '#include_next <wrap.h>\nstruct wrapped { int w; };\n',
  '/inc/wrap.h': '#ifndef WRAP_H\n#define WRAP_H\nstruct wrap_inner { int i; };\n#endif\n',
  '/inc/computed.h': '#define HDR <once.h>\n#include HDR\n',
  // differs with the main file: replayed only for the same one
  '/inc/base.h': '#ifndef BASE_H\n#define BASE_H\nstatic const char *base = __BASE_FILE__;\n#endif\n',
};

const units: Array<{ main: string; text: string; keep?: string[] }> = [
  { main: '/a.c', text: '#include <mm.h>\n#include <linkage.h>\n#include <once.h>\nint a;\n' },
  { main: '/b.c', text: '#include <linkage.h>\n#include <mm.h>\n#include <once.h>\n#include <computed.h>\n#include <base.h>\nint b;\n' },
  { main: '/c.c', text: '#define pr_fmt(fmt) "c: " fmt\n#include <mm.h>\n#include <wrap.h>\nint c;\n' },
  { main: '/d.c', text: '#include <types.h>\n#define ROW(x) int row_##x;\n#define TABLE_ITEM one\n#include <table.h>\n#undef TABLE_ITEM\n#define TABLE_ITEM two\n#include <table.h>\n#include <mm.h>\n' },
  { main: '/e.c', text: '#define CONFIG_X 1\n#include <mm.h>\n#include <linkage.h>\n#include <base.h>\nint e;\n' },
  // the same includes as a.c, mm.h's bodies kept: its recordings elided them
  { main: '/f.c', text: '#include <mm.h>\n#include <linkage.h>\n#include <once.h>\nint f;\n', keep: ['/inc/mm.h'] },
  { main: '/g.c', text: '#include <mm.h>\n#include <linkage.h>\n#include <once.h>\nint g;\n' },
];

function options(keep: string[] | undefined, headerMemo?: HeaderMemo): PreprocessOptions {
  return {
    includeDirs: ['/inc/next', '/inc'], implicitIncludes: [], defines: new Map([['__KERNEL__', '1']]),
    fileSystem: { read: (f) => files[f] }, elideFunctionBodies: true, keepFunctionBodiesIn: keep, headerMemo,
  };
}

test('units sharing a header memo come out exactly as units preprocessed alone', () => {
  const memo = new HeaderMemo();
  const replayedBy: number[] = [];
  for (const u of units) {
    const before = memo.replayedTokens;
    const shared = preprocess({ path: u.main, text: u.text }, options(u.keep, memo));
    const alone = preprocess({ path: u.main, text: u.text }, options(u.keep));
    assertSameResult(shared, alone, u.main);
    replayedBy.push(memo.replayedTokens - before);
  }
  // the first unit has nothing to replay; g.c has a.c's includes in a.c's order: all of its headers come from recordings
  assert.equal(replayedBy[0], 0);
  const g = preprocess({ path: '/g.c', text: units[6].text }, options(undefined));
  assert.ok(replayedBy[6] >= g.tokenCount - 3, `g.c: ${replayedBy[6]} of ${g.tokenCount} tokens replayed`);
  // b.c reads linkage.h before mm.h: mm.h's inline functions say notrace the other way, so mm.h is expanded again
  assert.ok(replayedBy[1] > 0 && replayedBy[1] < preprocess({ path: '/b.c', text: units[1].text }, options(undefined)).tokenCount);
});

test('a replayed unit keeps no checkpoints: update() says why instead of splicing', () => {
  const memo = new HeaderMemo();
  preprocess({ path: '/a.c', text: units[0].text }, options(undefined, memo));
  const r = preprocess({ path: '/a.c', text: units[0].text }, options(undefined, memo));
  assert.ok(memo.replayed > 0);
  const u = r.update('/inc/mm.h', files['/inc/mm.h'].replace('long words[NR];', 'long words[NR + 1];'));
  assert.ok('reason' in u && /checkpoints/.test(u.reason), JSON.stringify(u));
});
