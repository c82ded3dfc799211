// A run on worker threads has its overlay half (the pairs' layouts and mirror maps) answered
// by a worker at the end of the run, with the worker's header recordings, instead of on the
// main thread (engine/project/tree-check.ts, checkFiles). The answer must be the one the main
// thread gives: on a copy of the sample tree with a few .c units, once as it is and once with
// a net_iov mirror broken, so that a failing mirror's related fields and move come through too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { checkFiles } from '../../../src/engine/project/tree-check';
import { withSampleCopy, writeTreeFiles } from '../../support/sample-tree';

const UNITS = {
  'net/core/a.c': '#include <net/netmem.h>\nstatic_assert(sizeof(struct net_iov) % 8 == 0);\n',
  'net/core/b.c': '#include <linux/types.h>\nstatic_assert(sizeof(u64) == 8);\n',
  'mm/c.c': '#include <linux/mm_types.h>\nstatic_assert(sizeof(struct list_head) == 16);\n',
};

/** The report's overlay half, as JSON (what a worker's answer must reproduce byte for byte). */
function overlayPart(r: Awaited<ReturnType<OverlayProject['checkAsync']>>): string {
  return JSON.stringify({ mirrors: r.mirrors, findings: r.findings, notes: r.notes, overheads: r.overheads, undecided: r.undecided });
}

async function compare(tree: string, broken: boolean): Promise<void> {
  const p = await OverlayProject.open({ srcDir: tree });
  const files = p.filesToCheck(['include', 'net', 'mm']);
  assert.ok(files.length >= 4, files.join(' '));

  // the mechanism: a pool ran, so a worker answered the overlays (and what it was made from: the same files, the same structs located)
  let offered = false;
  const asked = await checkFiles(p, files, { workers: 2 }, async (rs, { ask }) => { offered = !!ask; return ask ? ask(p.overlayQuestion(rs)) : p.overlays(p.overlayQuestion(rs), []); });
  assert.ok(offered, 'a pool ran: the worker was offered');
  assert.ok(asked.overlays, 'a worker answered the overlay half');
  const here = p.overlays(p.overlayQuestion(asked.results), []);
  assert.equal(JSON.stringify(asked.overlays), JSON.stringify(here), 'the worker answers as this thread does');
  const pair = asked.overlays.mirrors.find((m) => m.a.name === 'page' && m.b.name === 'net_iov');
  assert.ok(pair, `page ◀ net_iov is mapped: ${asked.overlays.mirrors.map((m) => `${m.a.name}◀${m.b.name}`).join(', ')}`);
  assert.equal(pair.failing.length > 0, broken, 'a failing mirror assert exactly when one is broken');

  // the report: on worker threads and in this thread alike
  const viaWorkers = await p.checkAsync(['include', 'net', 'mm'], { workers: 2 });
  const inThread = p.check(['include', 'net', 'mm']);
  assert.equal(overlayPart(viaWorkers), overlayPart(inThread));
  if (broken) {
    const f = viaWorkers.findings.find((x) => x.rule === 'overlay/assert-fails' && x.move);
    assert.ok(f, `the failing assert's finding carries where the field must go: ${viaWorkers.findings.map((x) => x.rule).join(', ')}`);
  }
}

test('overlays answered by a worker thread equal the main thread\'s (sample tree, and with a mirror broken)', async () => {
  await withSampleCopy('ol-overlays-worker-', async (tree) => {
    writeTreeFiles(tree, UNITS);
    await compare(tree, false);
    // swap two mirrored fields of net_iov: NET_IOV_ASSERT_OFFSET(pp_magic, pp_magic) and (pp, pp) fail
    const netmem = path.join(tree, 'include/net/netmem.h');
    const text = fs.readFileSync(netmem, 'utf8');
    const swapped = text.replace(/(\tunsigned long pp_magic;\n)(\tstruct page_pool \*pp;\n)/, '$2$1');
    assert.notEqual(swapped, text, 'the sample net_iov has pp_magic then pp');
    fs.writeFileSync(netmem, swapped);
    await compare(tree, true);
  });
});
