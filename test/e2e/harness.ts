// UI helpers for the e2e tests: what a user does with keyboard and mouse in the
// workbench, and what they see. Starting code-server and the driver lives in
// test/support/code-server.ts (the extension bench uses it too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, TestOptions } from 'node:test';
import { Page } from 'playwright-core';
import { ARTIFACTS, REPO } from '../support/code-server';

export { REPO, Session, startSession, driverReport } from '../support/code-server';

// The little of the DOM the in-page functions below touch (this project compiles without lib "dom").
interface Row { innerText: string; getAttribute(name: string): string | null }
interface InPage {
  document: { querySelectorAll(selector: string): ArrayLike<Row> };
  addEventListener(type: 'keydown', fn: () => void, capture: boolean): void;
  performance: { now(): number };
  olLastKey?: number;
  olArmed?: boolean;
}

/** node:test's test(), noting a failure through onFail (so the session keeps its logs and a screenshot). */
export function trackedTest(onFail: () => void) {
  return (name: string, options: TestOptions, fn: () => Promise<void>): void => {
    test(name, options, async () => {
      try { await fn(); } catch (e) { onFail(); throw e; }
    });
  };
}

/** Runs a command from the palette by its visible title, e.g. 'Overlay Lens: Show Overlay Map'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** Answers an open input box (showInputBox) with text + Enter. */
export async function answerInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Picks the quick pick row whose label is exactly `label` (typing filters it, Enter would take whatever is first). */
export async function pick(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${label}$`) }).first().click({ timeout: 10000 });
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
export async function quickOpen(page: Page, relPath: string, ms = 15000): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(relPath);
  // the file search answers after the first keystrokes: take a real result, whose path is the one asked for
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relPath) }).filter({ hasText: path.dirname(relPath) }).first();
  await row.waitFor({ timeout: ms });
  await row.click();
  await page.locator('.tab.active', { hasText: path.basename(relPath) }).waitFor({ timeout: 10000 });
}

/** Focuses the first editor group's active editor (Ctrl+1). */
export async function focusEditor(page: Page): Promise<void> {
  await page.keyboard.press('Control+1');
  await page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 5000 });
}

/** Moves the cursor to the start of a 1-based line with Go to Line (Ctrl+G); the line is revealed. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(`:${line}`); // Go to Line is Quick Open with a ':' prefix
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 5000 });
  await page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 5000 });
}

/** The visible text of the active editor (Monaco renders only the visible lines). */
/**
 * The text of an opened pahole-style layout document (its size comment tells it from the header
 * beside it), wherever focus went after it opened: a webview finishing its render can take the
 * active group back.
 */
export async function layoutEditorText(page: Page, timeout: number): Promise<string> {
  const layout = page.locator('.editor-group-container .view-lines', { hasText: '/* size:' }).first();
  await layout.waitFor({ timeout });
  return (await layout.innerText()).replace(/[\u00a0\u2000-\u200b]/g, ' ');
}

export async function activeEditorText(page: Page): Promise<string> {
  const t = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
  // the editor draws spaces and tabs as no-break spaces
  return t.replace(/[\u00a0\u2000-\u200b]/g, ' ');
}

/** Where a word is drawn: the centre of `word` on the first visible line of the active editor matching `line`. */
async function wordBox(page: Page, word: string, line: RegExp): Promise<{ x: number; y: number } | undefined> {
  return page.evaluate(([w, src, flags]) => {
    // Monaco merges neighbouring tokens of one colour into one span, so the word is found in the text, not by span
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<DomNode>; createRange(): DomRange } };
    interface DomNode { textContent: string | null; childNodes: ArrayLike<DomNode>; nodeType: number }
    interface DomRange { setStart(n: DomNode, o: number): void; setEnd(n: DomNode, o: number): void; getBoundingClientRect(): { left: number; top: number; width: number; height: number } }
    const lineRe = new RegExp(src, flags);
    const wordRe = new RegExp(`\\b${w}\\b`);
    for (const l of Array.from(g.document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line'))) {
      if (!lineRe.test(l.textContent ?? '')) continue;
      const stack: DomNode[] = [l];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.nodeType === 3) {
          const m = wordRe.exec(n.textContent ?? '');
          if (!m) continue;
          const r = g.document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + w.length);
          const b = r.getBoundingClientRect();
          return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
        }
        stack.push(...Array.from(n.childNodes).reverse());
      }
    }
    return undefined;
  }, [word, line.source, line.flags] as const);
}

/** Hovers `word` on the first visible line matching `line` in the active editor; the hover's text once it matches `expect`. */
export async function hoverWord(page: Page, word: string, line: RegExp, expect: RegExp, ms = 20000): Promise<string> {
  const t0 = Date.now();
  let last = '';
  // the workbench keeps hidden hover widgets around: only a shown one counts
  const shown = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  // A hover can show "Loading…" or an answer from before the tree was open; move away and back until it matches.
  while (Date.now() - t0 < ms) {
    const at = await wordBox(page, word, line);
    if (!at) throw new Error(`no visible line matching ${line} shows ${word}`);
    await page.mouse.move(0, 0);
    await shown.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
    await page.mouse.move(at.x, at.y, { steps: 2 });
    const hover = shown;
    if (await hover.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      for (let i = 0; i < 10; i++) {
        last = await hover.innerText().catch(() => '');
        if (expect.test(last)) return last;
        await page.waitForTimeout(200);
      }
    }
  }
  throw new Error(`the hover on ${word} never matched ${expect}; last: ${JSON.stringify(last)}`);
}

/** Shows the Problems panel (without toggling it off when it is already open). */
export async function openProblems(page: Page): Promise<void> {
  const panel = page.locator('.markers-panel').first();
  if (!(await panel.isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ timeout: 10000 });
}

/** The rows of the Problems panel: file rows and the problem rows under them, in order. */
export async function problemRows(page: Page): Promise<Array<{ text: string; label: string }>> {
  await openProblems(page);
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => (rows as unknown as Row[]).map((r) => ({ text: r.innerText, label: r.getAttribute('aria-label') ?? '' })));
}

/** Records the time of the last key pressed in the page, for waitProblem. */
export async function armKeyClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    if (w.olArmed) return;
    w.olArmed = true;
    w.olLastKey = 0;
    // capture phase: the editor stops some keys from bubbling
    w.addEventListener('keydown', () => { w.olLastKey = w.performance.now(); }, true);
  });
}

/**
 * Waits, frame by frame in the page, until a Problems row matching `re` is
 * present (or gone); returns the ms from the last key pressed (armKeyClock) to
 * that frame, as the browser's own clock measured it.
 */
export async function waitProblem(page: Page, re: RegExp, present: boolean, ms: number): Promise<{ ms: number; rows: string[] }> {
  return waitTexts(page, '.markers-panel .monaco-list-row', re, present, ms);
}

/** The same for the texts of any elements matching `selector`. */
async function waitTexts(page: Page, selector: string, re: RegExp, present: boolean, ms: number): Promise<{ ms: number; rows: string[] }> {
  const h = await page.waitForFunction(([sel, src, flags, want]) => {
    const w = globalThis as unknown as InPage;
    const r = new RegExp(src, flags);
    const rows = Array.from(w.document.querySelectorAll(sel), (e) => e.innerText);
    if (rows.some((t) => r.test(t)) !== want) return false;
    return { ms: w.performance.now() - (w.olLastKey ?? 0), rows };
  }, [selector, re.source, re.flags, present] as const, { polling: 'raf', timeout: ms });
  return h.jsonValue() as Promise<{ ms: number; rows: string[] }>;
}

/** Waits until some webview frame's body text matches, and returns that text. */
export async function webviewText(page: Page, re: RegExp, ms: number): Promise<string> {
  const t0 = Date.now();
  let seen = '';
  for (;;) {
    // the content lives in iframe.webview > iframe#active-frame; any frame of the webview host will do
    for (const f of page.frames()) {
      if (!/\/webview\/browser\/pre\//.test(f.url())) continue;
      const t = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '');
      if (re.test(t)) return t;
      if (t) seen = t;
    }
    if (Date.now() - t0 > ms) throw new Error(`no webview showed ${re} within ${ms} ms${seen ? `; one showed ${JSON.stringify(seen.slice(0, 2000))}` : ''}`);
    await page.waitForTimeout(250);
  }
}

/** Clicks the first element matching `selector` whose text is exactly `text` in whichever webview frame shows one. */
export async function webviewClick(page: Page, selector: string, text: string, ms = 15000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    for (const f of page.frames()) {
      if (!/\/webview\/browser\/pre\//.test(f.url())) continue;
      const target = f.locator(selector, { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
      if (await target.count().catch(() => 0)) { await target.click({ timeout: 5000 }); return; }
    }
    if (Date.now() - t0 > ms) throw new Error(`no webview shows ${selector} "${text}" within ${ms} ms`);
    await page.waitForTimeout(250);
  }
}

/** The active editor's cursor as the status bar shows it ("Ln 14, Col 2"), once it is on `line` (or the last seen when not within ms). */
export async function cursorLine(page: Page, line: number, ms = 10000): Promise<number> {
  const item = page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
  const t0 = Date.now();
  let seen = -1;
  while (Date.now() - t0 < ms) {
    const m = /Ln (\d+), Col/.exec(await item.innerText({ timeout: 2000 }).catch(() => ''));
    if (m) seen = Number(m[1]);
    if (seen === line) break;
    await page.waitForTimeout(100);
  }
  return seen;
}

/**
 * A screenshot, into .test-artifacts/screenshots/NAME.png, and into docs/screenshots/ (the
 * README's) when OVERLAY_LENS_SCREENSHOTS=docs: a test run leaves the checkout as it was.
 * The mouse is parked first unless a hover is the point.
 */
export async function screenshot(page: Page, name: string, o: { keepMouse?: boolean } = {}): Promise<void> {
  const dir = process.env.OVERLAY_LENS_SCREENSHOTS === 'docs' ? path.join(REPO, 'docs/screenshots') : path.join(ARTIFACTS, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  // the empty middle of the activity bar: no tooltip there
  if (!o.keepMouse) await page.mouse.move(24, 500);
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/**
 * Breaks a mirror with the keyboard: types `text` at the start of a 1-based
 * line of the active editor, waits for a Problems row matching `broken`, then
 * Ctrl+Z and waits until no row matches `cleared` (any failing assert). Times (browser clock) from the last
 * keystroke to the row appearing and from Ctrl+Z to it going.
 */
export async function breakByTyping(page: Page, o: { line: number; text: string; broken: RegExp; cleared?: RegExp; shot?: string; ms?: number; whileBroken?: () => Promise<void>; afterFix?: () => Promise<void> }): Promise<{ brokenMs: number; fixedMs: number; brokenRows: string[]; typed: string; undone: string }> {
  const { line, text, broken, cleared = /is false \(/, ms = 20000 } = o;
  await openProblems(page);
  await goToLine(page, line);
  await armKeyClock(page);
  await page.keyboard.type(text);
  const b = await waitProblem(page, broken, true, ms);
  const typed = await activeEditorText(page);
  if (o.shot) await screenshot(page, o.shot);
  await o.whileBroken?.();
  await page.keyboard.press('Control+Z');
  const f = await waitProblem(page, cleared, false, ms);
  await o.afterFix?.();
  return { brokenMs: b.ms, fixedMs: f.ms, brokenRows: b.rows, typed, undone: await activeEditorText(page) };
}

/** Until a code lens in the editor says (or no longer says) `re`; its texts then. */
export async function waitLens(page: Page, re: RegExp, present: boolean, ms: number): Promise<string[]> {
  return (await waitTexts(page, '.monaco-editor .codelens-decoration', re, present, ms)).rows;
}
