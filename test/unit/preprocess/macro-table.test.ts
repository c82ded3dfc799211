// The macro table by name number: Map-like for its readers, and a dropped
// table's array handed to the next one empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MacroTable, macroId } from '../../../src/engine/preprocess/macro-table';
import type { Macro } from '../../../src/engine/preprocess/preprocessor';

const mk = (name: string): Macro => ({ name, params: null, variadic: false, body: [], file: 't.h', line: 1 });

test('MacroTable: get/set/delete/size/iteration by name and by number', () => {
  const t = new MacroTable();
  const a = mk('MT_A'), b = mk('MT_B');
  t.set('MT_A', a).set('MT_B', b);
  assert.equal(t.size, 2);
  assert.equal(t.get('MT_A'), a);
  assert.equal(t.byId(macroId('MT_B')), b);
  // a name numbered by this thread but never defined here, and one numbered far past the table's end
  assert.equal(t.get('MT_NEVER_SEEN'), undefined);
  assert.equal(t.byId(macroId('MT_NUMBERED_ONLY') + 100_000), undefined);
  t.set('MT_A', b);
  assert.equal(t.size, 2, 'a redefinition is not a new entry');
  assert.equal(t.delete('MT_A'), true);
  assert.equal(t.delete('MT_A'), false);
  assert.equal(t.has('MT_A'), false);
  assert.equal(t.size, 1);
  assert.deepEqual([...t].map(([n]) => n), ['MT_B']);
  t.setId(macroId('MT_C'), undefined);
  assert.equal(t.size, 1, 'undefining an undefined name changes nothing');
});

test('MacroTable: a released table\'s array starts the next table empty; two live tables are separate', () => {
  const t = new MacroTable();
  t.set('MT_R1', mk('MT_R1'));
  t.set('MT_R2', mk('MT_R2'));
  t.release();
  const u = new MacroTable();
  assert.equal(u.size, 0);
  assert.equal(u.get('MT_R1'), undefined);
  assert.deepEqual([...u], []);
  const v = new MacroTable();
  u.set('MT_R1', mk('MT_R1'));
  assert.equal(v.get('MT_R1'), undefined, 'a table made while another holds the spare array has its own');
});
