import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser, Language } from 'web-tree-sitter';
import { checkTagAlignment, findTaggedSchemes, findTaggedSchemesInText } from '../../../src/engine/checks/tagged-pointers';

// A header in the shape of netmem.h's conversion helpers (written for this test).
const HEADER = `
#define NET_IOV 0x01UL
typedef unsigned long __bitwise netmem_ref;
static inline bool netmem_is_net_iov(const netmem_ref netmem)
{
	return (__force unsigned long)netmem & NET_IOV;
}
static inline struct page *__netmem_to_page(netmem_ref netmem)
{
	return (__force struct page *)netmem;
}
static inline struct net_iov *netmem_to_net_iov(netmem_ref netmem)
{
	if (netmem_is_net_iov(netmem))
		return (struct net_iov *)((__force unsigned long)netmem & ~NET_IOV);
	return NULL;
}
static inline netmem_ref net_iov_to_netmem(struct net_iov *niov)
{
	return (__force netmem_ref)((unsigned long)niov | NET_IOV);
}
static inline struct page_pool *__netmem_get_pp(netmem_ref netmem)
{
	return __netmem_clear_lsb(netmem)->pp;
}
`;

async function parse(text: string) {
  await Parser.init();
  const lang = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const p = new Parser();
  p.setLanguage(lang);
  return p.parse(text)!;
}

test('netmem-style helpers: NET_IOV tags struct net_iov * and struct page * in netmem_ref, not page_pool', async () => {
  const schemes = findTaggedSchemes('netmem.h', await parse(HEADER));
  assert.equal(schemes.length, 1);
  const s = schemes[0];
  assert.equal(s.tag, 'NET_IOV');
  assert.equal(s.carrier, 'netmem_ref');
  assert.deepEqual([...s.structs.keys()].sort(), ['net_iov', 'page']);
});

test('tag alignment: 8-byte aligned passes, a packed net_iov (align 1) is an error naming both', async () => {
  const [s] = findTaggedSchemes('netmem.h', await parse(HEADER));
  const run = (align: Record<string, number>) => checkTagAlignment({
    scheme: s, mask: 1n, alignOf: (st) => align[st] ?? { reason: 'no layout' }, declOf: (st) => ({ file: 'netmem.h', line: st === 'net_iov' ? 20 : 5, column: 1 }),
  });
  assert.deepEqual(run({ page: 8, net_iov: 8 }).findings, []);
  const bad = run({ page: 8, net_iov: 1 });
  assert.equal(bad.findings.length, 1);
  assert.equal(bad.findings[0].rule, 'overlay/tag-bit-alignment');
  assert.match(bad.findings[0].message, /_Alignof\(struct net_iov\) is 1/);
  // A mask wider than the alignment allows: 3 needs align >= 4.
  const wide = checkTagAlignment({ scheme: s, mask: 3n, alignOf: () => 2, declOf: () => undefined });
  assert.equal(wide.findings.length, 2);
  // Unknown alignment is reported as unknown, never as a finding.
  const unk = run({ page: 8 });
  assert.equal(unk.findings.length, 0);
  assert.match(unk.results.find((r) => r.struct === 'net_iov')!.reason!, /no layout/);
});

test('from a file\'s text, parsing only the declarations that take part: the same schemes at the same places', async () => {
  const whole = findTaggedSchemes('netmem.h', await parse(HEADER));
  const seen: string[] = [];
  const one = new Parser();
  one.setLanguage(await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm')));
  const byDecl = findTaggedSchemesInText('netmem.h', HEADER + '\nstatic inline int unrelated(int x)\n{\n\treturn x + 1;\n}\n', (t) => { seen.push(t); return one.parse(t)!; }).schemes;
  assert.equal(byDecl.length, 1);
  assert.deepEqual([...byDecl[0].structs.entries()], [...whole[0].structs.entries()]);
  assert.deepEqual(byDecl[0].at, whole[0].at);
  // the tag ops, then the declarations that mention the carrier; never the unrelated function
  assert.ok(seen.length >= 2, `${seen.length} declarations parsed`);
  assert.ok(!seen.some((t) => t.includes('unrelated')));
  assert.ok(seen.every((t) => t.length < 400), 'declarations, not the file');
});

test('a re-scan after an edit parses nothing when the declarations it reads are unchanged, and again when they move or change', async () => {
  const one = new Parser();
  one.setLanguage(await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm')));
  let parses = 0;
  const parse = (t: string) => { parses++; return one.parse(t)!; };
  const STRUCT = 'struct net_iov {\n\tunsigned long pp_magic;\n};\n';
  const first = findTaggedSchemesInText('netmem.h', STRUCT + HEADER, parse);
  assert.ok(parses > 0);
  // a field typed into the struct: same declarations with tag ops, same carriers' users
  parses = 0;
  const edited = findTaggedSchemesInText('netmem.h', STRUCT.replace('\tunsigned', 'void*x;\tunsigned') + HEADER, parse, first);
  assert.equal(parses, 0);
  assert.equal(edited.schemes, first.schemes);
  // a line added above the functions moves every position: parsed again, positions one line down
  parses = 0;
  const moved = findTaggedSchemesInText('netmem.h', STRUCT + '\n' + HEADER, parse, first);
  assert.ok(parses > 0);
  assert.equal(moved.schemes[0].at.line, first.schemes[0].at.line + 1);
  // the tag ops edited away: nothing left to parse, no scheme
  const gone = findTaggedSchemesInText('netmem.h', STRUCT + HEADER.replace('& ~NET_IOV', '').replace('| NET_IOV', ''), parse, moved);
  assert.equal(gone.schemes.length, 0);
  // and back: found again, as at first
  const back = findTaggedSchemesInText('netmem.h', STRUCT + HEADER, parse, gone);
  assert.deepEqual(back.schemes.map((x) => [x.tag, x.carrier, [...x.structs.keys()]]), first.schemes.map((x) => [x.tag, x.carrier, [...x.structs.keys()]]));
});

test('a scan carried across edits answers as a fresh scan of the edited text, whatever the edit', async () => {
  const one = new Parser();
  one.setLanguage(await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm')));
  const parse = (t: string) => one.parse(t)!;
  const STRUCT = 'struct net_iov {\n\tunsigned long pp_magic;\n\tstruct page_pool *pp;\n};\n';
  const base = STRUCT + HEADER;
  const edits: Array<[string, (t: string) => string]> = [
    ['a field typed in a struct', (t) => t.replace('\tunsigned long pp_magic', 'void*x;\tunsigned long pp_magic')],
    ['a character deleted in a struct', (t) => t.replace('pp_magic', 'pp_magi')],
    ['a struct split in two', (t) => t.replace('\tstruct page_pool *pp;', '}; struct two {\tstruct page_pool *pp;')],
    ['a comment opened in a struct', (t) => t.replace('\tstruct page_pool *pp;', '/*\tstruct page_pool *pp;')],
    ['a declaration after the struct on its line', (t) => t.replace('};\n', '}; int after;\n')],
    ['a line added in a struct', (t) => t.replace('\tstruct page_pool *pp;', '\n\tstruct page_pool *pp;')],
    ['a tag op typed in a struct', (t) => t.replace('\tstruct page_pool *pp;', '\tint y[4 & ~NET_IOV];\n\tstruct page_pool *pp;')],
    ['a carrier named in a struct', (t) => t.replace('\tstruct page_pool *pp;', '\tnetmem_ref ref;\n\tstruct page_pool *pp;')],
    ['the tag op edited in its function', (t) => t.replace('& ~NET_IOV', '& ~NET_IOV ')],
  ];
  const view = (s: ReturnType<typeof findTaggedSchemesInText>) => ({
    schemes: s.schemes.map((x) => [x.tag, x.carrier, x.at, [...x.structs.entries()]]), starts: s.starts, ends: s.ends, first: s.first, more: s.more,
  });
  for (const [what, edit] of edits) {
    const last = findTaggedSchemesInText('netmem.h', base, parse);
    const text = edit(base);
    assert.notEqual(text, base, what);
    assert.deepEqual(view(findTaggedSchemesInText('netmem.h', text, parse, last)), view(findTaggedSchemesInText('netmem.h', text, parse)), what);
    // and back again, from the carried scan
    const carried = findTaggedSchemesInText('netmem.h', text, parse, last);
    assert.deepEqual(view(findTaggedSchemesInText('netmem.h', base, parse, carried)), view(last), `${what}, undone`);
  }
});
