import { test } from 'node:test';
import assert from 'node:assert/strict';
import { view, pageSpec, netIovSpec, mirrorExpr } from './views';
import { StructView, findMember } from '../../../src/engine/checks/layout-view';
import { AssertResult, AssertSite, evaluateAsserts } from '../../../src/engine/checks/asserts';
import { pairsFromAsserts, pairsFromGroups, pairsFromUnions, mirrorAssertOf, taggedGroups, tagUses } from '../../../src/engine/checks/overlay-pairs';
import { mirrorMap } from '../../../src/engine/checks/mirror-map';
import { EvalContext } from '../../../src/engine/eval/evaluate';
import { overhead, parseSize } from '../../../src/engine/checks/overhead';
import { mergeSweep, parseSweep, SweepItem, sweepConfig } from '../../../src/engine/checks/sweep';

function ctxOf(...views: StructView[]): EvalContext {
  const byName = (t: string) => views.find((v) => `struct ${v.name}` === t.trim());
  const unknown = (why: string) => ({ ok: false as const, reason: why });
  const size = { bits: 64, signed: false };
  return {
    sizeType: size,
    sizeof: (t) => { const v = byName(t.text); return v ? { ok: true, value: BigInt(v.size), type: size } : unknown(`no layout for ${t.text}`); },
    alignof: (t) => { const v = byName(t.text); return v ? { ok: true, value: BigInt(v.align), type: size } : unknown(`no layout for ${t.text}`); },
    offsetof: (t, d) => {
      const v = byName(t.text);
      if (!v) return unknown(`no layout for ${t.text}`);
      const m = findMember(v, d.join('.'));
      return m ? { ok: true, value: BigInt(m.offsetBits / 8), type: size } : unknown(`${t.text} has no member ${d.join('.')}`);
    },
  };
}

const NETMEM = 'include/net/netmem.h';
function sites(pairs: Array<[string, string]>, firstLine = 48): AssertSite[] {
  return pairs.map(([pg, iov], i) => ({
    kind: 'static_assert', at: { file: NETMEM, line: firstLine + i, column: 1 },
    macro: { name: 'NET_IOV_ASSERT_OFFSET', args: [pg, iov] },
    text: `offsetof(struct page, ${pg}) == offsetof(struct net_iov, ${iov})`, cond: mirrorExpr('page', pg, 'net_iov', iov),
  }));
}
const ASSERTED: Array<[string, string]> = [['pp_magic', 'pp_magic'], ['pp', 'pp'], ['dma_addr', 'dma_addr'], ['pp_ref_count', 'pp_ref_count']];

function check(page: StructView, niov: StructView, asserted = ASSERTED) {
  const results = evaluateAsserts(sites(asserted), ctxOf(page, niov));
  const [pair] = pairsFromAsserts(results);
  const map = mirrorMap(pair, page, niov, {
    fixFor: (_p, a, b) => ({ description: 'add the assert', file: NETMEM, insertBeforeLine: 52, text: `NET_IOV_ASSERT_OFFSET(${a}, ${b});` }),
  });
  return { results, pair, map };
}

test('6.12-shaped net_iov: asserts pass, owner is the one unasserted overlay, with the line to add', () => {
  const page = view('page', 'include/linux/mm_types.h', pageSpec);
  const niov = view('net_iov', NETMEM, netIovSpec);
  assert.equal(page.size, 64);
  assert.equal(niov.size, 48);
  const { results, pair, map } = check(page, niov);
  assert.deepEqual(results.map((r) => r.status), ['pass', 'pass', 'pass', 'pass']);
  assert.equal(results[1].lhs, '16');
  assert.equal(results[1].rhs, '16');
  assert.deepEqual([pair.a, pair.b], ['page', 'net_iov']);
  assert.equal(map.regions.length, 1);
  assert.deepEqual([map.regions[0].start, map.regions[0].end], [8, 48]);
  const status = Object.fromEntries(map.rows.map((r) => [r.field.path, r.status]));
  assert.deepEqual(status, { __unused_padding: 'padding', pp_magic: 'asserted', pp: 'asserted', owner: 'unasserted', dma_addr: 'asserted', pp_ref_count: 'asserted' });
  assert.equal(map.findings.length, 1);
  const f = map.findings[0];
  assert.equal(f.rule, 'overlay/unasserted-field');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /net_iov\.owner \(offset 24, 8 bytes\) overlays page\._pp_mapping_pad/);
  assert.equal(f.fix?.text, 'NET_IOV_ASSERT_OFFSET(_pp_mapping_pad, owner);');
  assert.equal(f.line, map.rows.find((r) => r.field.path === 'owner')!.field.decl!.line);
});

test('swapping two mirrored fields fails their asserts with both values', () => {
  const spec = netIovSpec.slice();
  [spec[1], spec[2]] = [spec[2], spec[1]];
  const { results, map } = check(view('page', 'mm_types.h', pageSpec), view('net_iov', NETMEM, spec));
  const failed = results.filter((r) => r.status === 'fail');
  assert.equal(failed.length, 2);
  assert.deepEqual([failed[0].lhs, failed[0].rhs], ['8', '16']);
  assert.ok(failed[0].terms.some((t) => t.text === 'offsetof(struct net_iov, pp_magic)' && t.value === '16'));
  assert.equal(map.rows.filter((r) => r.status === 'assert-fails').length, 2);
  // each failing mirror says where net_iov's field must go: where page has it, i.e. where the other one is now
  const niov = map.b;
  const moves = Object.fromEntries(map.failing.map((f) => [f.move.field, f.move]));
  assert.deepEqual(Object.keys(moves).sort(), ['pp', 'pp_magic']);
  assert.deepEqual([moves.pp_magic.from, moves.pp_magic.to], [16, 8]);
  assert.equal(moves.pp_magic.at?.member, 'pp');
  assert.equal(moves.pp_magic.at?.place, 'at');
  assert.equal(moves.pp_magic.at?.line, findMember(niov, 'pp')!.decl!.line);
  assert.deepEqual([moves.pp.from, moves.pp.to, moves.pp.at?.member], [8, 16, 'pp_magic']);
  // and points at both fields: page's, then net_iov's own
  const f = map.failing.find((x) => x.move.field === 'pp_magic')!;
  assert.equal(f.result, failed.find((r) => r.site.macro?.args[0] === 'pp_magic'));
  assert.deepEqual(f.related.map((r) => [r.file, r.line]), [['mm_types.h', findMember(map.a, 'pp_magic')!.decl!.line], [NETMEM, findMember(niov, 'pp_magic')!.decl!.line]]);
  assert.match(f.related[0].message, /page\.pp_magic \(offset 8, 8 bytes\)/);
});

test('a field inserted before the mirrors: each must go back to its page offset, after the member before that offset', () => {
  const spec = netIovSpec.slice();
  spec.splice(1, 0, ['inserted', 'unsigned int', 4]);
  const { map } = check(view('page', 'mm_types.h', pageSpec), view('net_iov', NETMEM, spec));
  const pp = map.failing.find((x) => x.move.field === 'pp')!;
  // pp_magic now sits at 16 and pp at 24; pp belongs at 16, where pp_magic is
  assert.deepEqual([pp.move.from, pp.move.to, pp.move.at?.member, pp.move.at?.place], [24, 16, 'pp_magic', 'at']);
  const magic = map.failing.find((x) => x.move.field === 'pp_magic')!;
  // pp_magic belongs at 8, where `inserted` starts
  assert.deepEqual([magic.move.from, magic.move.to, magic.move.at?.member], [16, 8, 'inserted']);
});

test('findings point at the partner field: the unasserted owner at page._pp_mapping_pad and the pair\'s last assert', () => {
  const page = view('page', 'include/linux/mm_types.h', pageSpec);
  const { map } = check(page, view('net_iov', NETMEM, netIovSpec));
  const [f] = map.findings;
  assert.ok(f.related && f.related.length === 2, JSON.stringify(f.related));
  assert.equal(f.related[0].file, 'include/linux/mm_types.h');
  assert.equal(f.related[0].line, findMember(page, '_pp_mapping_pad')!.decl!.line);
  assert.match(f.related[0].message, /page\._pp_mapping_pad \(offset 24, 8 bytes\)/);
  assert.deepEqual([f.related[1].file, f.related[1].line], [NETMEM, 48 + ASSERTED.length - 1]);
  assert.match(f.related[1].message, /NET_IOV_ASSERT_OFFSET\(pp_ref_count, pp_ref_count\)/);
  assert.equal(map.failing.length, 0, 'nothing fails: no moves');
});

test('pp_ref_count as atomic_t: the offset assert passes, the size mismatch is an error', () => {
  const spec = netIovSpec.map((s) => (s[0] === 'pp_ref_count' ? ['pp_ref_count', 'atomic_t', 4] : s)) as typeof netIovSpec;
  const { results, map } = check(view('page', 'mm_types.h', pageSpec), view('net_iov', NETMEM, spec));
  assert.ok(results.every((r) => r.status === 'pass'));
  const f = map.findings.find((x) => x.rule === 'overlay/mirror-size-mismatch');
  assert.ok(f, JSON.stringify(map.findings));
  assert.equal(f.severity, 'error');
  assert.match(f.message, /atomic_t \(4 bytes\) where page has atomic_long_t \(8 bytes\)/);
});

test('a deleted assert leaves its field unasserted; growing net_iov spills out of the page_pool region', () => {
  const page = view('page', 'mm_types.h', pageSpec);
  const { map } = check(page, view('net_iov', NETMEM, netIovSpec), ASSERTED.filter(([a]) => a !== 'dma_addr'));
  assert.deepEqual(map.findings.map((f) => f.rule).sort(), ['overlay/unasserted-field', 'overlay/unasserted-field']);
  assert.ok(map.findings.some((f) => f.fix?.text === 'NET_IOV_ASSERT_OFFSET(dma_addr, dma_addr);'));

  const grown = view('net_iov', NETMEM, [...netIovSpec, ['extra', 'unsigned long', 8]]);
  const g = check(page, grown).map;
  const spill = g.findings.find((f) => f.rule === 'overlay/outside-region');
  assert.ok(spill, JSON.stringify(g.findings));
  assert.match(spill.message, /net_iov\.extra \(offset 48, 8 bytes\) lies outside the region it mirrors/);
  // what it runs into: struct page's fields after the region, not the region's (it has none there)
  assert.match(spill.message, /it overlays page\._mapcount, page\.page_type/);
  assert.match(spill.related![0].message, /the region it mirrors: the anonymous struct of struct page \(offset 8, 40 bytes\)/);
});

test('6.13-6.16-shaped net_iov: its own first word (`type`) over page.flags, in front of the mirrored region, is info with no assert to add, not an error', () => {
  const page = view('page', 'mm_types.h', pageSpec);
  const spec = netIovSpec.slice();
  spec[0] = ['type', 'enum net_iov_type', 8];
  const { map } = check(page, view('net_iov', NETMEM, spec));
  const row = map.rows.find((r) => r.field.path === 'type')!;
  assert.equal(row.status, 'unasserted');
  assert.deepEqual(row.overlays.map((o) => o.path), ['flags']);
  const f = map.findings.find((x) => x.key.endsWith(':type'))!;
  assert.deepEqual([f.rule, f.severity, f.fix], ['overlay/unasserted-field', 'info', undefined]);
  assert.match(f.message, /net_iov\.type \(offset 0, 8 bytes\) overlays page\.flags, in front of the region it mirrors/);
  assert.deepEqual(map.findings.filter((x) => x.severity === 'error'), []);
});

test('an inserted field before pp shifts the mirror: asserts fail', () => {
  const spec = netIovSpec.slice();
  spec.splice(2, 0, ['new_field', 'unsigned long', 8]);
  const { results } = check(view('page', 'mm_types.h', pageSpec), view('net_iov', NETMEM, spec));
  assert.deepEqual(results.map((r) => r.status), ['pass', 'fail', 'fail', 'fail']);
});

test('asserts over an unknown struct or member are unknown with a reason, never fail', () => {
  const page = view('page', 'mm_types.h', pageSpec);
  const r = evaluateAsserts(sites([['pp', 'no_such_field']]), ctxOf(page, view('net_iov', NETMEM, netIovSpec)));
  assert.equal(r[0].status, 'unknown');
  assert.match(r[0].reason!, /no member no_such_field/);
  const r2 = evaluateAsserts(sites([['pp', 'pp']]), ctxOf(page));
  assert.equal(r2[0].status, 'unknown');
  assert.match(r2[0].reason!, /no layout for struct net_iov/);
  const half: AssertSite = { kind: 'static_assert', at: { file: 'x.h', line: 1, column: 1 }, text: 'offsetof(struct page,', cond: { k: 'unknown', reason: 'x' }, unreadable: 'the assert is incomplete (syntax error)' };
  assert.equal(evaluateAsserts([half], ctxOf(page))[0].status, 'unknown');
});

test('FOLIO_MATCH "+ k * sizeof(struct page)" forms name page as the overlaid struct, k-th copy', () => {
  const r = evaluateAsserts([{ kind: 'static_assert', at: { file: 'mm_types.h', line: 431, column: 1 }, text: '', cond: mirrorExpr('page', 'flags', 'folio', '_flags_1', 1) }], ctxOf());
  const m = mirrorAssertOf(r[0]);
  assert.deepEqual(m && [m.a, m.aPath, m.b, m.bPath, m.k], ['page', 'flags', 'folio', '_flags_1', 1]);
});

test('a union holding a whole struct page makes an overlay pair; other structs in unions do not', () => {
  const folio = view('folio', 'mm_types.h', [[null, 'union', [[null, 'struct', [['flags', 'unsigned long', 8], ['lru', 'struct list_head', 16]]], ['page', 'struct page', 64]]]]);
  folio.members[0].children![1].type = 'struct page';
  folio.members[0].children![0].children![1].type = 'struct list_head';
  assert.deepEqual(pairsFromUnions(folio, new Set(['page'])).map((p) => [p.a, p.b]), [['page', 'folio']]);
  assert.deepEqual(pairsFromUnions(folio, new Set(['list_head_only'])), []);
});

// 6.17's netmem.h: struct netmem_desc mirrors struct page (NETMEM_DESC_ASSERT_OFFSET), and net_iov holds a
// whole netmem_desc in its first union beside the same fields spelled out (NET_IOV_ASSERT_OFFSET), then its own.
const DESC: Array<[string, string, number]> = [['_flags', 'unsigned long', 8], ['pp_magic', 'unsigned long', 8], ['pp', 'struct page_pool *', 8], ['_pp_mapping_pad', 'unsigned long', 8], ['dma_addr', 'unsigned long', 8], ['pp_ref_count', 'atomic_long_t', 8]];
function descPair(asserted: string[], tail: Array<[string, string, number]> = [['owner', 'struct net_iov_area *', 8], ['type', 'enum net_iov_type', 4]], secondDesc = false) {
  const desc = view('netmem_desc', NETMEM, DESC);
  const niov = view('net_iov', NETMEM, [
    [null, 'union', [['desc', 'struct', DESC], [null, 'struct', DESC]]],
    ...(secondDesc ? [[null, 'union', [['__desc_1', 'struct', DESC], [null, 'struct', DESC.map(([n, t, z]) => [`${n}_1`, t, z] as [string, string, number])]]] as never] : []),
    ...tail,
  ]);
  niov.members[0].children![0].type = 'struct netmem_desc';
  if (secondDesc) niov.members[1].children![0].type = 'struct netmem_desc';
  const results = evaluateAsserts(asserted.map((f, i) => ({
    kind: 'static_assert', at: { file: NETMEM, line: 60 + i, column: 1 }, macro: { name: 'NET_IOV_ASSERT_OFFSET', args: [f, f] },
    text: `offsetof(struct netmem_desc, ${f}) == offsetof(struct net_iov, ${f})`, cond: mirrorExpr('netmem_desc', f, 'net_iov', f),
  }) as AssertSite), ctxOf(desc, niov));
  const [pair] = pairsFromAsserts(results);
  return { results, pair, map: mirrorMap(pair, desc, niov), desc, niov };
}

test('6.17-shaped net_iov starts with a whole netmem_desc: its fields past it are its own, not a next netmem_desc\'s (no false alarm)', () => {
  const all = DESC.map(([n]) => n);
  const { results, pair, map, niov } = descPair(all);
  assert.deepEqual([pair.a, pair.b, niov.size], ['netmem_desc', 'net_iov', 64]);
  assert.ok(results.every((r) => r.status === 'pass'));
  const status = Object.fromEntries(map.rows.map((r) => [r.field.path, r.status]));
  assert.equal(status.desc, 'whole');
  for (const f of all) assert.equal(status[f], 'asserted', f);
  // owner at 48 would wrap onto netmem_desc._flags if net_iov were taken for an array of them
  assert.equal(status.owner, 'own');
  assert.equal(status.type, 'own');
  assert.deepEqual(map.rows.find((r) => r.field.path === 'owner')!.overlays, []);
  assert.deepEqual(map.findings, [], 'no outside-region, no larger-than-region');
  assert.deepEqual(map.regions.map((r) => [r.start, r.end]), [[0, 48]]);
  // an assert deleted: the field spelled beside the whole netmem_desc must mirror it, so this is a warning
  const gap = descPair(all.filter((f) => f !== 'dma_addr'));
  assert.deepEqual(gap.map.findings.map((f) => [f.rule, f.severity, f.message.split(' ')[0]]), [['overlay/unasserted-field', 'warning', 'net_iov.dma_addr']]);
});

test('a descriptor holding a second whole struct after the first is an array of them (folio\'s __page_1): its later fields overlay the next one', () => {
  const { map } = descPair(DESC.map(([n]) => n), [], true);
  const tail = map.rows.find((r) => r.field.path === 'pp_1')!;
  // what it was before B-extends-A existed: no assert ties the second copy, so it is outside the asserted region
  assert.equal(tail.status, 'outside-region');
  assert.equal(tail.k, 1);
  assert.deepEqual(tail.overlays.map((o) => o.path), ['pp']);
});

test('overhead: the seed thread numbers', () => {
  const o = overhead('net_iov', 48, 4096, parseSize('10M'));
  assert.deepEqual(o.region, { bytes: 10485760, descriptors: 2560, arrayBytes: 122880, arrayPages: 30 });
  assert.equal(overhead('page', 64, 4096).percent, 1.5625);
});

test('sweep: findings present under some configurations only are labelled with them', () => {
  const mk = (key: string) => ({ rule: 'overlay/assert-fails', severity: 'error' as const, file: 'a.h', line: 1, column: 1, message: 'm', key });
  const merged = mergeSweep([
    { label: 'tree', result: { findings: [mk('both')] } },
    { label: 'i386', result: { findings: [mk('both'), mk('only-i386')] } },
  ]);
  assert.equal(merged.length, 2);
  const only = merged.find((f) => f.key === 'only-i386')!;
  assert.deepEqual(only.onlyUnder, ['i386']);
  assert.equal(only.rule, 'overlay/config-dependent');
  assert.equal(only.severity, 'error', 'at the finding\'s own severity');
  assert.match(only.message, /only under: i386; not under: tree/);
  assert.equal(merged.find((f) => f.key === 'both')!.rule, 'overlay/assert-fails', 'what every configuration has keeps its rule');
  assert.deepEqual(parseSweep('tree,memcg-off,i386+CONFIG_SMP=n'), [
    { label: 'tree', overrides: {} },
    { label: 'memcg-off', overrides: { CONFIG_MEMCG: null } },
    { label: 'i386+CONFIG_SMP=n', arch: 'i386', overrides: { CONFIG_SMP: null } },
  ]);
  // another build dir: its own .config and arch, the tree's --arch not carried over; the tree itself changes nothing
  const [tree, other] = parseSweep('tree,O=../build-arm64+CONFIG_MEMCG=n') as SweepItem[];
  assert.deepEqual(other, { label: 'O=../build-arm64+CONFIG_MEMCG=n', buildDir: '../build-arm64', overrides: { CONFIG_MEMCG: null } });
  assert.deepEqual(sweepConfig(other, { arch: 'x86_64' }, (d) => `/abs/${d}`), { buildDir: '/abs/../build-arm64', configFile: undefined, arch: undefined, overrides: { CONFIG_MEMCG: null } });
  assert.equal(sweepConfig(tree, { arch: 'x86_64' }, (d) => d), undefined);
  assert.deepEqual(sweepConfig({ label: 'i386', arch: 'i386', overrides: {} }, { arch: 'x86_64' }, (d) => d), { arch: 'i386', overrides: {} });
  assert.ok('error' in (parseSweep('bogus item!') as object));
});

test('sweep: a configuration that could not decide a finding (its pair or assert unknown) is "unknown under", never "not under"', () => {
  const mk = (rule: string, key: string) => ({ rule, severity: 'warning' as const, file: 'include/net/netmem.h', line: 27, column: 2, message: 'net_iov.owner overlays page._pp_mapping_pad', key });
  const unasserted = mk('overlay/unasserted-field', 'page:net_iov:owner');
  const assertSite = sites([['pp', 'pp']])[0];
  const failing = mk('overlay/assert-fails', `assert:${assertSite.at.file}:${assertSite.text}`);
  const result = (status: 'pass' | 'fail' | 'unknown') => ({ site: assertSite, status, terms: [] }) as unknown as AssertResult;
  const merged = mergeSweep([
    { label: 'tree', result: { findings: [unasserted, failing], asserts: [result('fail')] } },
    // an arch whose generated headers are missing: struct page not laid out, the assert unknown
    { label: 'arm64', result: { findings: [], asserts: [result('unknown')], undecided: ['page:net_iov:'] } },
    { label: 'i386', result: { findings: [unasserted], asserts: [result('pass')] } },
  ]);
  const u = merged.find((f) => f.key === unasserted.key)!;
  assert.equal(u.rule, 'overlay/unasserted-field', 'every configuration that decided it has it');
  assert.equal(u.onlyUnder, undefined);
  assert.match(u.message, /\[unknown under: arm64\]$/);
  const a = merged.find((f) => f.key === failing.key)!;
  assert.equal(a.rule, 'overlay/config-dependent', 'i386 decided the assert, and it passes there');
  assert.match(a.message, /only under: tree; not under: i386; unknown under: arm64\]$/);
  // without the undecided keys the same runs read as "not under: arm64" (the old answer, a false claim)
  const blind = mergeSweep([
    { label: 'tree', result: { findings: [unasserted] } },
    { label: 'arm64', result: { findings: [] } },
  ]);
  assert.match(blind[0].message, /not under: arm64/);
});

test('struct_group_tagged(): a descriptor that embeds a group of struct page by its tag is paired with it, and a group moved is an error', () => {
  // struct page with its page_pool fields as struct_group_tagged(page_pp, pp_fields, ...): an anonymous struct and `struct page_pp pp_fields`
  const ppFields: Parameters<typeof view>[2] = [['pp_magic', 'unsigned long', 8], ['pp', 'struct page_pool *', 8], ['_pp_mapping_pad', 'unsigned long', 8], ['dma_addr', 'unsigned long', 8], ['pp_ref_count', 'atomic_long_t', 8]];
  const page = view('page', 'include/linux/mm_types.h', [
    ['flags', 'unsigned long', 8],
    [null, 'union', [
      [null, 'struct', [['lru', 'struct list_head', 16], ['mapping', 'struct address_space *', 8], ['index', 'unsigned long', 8], ['private', 'unsigned long', 8]]],
      [null, 'union', [[null, 'struct', ppFields], ['pp_fields', 'struct', ppFields]]],
    ]],
    ['_refcount', 'atomic_t', 4],
  ]);
  const retag = (v: StructView, path: string, type: string) => { const m = findMember(v, path)!; m.type = type; return v; };
  retag(page, 'pp_fields', 'struct page_pp');
  const desc = (padding: number) => retag(view('net_iov', NETMEM, [
    ['__unused_padding', 'unsigned long', padding],
    ['pp_fields', 'struct', ppFields],
  ]), 'pp_fields', 'struct page_pp');
  assert.deepEqual(taggedGroups(page).map((g) => [g.tag, g.path]), [['page_pp', 'pp_fields']]);

  const [pair] = pairsFromGroups(page, tagUses(desc(8)));
  assert.deepEqual([pair.a, pair.b, pair.source, pair.group], ['page', 'net_iov', 'group', { tag: 'page_pp', aPath: 'pp_fields', bPath: 'pp_fields' }]);
  const ok = mirrorMap(pair, page, desc(8));
  assert.equal(ok.rows.find((r) => r.field.path === 'pp_fields')!.status, 'group');
  assert.deepEqual([ok.regions[0].start, ok.regions[0].end], [8, 48], 'the region is the group');
  assert.equal(ok.findings.filter((f) => f.severity === 'error').length, 0, JSON.stringify(ok.findings));

  // two more bytes of padding in front: the group no longer lines up with page's
  const moved = mirrorMap(pair, page, desc(16));
  assert.equal(moved.rows.find((r) => r.field.path === 'pp_fields')!.status, 'group-moved');
  const f = moved.findings.find((x) => x.rule === 'overlay/group-offset');
  assert.ok(f && f.severity === 'error' && /offset 8\), but starts at offset 16/.test(f.message), JSON.stringify(moved.findings));

  // a struct using a tag that is no group of page (a plain struct member) is no pair
  assert.deepEqual(pairsFromGroups(page, [{ b: 'other', tag: 'list_head', path: 'lru' }]), []);
});
