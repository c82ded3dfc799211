// Layout rules against the compiler itself: our engine lays out each case,
// then gcc checks every offset, size and alignment we computed as a
// _Static_assert (-fsyntax-only, so -m32 needs no 32-bit libraries).
// gcc is the oracle for tests only; without it these tests say so and skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { flatten } from '../../../src/engine/layout/presenters';

const SAMPLE = path.resolve(__dirname, '../../../../samples/mini-kernel');
const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'SKIPPED: gcc is not installed, so there is no oracle';

const CASES = `
struct bits { unsigned int a:3, b:5; unsigned char c; unsigned long long d:40, e:30; int :0; char f; };
struct zerobit { char a; int :0; char b; };
struct straddle { char a; unsigned int b:30; unsigned int c:4; };
struct packed_s { char a; int b; short c; } __attribute__((packed));
struct packed_bits { char a; unsigned int b:12; unsigned int c:20; } __attribute__((packed));
struct member_aligned { char a; int b __attribute__((aligned(16))); char c; };
struct struct_aligned { char a; } __attribute__((aligned(32)));
typedef unsigned long long __attribute__((aligned(4))) u64_a4;
struct lowered { char a; u64_a4 b; };
typedef struct { int x; } __attribute__((aligned(8))) boxed_t;
struct holds_boxed { char a; boxed_t b; };
struct flex { int n; long data[]; };
struct zero_len { int n; char pad[0]; };
enum big { BIG_A = 1, BIG_B = ~0UL };
enum small { SMALL_A = 1 };
enum __attribute__((packed)) tiny { TINY_A = 1, TINY_B = 200 };
struct enums { enum small s; enum big b; enum tiny t; char c; };
union u { char c[13]; int i; short s; };
struct nested { char a; union { struct { short x; char y; }; long z; }; struct { char p; } named; };
struct al { char a; _Alignas(8) char b; };
struct wide { char a; long double ld;
#ifdef __x86_64__
  __int128 i; unsigned __int128 ui;
#endif
  double d; long long ll; };
#pragma pack(push, 2)
struct pragma_packed { char a; int b; long long c; };
#pragma pack(pop)
struct after_pop { char a; int b; };
struct arrays { char m[3][5]; int n[2][3]; void (*fns[4])(int); struct bits b[2]; };
struct bool_s { _Bool a; _Bool b:1; unsigned short c:9; };
struct counters_s { void *freelist; union { unsigned long counters; struct { unsigned inuse:16; unsigned objects:15; unsigned frozen:1; }; }; };
struct ms_tagged { unsigned long flags; struct counters_s; unsigned int after; };
/* bounds only a typed reading decides: sizeof a string (edac's label), ALIGN()'s typeof casts (neighbour.ha) */
/* crypto's instances: a head sized by offsetof through a member chain */
struct inner_o { int a; struct { int x; int y; } h; };
struct chain_off { char head[__builtin_offsetof(struct inner_o, h.y)]; int after; };
struct typed_bounds { char label[(31 + 1 + sizeof(" or ")) * 8]; unsigned char ha[((32) + ((__typeof__(32))(sizeof(unsigned long)) - 1)) & ~((__typeof__(32))(sizeof(unsigned long)) - 1)]; short tail; };
`;
const NAMES = ['bits', 'zerobit', 'straddle', 'packed_s', 'packed_bits', 'member_aligned', 'struct_aligned', 'lowered', 'holds_boxed', 'flex', 'zero_len', 'enums', 'nested', 'al', 'wide', 'pragma_packed', 'after_pop', 'arrays', 'bool_s', 'ms_tagged', 'typed_bounds', 'chain_off'];

async function checkArch(arch: 'x86_64' | 'i386', flag: string) {
  const project = await OverlayProject.open({ srcDir: SAMPLE, arch });
  const header = path.join(SAMPLE, 'include/linux/overlay-lens-cases.h');
  project.setFileText(header, CASES);
  const u = project.unit(header);
  const asserts: string[] = [];
  let members = 0;
  for (const name of [...NAMES, 'u']) {
    const kind = name === 'u' ? 'union' : 'struct';
    const l = u.layout(name, kind);
    assert.ok(!('reason' in l), `${name}: ${'reason' in l ? l.reason : ''}`);
    asserts.push(`_Static_assert(sizeof(${kind} ${name}) == ${l.size}, "sizeof ${name} = ${l.size}");`);
    asserts.push(`_Static_assert(_Alignof(${kind} ${name}) == ${l.align}, "alignof ${name} = ${l.align}");`);
    for (const m of flatten(l).members) {
      if (m.bitfield) continue;
      members++;
      asserts.push(`_Static_assert(__builtin_offsetof(${kind} ${name}, ${m.path}) == ${m.offset_bits / 8}, "offsetof ${name}.${m.path} = ${m.offset_bits / 8}");`);
      if (m.size) asserts.push(`_Static_assert(sizeof(((${kind} ${name} *)0)->${m.path}) == ${m.size}, "sizeof ${name}.${m.path} = ${m.size}");`);
    }
  }
  for (const e of ['big', 'small', 'tiny']) {
    const r = u.table.evalContext().sizeof!({ text: `enum ${e}` });
    assert.ok(r.ok);
    asserts.push(`_Static_assert(sizeof(enum ${e}) == ${r.value}, "sizeof enum ${e} = ${r.value}");`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-gcc-'));
  fs.writeFileSync(path.join(dir, 'cases.c'), CASES + '\n' + asserts.join('\n') + '\n');
  // -fms-extensions as kbuild gives it since 6.19: a tagged struct as an unnamed member (struct slab's
  // `struct freelist_counters;`) is one; without it gcc ignores the line ("declaration does not declare anything")
  const r = spawnSync('gcc', [flag, '-std=gnu11', '-fms-extensions', '-fsyntax-only', '-nostdinc', path.join(dir, 'cases.c')], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`  ${arch}: ${asserts.length} facts (${members} members) checked by gcc ${flag}`);
  assert.equal(r.status, 0, r.stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 8).join('\n'));
}

test('x86_64 layouts: gcc agrees with every offset, size and alignment', { skip }, () => checkArch('x86_64', '-m64'));
test('i386 layouts (long long and double 4-aligned in structs): gcc -m32 agrees', { skip }, () => checkArch('i386', '-m32'));

test('the sample tree: page and net_iov as the engine lays them out; the CONFIG_MEMCG sweep changes struct page', async () => {
  const p = await OverlayProject.open({ srcDir: SAMPLE });
  const page = p.layout('page');
  assert.ok(page.ok);
  assert.equal(page.layout.size, 64);
  const off = await p.withConfig({ overrides: { CONFIG_MEMCG: null } });
  const page2 = off.layout('page');
  assert.ok(page2.ok);
  // without memcg_data: 56 bytes of members, rounded to the 16-byte _struct_page_alignment
  assert.equal(page2.layout.size, 64);
  assert.equal(page2.layout.find('memcg_data'), undefined);
  const params = p.layout('page_pool_params');
  assert.ok(params.ok);
  assert.equal(params.layout.align, 64);
  assert.ok(params.layout.find('fast'), 'struct_group() names the group');
});
