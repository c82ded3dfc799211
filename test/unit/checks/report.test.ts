import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckReport, assertFindings, failed, toJson, toSarif, toText, mirrorTable } from '../../../src/engine/checks/report';
import { RULES } from '../../../src/engine/checks/findings';
import { mirrorMap } from '../../../src/engine/checks/mirror-map';
import { pairsFromAsserts } from '../../../src/engine/checks/overlay-pairs';
import { AssertResult } from '../../../src/engine/checks/asserts';
import { view, pageSpec, netIovSpec, mirrorExpr } from './views';

function sample(): CheckReport {
  const page = view('page', '/k/include/linux/mm_types.h', pageSpec);
  const niov = view('net_iov', '/k/include/net/netmem.h', netIovSpec);
  const mk = (a: string, status: 'pass' | 'fail', lhs: string, rhs: string): AssertResult => ({
    site: { kind: 'static_assert', at: { file: '/k/include/net/netmem.h', line: 50, column: 1 }, macro: { name: 'NET_IOV_ASSERT_OFFSET', args: [a, a] }, text: `offsetof(struct page, ${a}) == offsetof(struct net_iov, ${a})`, cond: mirrorExpr('page', a, 'net_iov', a) },
    status, lhs, rhs, op: '==', terms: [{ text: `offsetof(struct page, ${a})`, value: lhs }],
  });
  const asserts = [mk('pp', 'pass', '16', '16'), mk('dma_addr', 'fail', '32', '40')];
  const [pair] = pairsFromAsserts(asserts);
  const m = mirrorMap(pair, page, niov, { fixFor: (_p, a, b) => ({ description: 'add assert', file: '/k/include/net/netmem.h', insertBeforeLine: 53, text: `NET_IOV_ASSERT_OFFSET(${a}, ${b});` }) });
  return { root: '/k', configLabel: 'x86_64 · test', asserts, findings: [...assertFindings(asserts), ...m.findings], mirrors: [m], overheads: [], notes: [] };
}

test('JSON has the documented shape, paths relative to the tree', () => {
  const j = toJson(sample()) as any;
  assert.deepEqual(Object.keys(j.asserts[0]).slice(0, 4), ['file', 'line', 'expr', 'macro']);
  assert.equal(j.asserts[1].status, 'fail');
  assert.equal(j.asserts[1].file, 'include/net/netmem.h');
  assert.deepEqual(j.summary, { pass: 1, fail: 1, unknown: 0 });
  const rules = j.findings.map((f: any) => f.rule);
  assert.ok(rules.includes('overlay/assert-fails'));
  assert.ok(rules.includes('overlay/unasserted-field'));
  const fix = j.findings.find((f: any) => f.fix).fix;
  assert.equal(fix.file, 'include/net/netmem.h');
});

test('SARIF 2.1.0: required properties, rule indexes, levels, fixes', () => {
  const s = toSarif(sample(), '0.1.0') as any;
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.equal(run.tool.driver.name, 'overlay-lens');
  const ids = run.tool.driver.rules.map((r: any) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of run.results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.ok(['error', 'warning', 'note', 'none'].includes(r.level));
    assert.equal(typeof r.message.text, 'string');
    const loc = r.locations[0].physicalLocation;
    assert.ok(!loc.artifactLocation.uri.startsWith('/'));
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
  }
  const withFix = run.results.find((r: any) => r.fixes && /owner/.test(r.message.text));
  assert.equal(withFix.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, 'NET_IOV_ASSERT_OFFSET(_pp_mapping_pad, owner);\n');
});

test('text and exit status: a failing assert fails the run; the mirror table has a row per field', () => {
  const r = sample();
  assert.equal(failed(r), true);
  assert.equal(failed({ ...r, asserts: r.asserts.filter((a) => a.status === 'pass'), findings: r.findings.filter((f) => f.rule !== RULES.assertFails.id) }), false);
  const t = toText(r);
  assert.match(t, /include\/net\/netmem\.h:50:1: error: NET_IOV_ASSERT_OFFSET\(dma_addr, dma_addr\)/);
  assert.match(t, /asserts: 1 pass, 1 fail, 0 unknown/);
  const table = mirrorTable(r.mirrors[0]);
  assert.match(table, /owner\s+unsigned long _pp_mapping_pad\s+unasserted/);
  assert.equal(table.split('\n').filter((l) => /^\s+\d+\s+\d+ /.test(l)).length, 6);
});
