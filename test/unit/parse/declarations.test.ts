// Top-level declarations: where the splitter cuts, which names it lists, and
// that a declaration parsed from the tree it replaced (tree-sitter's edit
// API) is the tree a fresh parse gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CParser } from '../../../src/engine/parse/c-parser';
import { NameKind, splitDeclarations } from '../../../src/engine/parse/declarations';
import { DeclarationParses, definitionsOf, parseDeclaration, UnitDeclarations } from '../../../src/engine/parse/declaration-parses';
import { OverlayProject } from '../../../src/engine/project';

const TEXT = `
typedef unsigned long u64;
struct __attribute__((packed)) packed_one { char c; };
struct page { u64 flags; union { struct { struct page *next; } lru; int x; }; struct page_inner { int y; } inner; };
enum pb { PB_A, PB_B = (1, 2), PB_C __attribute__((deprecated)) };
typedef void (*handler_t)(struct page *p, int n);
static inline int f(struct page *p) { struct local { int z; } l; enum { HIDDEN } h; return p->flags ? 1 : 0; }
struct page gp = { .flags = 1 };
int arr[] = { 1, 2, 3 };
int g(void) __attribute__((pure)) { }
typedef struct { int a; } anon_t;
`;

test('the splitter cuts at top-level semicolons and function bodies, and lists what each declaration may define', () => {
  const l = splitDeclarations(TEXT);
  const decls = l.starts.map((s, i) => TEXT.slice(s, l.ends[i]));
  assert.equal(decls.length, 10);
  assert.match(decls[5], /^static inline int f[\s\S]*return p->flags \? 1 : 0; }$/);
  assert.match(decls[8], /^int g\(void\) __attribute__\(\(pure\)\) \{ \}$/);
  const names = (kind: NameKind) => l.names.filter((_, k) => l.kinds[k] === kind);
  assert.deepEqual(names(NameKind.Struct), ['packed_one', 'page', 'page_inner']);
  assert.deepEqual(names(NameKind.Enum), ['pb']);
  assert.deepEqual(names(NameKind.Enumerator), ['PB_A', 'PB_B', 'PB_C']);
  for (const t of ['u64', 'handler_t', 'anon_t']) assert.ok(names(NameKind.Typedef).includes(t), t);
  // nothing from inside a function body
  for (const hidden of ['local', 'HIDDEN']) assert.ok(!l.names.includes(hidden), hidden);
  // names point at their declaration
  assert.equal(l.decls[l.names.indexOf('page_inner')], 2);
});

test('a declaration re-parsed from the tree it replaced equals a fresh parse; the type table confirms names on the tree', async () => {
  const parser = await CParser.create();
  const before = 'struct page { unsigned long flags; int x; };';
  const after = 'struct page { unsigned long flags; long grown; int x; };';
  const old = parseDeclaration(parser, before);
  const edited = parseDeclaration(parser, after, false, old);
  const fresh = parseDeclaration(parser, after);
  assert.equal(edited.tree.rootNode.toString(), fresh.tree.rootNode.toString());
  assert.equal(edited.tree.rootNode.hasError, false);
  const defs = definitionsOf(edited);
  assert.deepEqual([...defs.records.keys()], ['page']);
  for (const p of [old, edited, fresh]) p.tree.delete();

  // shared by text across units; released trees stay idle for the next unit, then go
  const parses = new DeclarationParses(parser, 0);
  const text = 'struct a { int x; };\nstruct b { struct a y; };\n';
  const u1 = new UnitDeclarations(splitDeclarations(text), text, parser, parses);
  const u2 = new UnitDeclarations(splitDeclarations(text), text, parser, parses);
  assert.equal(u1.parse(1), u2.parse(1));
  assert.equal(parses.size, 1);
  u1.dispose();
  assert.equal(parses.size, 1);
  u2.dispose();
  assert.equal(parses.size, 0, 'an idle budget of 0 keeps nothing');
});

test('an edit of a header updates the units that read it; layouts equal a fresh project', async () => {
  const tree = path.resolve(__dirname, '../../../../samples/mini-kernel');
  const netmem = path.join(tree, 'include/net/netmem.h');
  const text = fs.readFileSync(netmem, 'utf8');
  const edited = text.replace(/struct net_iov \{/, 'struct net_iov {\n\tunsigned long grown_for_the_test;');
  assert.notEqual(edited, text);
  const p = await OverlayProject.open({ srcDir: tree });
  const before = p.layout('net_iov');
  assert.ok(before.ok);
  p.setFileText(netmem, edited);
  const after = p.layout('net_iov');
  assert.equal(p.unitsDropped, 0, 'the unit is updated, not rebuilt');
  const q = await OverlayProject.open({ srcDir: tree });
  q.setFileText(netmem, edited);
  const fresh = q.layout('net_iov');
  assert.ok(after.ok && fresh.ok);
  assert.deepEqual(p.json(after), q.json(fresh));
  assert.equal(after.layout.size, before.layout.size + 8);
  assert.equal(after.line, fresh.line);
});

test('after an edit, a layout is reused only where nothing it depends on changed', async () => {
  const tree = path.resolve(__dirname, '../../../../samples/mini-kernel');
  const types = path.join(tree, 'include/linux/types.h');
  const mm = path.join(tree, 'include/linux/mm_types.h');
  const text = fs.readFileSync(types, 'utf8');
  const p = await OverlayProject.open({ srcDir: tree });
  const fresh = async (t: string) => { const q = await OverlayProject.open({ srcDir: tree }); q.setFileText(types, t); return q.json(q.layout('page')); };
  const first = p.layout('page');
  assert.ok(first.ok);
  // an edit that struct page does not depend on: the same layout object comes back
  const unrelated = text.replace('typedef unsigned short u16;', 'typedef unsigned short u16;\ntypedef int unrelated_t;');
  p.setFileText(types, unrelated);
  const again = p.layout('page');
  assert.equal(p.unitsDropped, 0);
  assert.ok(again.ok);
  assert.equal(again.layout, first.layout, 'reused');
  // struct list_head grows: page's lru grows with it
  const grown = unrelated.replace('struct list_head { struct list_head *next, *prev; };', 'struct list_head { struct list_head *next, *prev; long extra; };');
  p.setFileText(types, grown);
  const g = p.layout('page');
  assert.equal(p.unitsDropped, 0);
  assert.ok(g.ok);
  assert.notEqual(g.layout, first.layout);
  assert.deepEqual(p.json(g), await fresh(grown));
  assert.ok(g.layout.size > first.layout.size);
  // a typedef the page uses changes: atomic_t's counter becomes 8 bytes
  const atomic = grown.replace('typedef struct { int counter; } atomic_t;', 'typedef struct { long counter; } atomic_t;');
  p.setFileText(types, atomic);
  const a = p.layout('page');
  assert.deepEqual(p.json(a), await fresh(atomic));
  // an edit of mm_types.h itself, outside struct page
  p.setFileText(mm, fs.readFileSync(mm, 'utf8').replace('struct page_pool;', 'struct page_pool;\nstruct unrelated;'));
  const b = p.layout('page');
  assert.ok(b.ok && a.ok);
  assert.equal(b.layout, a.layout, 'reused across an edit of its own header');
});
