import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedRange, dependantsOf, preprocess, PreprocessOptions, PreprocessSession } from '../../../src/engine/preprocess/index';

const files: Record<string, string> = {
  '/main.c': '#include "a.h"\n#include <b.h>\nstruct page p;\n',
  '/a.h': '#ifndef A_H\n#define A_H\n#include <b.h>\n#define NR 4\nstruct page { int flags; long pad[NR]; };\n#endif\n',
  '/inc/b.h': '#pragma once\n#define PP_ALLOC_CACHE_SIZE 128\ntypedef unsigned long netmem_ref;\n',
};
// Whitespace between output tokens is not part of the answer.
const squeeze = (t: string) => t.replace(/\s+/g, '');
const opts = (): PreprocessOptions => ({ includeDirs: ['/inc'], implicitIncludes: [], defines: new Map(), fileSystem: { read: (f) => files[f] } });

test('preprocess(): text, origins, include graph, macro table through the documented entry point', () => {
  const r = preprocess({ path: '/main.c' }, opts());
  assert.match(squeeze(r.text), /longpad\[4\]/);
  const at = r.text.indexOf('4', r.text.indexOf('pad'));
  const o = r.originAt(at)!;
  assert.equal(o.file, '/a.h');
  assert.equal(o.line, 5);
  assert.equal(o.macro?.name, 'NR');
  assert.deepEqual(r.includedFiles, ['/main.c', '/a.h', '/inc/b.h']);
  assert.deepEqual(dependantsOf(r, '/inc/b.h').sort(), ['/a.h', '/main.c']);
  assert.deepEqual(r.macroValue('PP_ALLOC_CACHE_SIZE'), { value: 128n });
  assert.equal(squeeze(r.expand('NR * 2')), '4*2');
  // main.text is served instead of the file system
  const r2 = preprocess({ path: '/main.c', text: '#include "a.h"\nint x = NR;\n' }, opts());
  assert.match(squeeze(r2.text), /intx=4;/);
});

test('session.update: the one changed range applied to the old text gives the new text', () => {
  const s = new PreprocessSession({ path: '/main.c' }, opts());
  const before = s.result.text;
  const u = s.update('/a.h', files['/a.h'].replace('int flags;', 'unsigned long flags; int _refcount;'));
  assert.equal(u.directivesChanged, false);
  assert.equal(u.edits.length, 1);
  const e = u.edits[0];
  assert.equal(before.slice(0, e.oldStart) + e.newText + before.slice(e.oldEnd), u.result.text);
  assert.match(squeeze(u.result.text), /unsignedlongflags;int_refcount;/);
  // the origin map follows the new text
  const o = u.result.originAt(u.result.text.indexOf('_refcount'))!;
  assert.equal(o.file, '/a.h');
  assert.equal(o.line, 5);
  // a directive change is reported as such and takes effect
  const d = s.update('/a.h', files['/a.h'].replace('#define NR 4', '#define NR 8'));
  assert.equal(d.directivesChanged, true);
  assert.match(squeeze(d.result.text), /longpad\[8\]/);
  // a file the unit never looked up: no re-run, no edit
  const other = s.update('/unrelated.h', 'struct x;\n');
  assert.deepEqual(other.edits, []);
  assert.equal(other.result, d.result);
  // ...but one it looked up and did not find does matter once it exists
  const s2 = new PreprocessSession({ path: '/m.c', text: '#if __has_include("opt.h")\nhave_opt\n#endif\n' }, opts());
  assert.equal(squeeze(s2.update('/opt.h', '').result.text), 'have_opt');
  // no change, no edit
  assert.deepEqual(s.update('/a.h', files['/a.h'].replace('#define NR 4', '#define NR 8')).edits, []);
});

test('changedRange trims common prefix and suffix without overlapping them', () => {
  assert.deepEqual(changedRange('aaa', 'aaaa'), [{ oldStart: 3, oldEnd: 3, newText: 'a' }]);
  assert.deepEqual(changedRange('abcd', 'ad'), [{ oldStart: 1, oldEnd: 3, newText: '' }]);
  assert.deepEqual(changedRange('x', 'x'), []);
});
