// Layouts after a chain of edits (unsaved buffers) on the sample tree, each
// against a fresh project on the same text: the units are updated in place,
// their type tables find names through the index of the table before the
// edit (types/type-table.ts inheritIndex), joined every 16 edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { flatten } from '../../../src/engine/layout/presenters';

const tree = path.resolve(__dirname, '../../../../samples/mini-kernel');
const mmTypes = path.join(tree, 'include/linux/mm_types.h');

function layouts(p: OverlayProject): string {
  return JSON.stringify(['page', 'net_iov'].map((n) => { const a = p.layout(n); return a.ok ? flatten(a.layout) : a.reason; }));
}

test('a chain of 40 edits of struct page: layouts equal a fresh project\'s after each, units updated in place', async () => {
  const text = fs.readFileSync(mmTypes, 'utf8');
  const p = await OverlayProject.open({ srcDir: tree });
  layouts(p);
  let dropped = 0;
  for (let i = 0; i < 40; i++) {
    // members added and removed before and inside the page_pool fields, declarations added before struct page
    // (every later declaration moves: net_iov's among them); every other edit puts the text back
    const edited = i % 2 ? text : text
      .replace('struct page {', `${'struct added_' + i + ' { int a; };\n'.repeat(i % 3)}struct page {`)
      .replace('\tunsigned long flags;', `\tunsigned long flags;${' int extra;'.repeat(i % 3)}`)
      .replace('\t\t\tunsigned long pp_magic;', `\t\t\tunsigned long pp_magic;${i % 4 === 0 ? ' long more;' : ''}`);
    const before = p.unitsDropped;
    p.setFileText(mmTypes, edited);
    const fresh = await OverlayProject.open({ srcDir: tree });
    fresh.setFileText(mmTypes, edited);
    assert.equal(layouts(p), layouts(fresh), `edit ${i}`);
    dropped += p.unitsDropped - before;
  }
  assert.equal(dropped, 0, 'every edit was an update in place');
});
