// The netmem review's alternative to offset asserts: struct page names its
// page_pool fields with struct_group_tagged(), and a descriptor embeds them by
// the tag. On a copy of the sample tree: the check pairs the descriptor with
// struct page from the group alone, and says so when the group no longer
// starts where it does in struct page (an unsaved edit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';

const sample = path.resolve(__dirname, '../../../../samples/mini-kernel');

const GROUP_MACRO = `#define struct_group_tagged(TAG, NAME, MEMBERS...) \\
	union { struct { MEMBERS }; struct TAG { MEMBERS } NAME; }
`;

function descriptor(padding: string): string {
  return `#ifndef _SAMPLE_GROUPED_H
#define _SAMPLE_GROUPED_H
#include <linux/mm_types.h>
/* a descriptor over struct page that mirrors its page_pool fields by embedding their group */
struct grouped_desc {
${padding}	struct page_pp pp_fields;
};
#endif
`;
}

test('a descriptor embedding struct page\'s struct_group_tagged() group is paired with it; the group moved is an error', async () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-group-'));
  fs.cpSync(sample, tree, { recursive: true });
  const mmTypes = path.join(tree, 'include/linux/mm_types.h');
  const grouped = path.join(tree, 'include/net/grouped.h');
  const text = fs.readFileSync(mmTypes, 'utf8');
  const withGroup = text
    .replace('struct page {', `${GROUP_MACRO}\nstruct page {`)
    .replace(/struct \{\t\/\* page_pool used by the network stack \*\/([\s\S]*?)\n\t\t\};/, (_m, members: string) => `struct_group_tagged(page_pp, pp_fields,${members}\n\t\t);`);
  assert.notEqual(withGroup, text, 'the sample\'s page_pool struct became a group');
  fs.writeFileSync(mmTypes, withGroup);
  fs.writeFileSync(grouped, descriptor('\tunsigned long flags_pad;\n'));
  const p = await OverlayProject.open({ srcDir: tree });
  const r = p.check([grouped]);
  const m = r.mirrors.find((x) => x.pair.a === 'page' && x.pair.b === 'grouped_desc');
  assert.ok(m, `pairs: ${r.mirrors.map((x) => `${x.pair.a}:${x.pair.b}`).join(', ')}; notes: ${r.notes.join('; ')}`);
  assert.equal(m.pair.source, 'group');
  assert.deepEqual(m.pair.group, { tag: 'page_pp', aPath: 'pp_fields', bPath: 'pp_fields' });
  assert.equal(m.rows.find((x) => x.field.path === 'pp_fields')?.status, 'group');
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);

  // one more word in front of the group: every page_pool field of the descriptor is 8 bytes off
  p.setFileText(grouped, descriptor('\tunsigned long flags_pad;\n\tunsigned long extra;\n'));
  const moved = p.check([grouped]);
  const f = moved.findings.find((x) => x.rule === 'overlay/group-offset');
  assert.ok(f, JSON.stringify(moved.findings.map((x) => x.rule)));
  assert.equal(f.severity, 'error');
  assert.equal(path.basename(f.file), 'grouped.h');
  assert.match(f.message, /grouped_desc\.pp_fields is struct page_pp, the group page\.pp_fields \(offset 8\), but starts at offset 16/);
  fs.rmSync(tree, { recursive: true, force: true });
});
