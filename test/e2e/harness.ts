// Real VS Code for the tests: code-server 4.100.3 (scripts/setup-code-server.sh)
// with our packaged .vsix installed in a fresh extensions dir, driven by
// playwright-core in Debian's Chromium. Every process is killed at the end;
// logs and a screenshot go to .test-artifacts/ on failure.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(REPO, '.test-artifacts');

export function codeServerDir(): string {
  const r = spawnSync('bash', [path.join(REPO, 'scripts/setup-code-server.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`setup-code-server.sh failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function waitHttp(url: string, ms: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try { const r = await fetch(url); if (r.status < 500) return; } catch { /* not yet */ }
    if (Date.now() - t0 > ms) throw new Error(`code-server did not answer at ${url} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Session {
  page: Page;
  workspace: string;
  driverOut: string;
  log(): string;
  close(failed?: boolean): Promise<void>;
}

/** Packages the extension, installs it and the test driver, starts code-server on a copy of `sample`, opens it in Chromium. */
export async function startSession(sample: string): Promise<Session> {
  const cs = codeServerDir();
  const bin = path.join(cs, 'node_modules/.bin/code-server');
  execFileSync('npm', ['run', '-s', 'package'], { cwd: REPO, stdio: 'ignore' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-e2e-'));
  const workspace = path.join(tmp, 'kernel');
  fs.cpSync(sample, workspace, { recursive: true });
  const extDir = path.join(tmp, 'extensions');
  const userDir = path.join(tmp, 'user');
  fs.mkdirSync(path.join(userDir, 'User'), { recursive: true });
  // .h files open as C; no welcome page, no trust prompt, no telemetry.
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify({
    'files.associations': { '*.h': 'c' }, 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'editor.hover.delay': 100,
  }));
  execFileSync(bin, ['--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', path.join(REPO, 'dist/overlay-lens.vsix')], { stdio: 'ignore' });
  // The driver goes in as a .vsix too: code-server only loads what extensions.json lists.
  const driverVsix = path.join(tmp, 'driver.vsix');
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--skip-license', '-o', driverVsix], { cwd: path.join(REPO, 'test/e2e/driver'), stdio: 'ignore' });
  execFileSync(bin, ['--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', driverVsix], { stdio: 'ignore' });
  const port = await freePort();
  const driverOut = path.join(tmp, 'driver.json');
  let log = '';
  const proc: ChildProcess = spawn(bin, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extDir, '--user-data-dir', userDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], { env: { ...process.env, OVERLAY_LENS_E2E_OUT: driverOut }, detached: true });
  proc.stdout?.on('data', (d) => { log += d; });
  proc.stderr?.on('data', (d) => { log += d; });
  let browser: Browser | undefined;
  const close = async (failed = false) => {
    try {
      if (failed || process.env.OVERLAY_LENS_E2E_KEEP_LOGS) {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        fs.writeFileSync(path.join(ARTIFACTS, 'code-server.log'), log);
        if (fs.existsSync(driverOut)) fs.copyFileSync(driverOut, path.join(ARTIFACTS, 'driver.json'));
        await session.page?.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => undefined);
      }
    } finally {
      await browser?.close().catch(() => undefined);
      try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  const session = { workspace, driverOut, log: () => log, close } as Session;
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    session.page = page;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    return session;
  } catch (e) {
    await close(true);
    throw e;
  }
}

/** Waits for the driver extension's report to reach a step (or an error). */
export async function driverReport(s: Session, step: string, ms: number): Promise<{ steps: Array<Record<string, unknown> & { name: string }> }> {
  const t0 = Date.now();
  for (;;) {
    if (fs.existsSync(s.driverOut)) {
      const r = JSON.parse(fs.readFileSync(s.driverOut, 'utf8'));
      if (r.steps.some((x: { name: string }) => x.name === step || x.name === 'error')) return r;
    }
    if (Date.now() - t0 > ms) throw new Error(`the e2e driver did not reach '${step}' in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// UI helpers: what a user does with keyboard and mouse in the workbench.

/** Runs a command from the palette by its visible title, e.g. 'Overlay Lens: Show Overlay Map'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** Answers an open input box (showInputBox) or quick pick with text + Enter. */
export async function answerInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
export async function quickOpen(page: Page, relPath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill(relPath);
  // the file search answers after the first keystrokes: Enter only on a real result
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relPath) }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.locator('.tab.active', { hasText: path.basename(relPath) }).waitFor({ timeout: 10000 });
}

/** The visible text of the active editor (Monaco renders only the visible lines). */
export async function activeEditorText(page: Page): Promise<string> {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
}

/** Hovers the first visible occurrence of a word in the active editor and returns the hover's text. */
export async function hoverWord(page: Page, word: string): Promise<string> {
  await page.mouse.move(0, 0);
  await page.locator('.editor-group-container.active .view-line span', { hasText: new RegExp(`^${word}$`) }).first().hover();
  const hover = page.locator('.monaco-hover-content').first();
  await hover.waitFor({ timeout: 10000 });
  return hover.innerText();
}

/** Entries of the Problems panel (opens it). */
export async function problems(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').first().waitFor({ timeout: 10000 });
  return page.locator('.markers-panel .monaco-tl-row').allInnerTexts();
}

/** Waits until some webview frame's body text matches, and returns that text. */
export async function webviewText(page: Page, re: RegExp, ms: number, reveal?: () => Promise<void>): Promise<string> {
  const t0 = Date.now();
  for (let round = 0; ; round++) {
    // a hidden webview is not rendered: bring it to the front now and then
    if (reveal && round % 8 === 0) await reveal().catch(() => undefined);
    for (const f of page.frames()) {
      if (!/webview/.test(f.url())) continue;
      const t = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '');
      if (re.test(t)) return t;
    }
    if (Date.now() - t0 > ms) throw new Error(`no webview showed ${re} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A screenshot for the README, into docs/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(path.join(REPO, 'docs/screenshots'), { recursive: true });
  await page.screenshot({ path: path.join(REPO, 'docs/screenshots', `${name}.png`) });
}
