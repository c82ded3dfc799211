// The engine process's kept answers (src/vscode/engine-process.ts), driven over its IPC channel as the
// extension drives it, on a copy of the sample tree: a second session's first check of netmem.h is
// answered from the first session's answer; a changed header makes it check for real; a kept answer that
// no longer matches the real check (here: tampered with on disk) is corrected by a 'stale' event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { CheckResult } from '../../../src/vscode/protocol';
import { agedSampleCopy } from '../../support/sample-tree';
import { session } from '../../support/engine-session';

const summary = (r: CheckResult) => JSON.stringify([r.findings.map((f) => [f.rule, f.line, f.message]), r.asserts.map((a) => [a.line, a.status])]);
// the store is written under a temporary name, then renamed (KeptAnswers.save): only the renamed file is complete
const isStore = (f: string) => f.startsWith('editor-') && f.endsWith('.bin');
const waitFor = async (what: string, ok: () => boolean) => { for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50)); assert.ok(ok(), what); };

test('engine process: a new session answers its first check from the last one\'s answer while it holds; a stale one is corrected', async () => {
  const dir = agedSampleCopy('ol-kept-tree-');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kept-store-'));
  const netmem = path.join(dir, 'include/net/netmem.h');
  try {
    const one = session(cacheDir);
    await one.request('open', { srcDir: dir });
    const first = await one.check(netmem);
    assert.notEqual(first.kept, true, 'nothing kept yet');
    assert.ok(first.asserts.length > 0 && first.includes && first.includes.length > 3, 'a real answer');
    await waitFor('the answer is written', () => fs.readdirSync(cacheDir).some(isStore));
    await one.close();

    const two = session(cacheDir);
    await two.request('open', { srcDir: dir });
    const second = await two.check(netmem);
    assert.equal(second.kept, true, 'answered from the kept answer');
    assert.equal(summary(second), summary(first));
    assert.deepEqual(second.includes, first.includes);
    // the real check that follows agrees: no stale event; the next check is a real one
    const third = await two.check(netmem);
    assert.notEqual(third.kept, true);
    assert.equal(summary(third), summary(first));
    assert.equal(two.events.length, 0);
    await two.close();

    // a header netmem.h reads changed on disk: the kept answer does not hold, the check is real
    const types = path.join(dir, 'include/linux/types.h');
    fs.appendFileSync(types, '\n');
    fs.utimesSync(types, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const storeIno = () => { const f = fs.readdirSync(cacheDir).find(isStore); return f && fs.statSync(path.join(cacheDir, f)).ino; };
    const before = storeIno();
    const three = session(cacheDir);
    await three.request('open', { srcDir: dir });
    const changed = await three.check(netmem);
    assert.notEqual(changed.kept, true, 'a file it was made from changed');
    // the answer kept anew: the store is rewritten (renamed over the old one, so a new inode)
    await waitFor('the new answer is written', () => storeIno() !== before);
    await three.close();

    // a kept answer that holds by its files but says otherwise than the real check (tampered with here): the
    // extension is told to ask again, and the next answer is the real one
    const file = path.join(cacheDir, fs.readdirSync(cacheDir).find(isStore)!);
    const stored = v8.deserialize(fs.readFileSync(file)) as { entries: Record<string, { value: CheckResult }> };
    for (const e of Object.values(stored.entries)) e.value.findings = [];
    fs.writeFileSync(file, v8.serialize(stored));
    const four = session(cacheDir);
    await four.request('open', { srcDir: dir });
    const tampered = await four.check(netmem);
    assert.equal(tampered.kept, true);
    assert.equal(tampered.findings.length, 0);
    await waitFor('a stale event for netmem.h', () => four.events.some((e) => e.event === 'stale' && e.files.includes(netmem)));
    const real = await four.check(netmem);
    assert.notEqual(real.kept, true);
    assert.equal(summary(real), summary(changed));
    await four.close();

    // keepAnswers off: never from disk
    const five = session(cacheDir);
    await five.request('open', { srcDir: dir, keepAnswers: false });
    assert.notEqual((await five.check(netmem)).kept, true);
    await five.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
