// The layout/index.ts door on `gcc -E -P` output (no project, no
// preprocessor of ours): gcc checks every offset and size we report, and the
// presenters agree with the layout they present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CParser } from '../../../src/engine/parse/c-parser';
import { dataModel } from '../../../src/engine/abi/data-models';
import { buildTypeTable, disposeTypeTable, layoutOf, toJson, toPahole } from '../../../src/engine/layout';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'SKIPPED: gcc is not installed, so there is no oracle';

const SOURCE = `
#define __aligned(x) __attribute__((__aligned__(x)))
#define ____cacheline_aligned __attribute__((__aligned__(64)))
#define DECLARE_FLEX_ARRAY(T, n) struct { struct { } __empty_##n; T n[]; }
struct list_head { struct list_head *next, *prev; };
typedef unsigned long long u64;
struct demo {
	unsigned long flags;
	union {
		struct { struct list_head lru; void *mapping; };
		struct { unsigned int a:7, b:9; unsigned char c:1; };
	};
	char tail_c;
	u64 counter ____cacheline_aligned;
	int x __aligned(8);
	union { DECLARE_FLEX_ARRAY(int, ints); DECLARE_FLEX_ARRAY(char, chars); };
};
`;

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('buildTypeTable/layoutOf/toJson/toPahole on gcc -E output: gcc agrees with every member', { skip }, async () => {
  const expanded = run('gcc', ['-E', '-P', '-x', 'c', '-'], SOURCE);
  const parser = await CParser.create();
  const table = buildTypeTable(parser, expanded, dataModel('x86_64'));
  try {
    const l = layoutOf(table, 'struct demo');
    if ('reason' in l) assert.fail(l.reason);
    const flat = toJson(l);
    assert.ok(!('error' in flat));
    const paths = flat.members.map((m) => m.path);
    for (const p of ['flags', 'lru', 'lru.next', 'mapping', 'a', 'b', 'c', 'tail_c', 'counter', 'x', 'ints', 'chars']) assert.ok(paths.includes(p), p);

    // gcc checks everything that has an offset in C (bit-fields by their byte, via a probe union would be overkill)
    const asserts = [`_Static_assert(sizeof(struct demo) == ${flat.size}, "size");`, `_Static_assert(_Alignof(struct demo) == ${flat.align}, "align");`];
    for (const m of flat.members) {
      if (m.bitfield) continue;
      asserts.push(`_Static_assert(__builtin_offsetof(struct demo, ${m.path}) * 8 == ${m.offset_bits}, "${m.path}");`);
      if (m.size) asserts.push(`_Static_assert(sizeof(((struct demo *)0)->${m.path}) == ${m.size}, "sizeof ${m.path}");`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-facade-'));
    const file = path.join(dir, 'probe.c');
    fs.writeFileSync(file, SOURCE + asserts.join('\n') + '\n');
    run('gcc', ['-fsyntax-only', '-m64', file]);
    fs.rmSync(dir, { recursive: true });

    // bit-fields: a:7 at bit 0 and b:9 right after it in the same int, c in the next byte
    const bit = (n: string) => flat.members.find((m) => m.path === n)!;
    assert.equal(bit('b').offset_bits - bit('a').offset_bits, 7);
    assert.equal(bit('c').offset_bits, bit('a').offset_bits + 16);

    const text = toPahole(l);
    assert.match(text, /^struct demo \{\n/);
    assert.match(text, new RegExp(`/\\* size: ${flat.size}, cachelines: ${Math.ceil(flat.size / 64)}, members: \\d+ \\*/`));
    assert.match(text, /--- cacheline 1 boundary \(64 bytes\) ---/);
    assert.match(text, /XXX \d+ bytes hole, try to pack/);

    assert.deepEqual(toJson(layoutOf(table, 'struct nosuch')), { error: 'struct nosuch is not defined in this text' });
    assert.ok('reason' in layoutOf(table, 'union demo'));
  } finally {
    disposeTypeTable(table);
  }
});
