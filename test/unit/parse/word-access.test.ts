// c-parser.ts reads and writes tree-sitter's transfer words through the wasm memory's Int32Array;
// that array is replaced whenever the memory grows, so nodes read after a big parse must still be right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CParser } from '../../../src/engine/parse/c-parser';

test('nodes read the same before and after a parse that grows the wasm memory', async () => {
  const p = await CParser.create();
  const small = 'struct a { int x; long y; };';
  const before = p.parse(small);
  const shape = (t: ReturnType<CParser['parse']>) => t.rootNode.toString();
  const want = shape(before);
  const field = before.rootNode.descendantsOfType('field_identifier').map((n) => [n!.text, n!.startIndex, n!.endIndex]);
  assert.deepEqual(field, [['x', 15, 16], ['y', 23, 24]]);
  // ~8 MB of declarations: tree-sitter's heap grows well past its first size
  const n = 60000;
  const big = Array.from({ length: n }, (_, i) => `struct s${i} { unsigned long f${i}; struct s${i} *next; };`).join('\n');
  const tree = p.parse(big);
  const last = tree.rootNode.namedChild(n - 1)!;
  assert.equal(last.type, 'struct_specifier');
  assert.equal(last.childForFieldName('name')!.text, `s${n - 1}`);
  assert.equal(last.startIndex, big.lastIndexOf('\n') + 1);
  assert.equal(tree.rootNode.namedChildCount, n);
  tree.delete();
  // and a parse after it, through the new memory's views
  const again = p.parse(small);
  assert.equal(shape(again), want);
  assert.deepEqual(again.rootNode.descendantsOfType('field_identifier').map((x) => [x!.text, x!.startIndex, x!.endIndex]), field);
  before.delete();
  again.delete();
});
