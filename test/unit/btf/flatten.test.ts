// Flattening rules on small BTF built here, in the shape bpftool -j prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BtfType, flattenBtf } from '../../../src/engine/btf/flatten';

// A hand-built miniature of struct page's first union:
//   typedef struct { int counter; } atomic_t;
//   struct page_pool;
//   struct page {
//     unsigned long flags;
//     union {
//       struct { struct list_head lru; void *mapping; };        // anonymous, folded in
//       struct { unsigned long pp_magic; struct page_pool *pp; } pp_part; // named: pp_part.x
//     };
//     atomic_t _refcount;
//     const unsigned int order : 4, kind : 3;
//     char name[16];
//     void (*fn)(void);
//   };
//   union u { long a; char b[3]; };
//   struct page (a second, different one: BTF can hold duplicates)
const types: BtfType[] = [
  { id: 1, kind: 'INT', name: 'long unsigned int', size: 8 },
  { id: 2, kind: 'INT', name: 'int', size: 4 },
  { id: 3, kind: 'STRUCT', name: '(anon)', size: 4, members: [{ name: 'counter', type_id: 2, bits_offset: 0 }] },
  { id: 4, kind: 'TYPEDEF', name: 'atomic_t', type_id: 3 },
  { id: 5, kind: 'STRUCT', name: 'list_head', size: 16, members: [{ name: 'next', type_id: 6, bits_offset: 0 }, { name: 'prev', type_id: 6, bits_offset: 64 }] },
  { id: 6, kind: 'PTR', name: '(anon)', type_id: 5 },
  { id: 7, kind: 'PTR', name: '(anon)', type_id: 0 },
  { id: 8, kind: 'STRUCT', name: '(anon)', size: 24, members: [{ name: 'lru', type_id: 5, bits_offset: 0 }, { name: 'mapping', type_id: 7, bits_offset: 128 }] },
  { id: 9, kind: 'FWD', name: 'page_pool', fwd_kind: 'struct' } as BtfType,
  { id: 10, kind: 'PTR', name: '(anon)', type_id: 9 },
  { id: 11, kind: 'STRUCT', name: '(anon)', size: 16, members: [{ name: 'pp_magic', type_id: 1, bits_offset: 0 }, { name: 'pp', type_id: 10, bits_offset: 64 }] },
  { id: 12, kind: 'UNION', name: '(anon)', size: 24, members: [{ name: '(anon)', type_id: 8, bits_offset: 0 }, { name: 'pp_part', type_id: 11, bits_offset: 0 }] },
  { id: 13, kind: 'INT', name: 'unsigned int', size: 4 },
  { id: 14, kind: 'CONST', name: '(anon)', type_id: 13 },
  { id: 15, kind: 'INT', name: 'char', size: 1 },
  { id: 16, kind: 'ARRAY', name: '(anon)', type_id: 15, index_type_id: 2, nr_elems: 16 } as BtfType,
  { id: 17, kind: 'FUNC_PROTO', name: '(anon)', ret_type_id: 0 } as BtfType,
  { id: 18, kind: 'PTR', name: '(anon)', type_id: 17 },
  { id: 19, kind: 'STRUCT', name: 'page', size: 64, members: [
    { name: 'flags', type_id: 1, bits_offset: 0 },
    { name: '(anon)', type_id: 12, bits_offset: 64 },
    { name: '_refcount', type_id: 4, bits_offset: 256 },
    { name: 'order', type_id: 14, bits_offset: 288, bitfield_size: 4 },
    { name: 'kind', type_id: 14, bits_offset: 292, bitfield_size: 3 },
    { name: 'name', type_id: 16, bits_offset: 320 },
    { name: 'fn', type_id: 18, bits_offset: 448 },
  ] },
  { id: 20, kind: 'ARRAY', name: '(anon)', type_id: 15, index_type_id: 2, nr_elems: 3 } as BtfType,
  { id: 21, kind: 'UNION', name: 'u', size: 8, members: [{ name: 'a', type_id: 1, bits_offset: 0 }, { name: 'b', type_id: 20, bits_offset: 0 }] },
  { id: 22, kind: 'STRUCT', name: 'page', size: 8, members: [{ name: 'x', type_id: 1, bits_offset: 0 }] },
];

const layouts = flattenBtf(types);

test('only named structs and unions are written; unions are keyed "union NAME"', () => {
  assert.deepEqual(Object.keys(layouts).sort(), ['list_head', 'page', 'page#1', 'union u']);
  assert.equal(layouts['union u'].kind, 'union');
  assert.equal(layouts.page.kind, 'struct');
  assert.equal(layouts.page.size, 64);
});

test('a second type of the same name is written as NAME#1', () => {
  assert.deepEqual(layouts['page#1'].members.map((m) => m.path), ['x']);
});

test('anonymous members fold into the parent; named nested members become a.b with absolute offsets', () => {
  const paths = layouts.page.members.map((m) => `${m.path}@${m.offset_bits}`);
  assert.deepEqual(paths, [
    'flags@0',
    'lru@64', 'lru.next@64', 'lru.prev@128', 'mapping@192',
    'pp_part@64', 'pp_part.pp_magic@64', 'pp_part.pp@128',
    '_refcount@256', '_refcount.counter@256',
    'order@288', 'kind@292', 'name@320', 'fn@448',
  ]);
});

test('sizes see through typedefs and qualifiers; arrays multiply; pointers take the pointer size', () => {
  const by = new Map(layouts.page.members.map((m) => [m.path, m]));
  assert.equal(by.get('_refcount')!.size, 4);
  assert.equal(by.get('order')!.size, 4);
  assert.equal(by.get('order')!.bitfield, 4);
  assert.equal(by.get('kind')!.bitfield, 3);
  assert.equal(by.get('flags')!.bitfield, 0);
  assert.equal(by.get('name')!.size, 16);
  assert.equal(by.get('pp_part')!.size, 16);
  assert.equal(by.get('mapping')!.size, 8);
  const i386 = flattenBtf(types, 4);
  assert.equal(i386.page.members.find((m) => m.path === 'mapping')!.size, 4);
});

test('type strings are printed the way btf-layouts.py prints them', () => {
  const by = new Map(layouts.page.members.map((m) => [m.path, m.type]));
  assert.equal(by.get('flags'), 'long unsigned int');
  assert.equal(by.get('lru'), 'struct list_head');
  assert.equal(by.get('lru.next'), 'struct list_head *');
  assert.equal(by.get('mapping'), 'void *');
  assert.equal(by.get('pp_part'), 'struct (anon)');
  assert.equal(by.get('pp_part.pp'), 'struct page_pool *');
  assert.equal(by.get('_refcount'), 'atomic_t');
  assert.equal(by.get('order'), 'const unsigned int');
  assert.equal(by.get('name'), 'char[16]');
  assert.equal(by.get('fn'), 'fn *');
  assert.deepEqual(layouts['union u'].members.map((m) => m.type), ['long unsigned int', 'char[3]']);
});

test('a wanted set limits the output by name', () => {
  assert.deepEqual(Object.keys(flattenBtf(types, 8, new Set(['list_head']))), ['list_head']);
});

test('the reference script (../shared/tools/btf-layouts.py) flattens this BTF identically', (t) => {
  const reference = path.resolve(__dirname, '../../../../../shared/tools/btf-layouts.py');
  if (!fs.existsSync(reference)) {
    console.log(`\n!!!!! SKIPPED: no reference script at ${reference} !!!!!\n`);
    t.skip(`no ${reference}`);
    return;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-btf-')), 'btf.json');
  fs.writeFileSync(file, JSON.stringify({ types }));
  const r = spawnSync('python3', [reference, file], { encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(layouts, JSON.parse(r.stdout));
});
