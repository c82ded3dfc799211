// Two preprocess results that must be the same unit (an update against a fresh
// run, a replayed unit against one preprocessed alone): every observable.
import assert from 'node:assert/strict';
import type { PreprocessResult } from '../../../src/engine/preprocess/index';
import { macroSignature } from '../../../src/engine/preprocess/header-memo';

export function assertSameResult(a: PreprocessResult, b: PreprocessResult, what: string): void {
  assert.equal(a.text, b.text, `${what}: text`);
  const oa = a.arrays(), ob = b.arrays();
  for (const k of ['starts', 'files', 'lines', 'cols'] as const) assert.deepEqual([...oa[k]], [...ob[k]], `${what}: ${k}`);
  for (let i = 0; i < oa.starts.length; i++) {
    const x = a.originAt(oa.starts[i])!, y = b.originAt(ob.starts[i])!;
    assert.deepEqual([x.file, x.line, x.column, x.macro?.name, x.macro?.line, x.macro?.args()], [y.file, y.line, y.column, y.macro?.name, y.macro?.line, y.macro?.args()], `${what}: origin of token ${i}`);
  }
  assert.deepEqual(a.declarations, b.declarations, `${what}: declarations`);
  assert.deepEqual(a.diagnostics, b.diagnostics, `${what}: diagnostics`);
  assert.deepEqual(a.includes, b.includes, `${what}: include edges`);
  assert.deepEqual(a.includedFiles, b.includedFiles, `${what}: files read`);
  assert.deepEqual(a.packChanges, b.packChanges, `${what}: #pragma pack`);
  const sigs = (r: PreprocessResult) => [...r.macros].map(([k, m]) => `${k}=${macroSignature(m)}`).sort();
  assert.deepEqual(sigs(a), sigs(b), `${what}: macro table`);
}
