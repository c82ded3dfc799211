// The editor's loop on the sample tree: check a header, edit it (unsaved), check
// again. The re-check must see the edit, come from the same unit brought up to
// date (no rebuild), and equal what a fresh project says of the edited text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';

const tree = path.resolve(__dirname, '../../../../samples/mini-kernel');
const netmem = path.join(tree, 'include/net/netmem.h');

const summary = (r: ReturnType<OverlayProject['check']>) => ({
  asserts: r.asserts.map((a) => `${path.basename(a.site.at.file)}:${a.site.at.line} ${a.status} ${a.lhs ?? ''} ${a.rhs ?? ''}`),
  findings: r.findings.map((f) => `${f.rule} ${path.basename(f.file)}:${f.line} ${f.message}`),
});

test('an edit between two checks updates the checked unit in place, and the re-check equals a fresh project', async () => {
  const text = fs.readFileSync(netmem, 'utf8');
  // a field inserted before pp_magic shifts every mirror after it
  const broken = text.replace('\tunsigned long pp_magic;', '\tunsigned long inserted;\n\tunsigned long pp_magic;');
  assert.notEqual(broken, text);
  const p = await OverlayProject.open({ srcDir: tree });
  const before = p.check([netmem]);
  assert.equal(before.asserts.filter((a) => a.status === 'fail').length, 0);
  p.setFileText(netmem, broken);
  const after = p.check([netmem]);
  assert.equal(p.unitsDropped, 0, 'the unit is updated, not dropped');
  const failing = after.asserts.filter((a) => a.status === 'fail');
  assert.ok(failing.length >= 3, `${failing.length} failing asserts after the insert`);
  const fresh = await OverlayProject.open({ srcDir: tree });
  fresh.setFileText(netmem, broken);
  assert.deepEqual(summary(after), summary(fresh.check([netmem])));
  // and back
  p.setFileText(netmem, undefined);
  assert.deepEqual(summary(p.check([netmem])), summary(before));
  assert.equal(p.unitsDropped, 0);
});

test('an edit of a header two checked units read: each unit is brought up to date when it is next checked, and both equal a fresh project', async () => {
  const mm = path.join(tree, 'include/linux/mm_types.h');
  const text = fs.readFileSync(mm, 'utf8');
  // struct page grows before pp_magic: every NET_IOV_ASSERT_OFFSET after it fails, in netmem.h's unit
  const grown = text.replace('\t\t\tunsigned long pp_magic;', '\t\t\tunsigned long inserted;\n\t\t\tunsigned long pp_magic;');
  assert.notEqual(grown, text);
  const p = await OverlayProject.open({ srcDir: tree });
  const netmemBefore = p.check([netmem]);
  p.check([mm]);
  p.setFileText(mm, grown);
  const fresh = await OverlayProject.open({ srcDir: tree });
  fresh.setFileText(mm, grown);
  // the header edited first, then the dependant (the editor's order)
  assert.deepEqual(summary(p.check([mm])), summary(fresh.check([mm])));
  const netmemAfter = p.check([netmem]);
  assert.deepEqual(summary(netmemAfter), summary(fresh.check([netmem])));
  assert.ok(netmemAfter.asserts.filter((a) => a.status === 'fail').length > netmemBefore.asserts.filter((a) => a.status === 'fail').length, 'the dependant sees the edit');
  // two edits before the dependant's next check: brought up to date once, to the last text
  p.setFileText(mm, text.replace('\tunsigned long flags;', '\tunsigned long flags; long one;'));
  p.setFileText(mm, undefined);
  assert.deepEqual(summary(p.check([netmem])), summary(netmemBefore));
  assert.equal(p.unitsDropped, 0, 'every unit was updated in place');
});

test('after an edit, the declarations holding text of each file are those a fresh unit of the edited text finds', async () => {
  const mm = path.join(tree, 'include/linux/mm_types.h');
  const text = fs.readFileSync(mm, 'utf8');
  const p = await OverlayProject.open({ srcDir: tree });
  const files = [netmem, mm, path.join(tree, 'include/linux/types.h')];
  const before = p.unit(netmem);
  for (const f of files) assert.ok(before.declarationsFrom(f).size > 0, `${path.basename(f)} has declarations in netmem.h's unit`);
  // a declaration more in mm_types.h (the ones after it move by one), and a field more in struct page
  const edited = text.replace('\tunsigned long flags;', '\tunsigned long flags; long one;').replace('struct page {', 'struct added { int x; };\nstruct page {');
  assert.notEqual(edited, text);
  p.setFileText(mm, edited);
  const after = p.unit(netmem);
  assert.notEqual(after, before, 'the unit was updated');
  assert.equal(p.unitsDropped, 0, 'in place, not rebuilt');
  const fresh = await OverlayProject.open({ srcDir: tree });
  fresh.setFileText(mm, edited);
  const other = fresh.unit(netmem);
  for (const f of files) assert.deepEqual([...after.declarationsFrom(f)], [...other.declarationsFrom(f)], path.basename(f));
});
