// The textual index of struct definitions: candidates with their lines, and a
// well-known home re-read when the file on disk changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanDefinitions, StructIndex } from '../../../src/engine/project/struct-index';

test('scanDefinitions: each definition at its own line, attributes and typedefs included', () => {
  const text = [
    '/* struct not_this { */',
    'struct a {',
    '\tint x;',
    '};',
    '',
    'typedef struct b {',
    '\tint y;',
    '} b_t;',
    'union c __aligned(8) {',
    '\tlong z;',
    '};',
    'struct a;',
    'struct d __randomize_layout {',
    '};',
  ].join('\n');
  const defs = scanDefinitions('/t.h', text).map((d) => [(d as { name?: string }).name, d.kind, d.line]);
  assert.deepEqual(defs, [['a', 'struct', 2], ['b', 'struct', 6], ['c', 'union', 9], ['d', 'struct', 13]]);
});

test('StructIndex.locate: a well-known home is scanned again once the file changes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-index-'));
  try {
    const home = path.join(dir, 'include/linux/mm_types.h');
    fs.mkdirSync(path.dirname(home), { recursive: true });
    fs.writeFileSync(home, 'struct page {\n\tlong flags;\n};\n');
    const index = new StructIndex(dir, ['include']);
    assert.deepEqual(index.locate('page'), [{ file: home, line: 1, kind: 'struct' }]);
    // a different size (and mtime) is a different file
    fs.writeFileSync(home, '\n\n/* moved */\nstruct page {\n\tlong flags;\n};\n');
    fs.utimesSync(home, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(index.locate('page'), [{ file: home, line: 4, kind: 'struct' }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
