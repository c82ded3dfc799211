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
  assert.deepEqual(p.setFileText(netmem, broken), [], 'the unit is updated, not dropped');
  const after = p.check([netmem]);
  const failing = after.asserts.filter((a) => a.status === 'fail');
  assert.ok(failing.length >= 3, `${failing.length} failing asserts after the insert`);
  const fresh = await OverlayProject.open({ srcDir: tree });
  fresh.setFileText(netmem, broken);
  assert.deepEqual(summary(after), summary(fresh.check([netmem])));
  // and back
  assert.deepEqual(p.setFileText(netmem, undefined), []);
  assert.deepEqual(summary(p.check([netmem])), summary(before));
});
