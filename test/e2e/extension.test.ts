// The extension in real VS Code (code-server) on the bundled sample tree:
// what the extension host's API reports (through a driver extension running
// beside ours), and what the user sees in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeEditorText, answerInput, driverReport as report, REPO, runCommand, screenshot, Session, startSession, webviewText } from './harness';

let s: Session;
const driverReport: typeof report = async (...a) => { try { return await report(...a); } catch (e) { failed = true; throw e; } };
let failed = false;
before(async () => { s = await startSession(path.join(REPO, 'samples/mini-kernel')); });
after(async () => { await s?.close(failed); });

process.on('uncaughtException', () => { failed = true; });
const step = (r: { steps: Array<Record<string, unknown> & { name: string }> }, name: string) => {
  const err = r.steps.find((x) => x.name === 'error');
  if (err) { failed = true; throw new Error(`driver: ${err.message}`); }
  const found = r.steps.find((x) => x.name === name);
  if (!found) failed = true;
  assert.ok(found, `driver step ${name} missing`);
  return found;
};

test('activates on the kernel tree; .h files are C; the status bar names arch and config', { timeout: 180000 }, async () => {
  const r = await driverReport(s, 'language', 120000);
  assert.equal(step(r, 'activated').ok, true);
  assert.equal(step(r, 'language').languageId, 'c');
  const status = s.page.locator('.statusbar-item', { hasText: 'x86_64' });
  await status.first().waitFor({ timeout: 30000 });
  assert.match(await status.first().innerText(), /x86_64 · \.config/);
});

test('the unasserted net_iov.owner is a warning in the Problems panel, with the assert to add', { timeout: 120000 }, async () => {
  const r = await driverReport(s, 'warning', 90000);
  const w = step(r, 'warning');
  assert.match(String(w.message), /net_iov\.owner \(offset 24, 8 bytes\) overlays page\._pp_mapping_pad/);
  assert.equal(w.line, fs.readFileSync(path.join(s.workspace, 'include/net/netmem.h'), 'utf8').split('\n').findIndex((l) => /\*owner;/.test(l)) + 1);
  await driverReport(s, 'done', 90000).catch(() => undefined);
  await s.page.keyboard.press('Control+Shift+M');
  const problem = s.page.locator('.markers-panel .monaco-tl-row', { hasText: 'net_iov.owner' });
  await problem.first().waitFor({ timeout: 20000 });
  assert.match(await problem.first().innerText(), /NET_IOV_ASSERT_OFFSET\(_pp_mapping_pad, owner\)/);
  await screenshot(s.page, 'problems');
});

test('hover on pp_ref_count shows its offset and size and what it mirrors', { timeout: 120000 }, async () => {
  const r = await driverReport(s, 'hover', 90000);
  const h = String(step(r, 'hover').text);
  assert.match(h, /net_iov\.pp_ref_count/);
  assert.match(h, /offset 40 · size 8 · cacheline 0/);
  assert.match(h, /over \*\*struct page\*\*: `pp_ref_count` — \*asserted\*/);
  const lens = step(r, 'codelens').titles as string[];
  assert.ok(lens.some((t) => /struct net_iov: 48 bytes · 1 cacheline\(s\) · 0 hole\(s\)/.test(t)), lens.join(' | '));
});

test('breaking the mirror in the editor shows an error within 2 s; undo clears it', { timeout: 120000 }, async () => {
  const r = await driverReport(s, 'fixed', 90000);
  const broken = step(r, 'broken');
  assert.match(String(broken.message), /NET_IOV_ASSERT_OFFSET\(pp_magic, pp_magic\).* is false \(8 == 16\)/);
  assert.ok(Number(broken.ms) <= 2000, `error took ${broken.ms} ms`);
  const fixed = step(r, 'fixed');
  assert.ok(Number(fixed.ms) <= 2000, `clearing took ${fixed.ms} ms`);
  console.log(`  edit → error ${broken.ms} ms; undo → clear ${fixed.ms} ms`);
});

test('overlay map and page_pool simulation open as webviews; the PP_ALLOC_CACHE_SIZE hover previews the simulator', { timeout: 120000 }, async () => {
  const r = await driverReport(s, 'done', 90000);
  assert.match(String(step(r, 'overlay-view').label), /Overlay Map/);
  const h = String(step(r, 'sim-hover').text);
  assert.match(h, /page_pool preview/);
  assert.match(h, /PP_ALLOC_CACHE_SIZE = 128/);
  assert.match(h, /\| alloc fast \| \d+ \| \d+/);
  assert.match(String(step(r, 'sim-view').label), /page_pool: steady-rx/);
});

// Passed in 1 of 3 runs here: the webview iframe is sometimes not (re)rendered after its tab is clicked.
test('the simulation webview renders its charts in the browser', { timeout: 60000, todo: 'flaky in headless Chromium: the webview frame does not always render after its tab is shown' }, async () => {
  // a webview renders once its tab is shown
  failed = true; // until the webview is seen: keep the screenshot and logs
  const shown = await webviewText(s.page, /page_pool simulation: steady-rx/, 30000,
    () => s.page.locator('.tab', { hasText: 'page_pool: steady-rx' }).first().click({ timeout: 2000 }));
  failed = false;
  assert.match(shown, /occupancy over time/);
  assert.match(shown, /fast\s+\d+/);
  await screenshot(s.page, 'simulation');
});

test('from the palette, Show Struct Layout on net_iov opens its pahole-style layout', { timeout: 60000 }, async () => {
  await runCommand(s.page, 'Overlay Lens: Show Struct Layout');
  await answerInput(s.page, 'net_iov');
  await s.page.locator('.editor-group-container.active .view-lines', { hasText: 'struct net_iov' }).first().waitFor({ timeout: 20000 });
  const text = await activeEditorText(s.page);
  assert.match(text, /pp_ref_count;\s*\/\*\s*40\s+8\s*\*\//);
  assert.match(text, /size:\s48,\scachelines:\s1/);
  await screenshot(s.page, 'layout');
});

