// Real VS Code for the e2e tests and the extension bench: code-server 4.100.3
// (scripts/setup-code-server.sh) with our packaged .vsix and the test driver
// extension installed into a fresh extensions dir, opened on a workspace in
// Debian's Chromium through playwright-core. Every process it starts is
// killed at close (and at exit); logs and a screenshot go to
// .test-artifacts/NAME/ on failure.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { Report } from './driver-api';

export const REPO = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(REPO, '.test-artifacts');
export const CHROMIUM = '/usr/bin/chromium';

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

export interface SessionOptions {
  /** names the temp dir and the artifacts dir */
  name: string;
  /** the workspace folder */
  folder: string;
  /** copy the folder into the temp dir first (for trees the session may write to) */
  copy?: boolean;
  /** settings of the workspace: they go into a temp .code-workspace file, never into the folder */
  workspaceSettings?: Record<string, unknown>;
  /** user settings on top of the test defaults */
  userSettings?: Record<string, unknown>;
  /** compiled driver script (absolute path) the driver extension runs in the extension host */
  driverScript?: string;
}

export interface Session {
  page: Page;
  /** the workspace folder as code-server opened it */
  workspace: string;
  /** the driver's JSON report */
  driverOut: string;
  log(): string;
  /** the extension host's process id (a child of code-server), once it runs */
  extensionHostPid(): number | undefined;
  close(failed?: boolean): Promise<void>;
}

// The defaults every session gets: .h files are C, no welcome page, trust
// prompt, telemetry or updates; no completion popups that would swallow typed
// keys; a short hover delay.
const USER_SETTINGS = {
  'files.associations': { '*.h': 'c' }, 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'editor.hover.delay': 100,
  'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off', 'editor.parameterHints.enabled': false, 'files.autoSave': 'off', 'git.enabled': false,
  'workbench.tips.enabled': false, 'workbench.enableExperiments': false,
};

// No port auto-forwarding: in a remote window (code-server's is one) VS Code's extension
// host looks for new listening ports every 2 s or more by running `ls -l /proc/[0-9]*/fd/[0-9]*`
// in a shell over every process on the machine, bursts of CPU a desktop VS Code never spends
// and that the tests and benches do not use. Machine-scoped: read from the remote's settings.
const MACHINE_SETTINGS = { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' };

let packaged = false;
/** `npm run package` (production bundles + vsce), once per process. */
export function packageExtension(): string {
  if (!packaged) execFileSync('npm', ['run', '-s', 'package'], { cwd: REPO, stdio: 'ignore' });
  packaged = true;
  return path.join(REPO, 'dist/overlay-lens.vsix');
}

function childrenOf(pgid: number): Array<{ pid: number; cmdline: string }> {
  const out: Array<{ pid: number; cmdline: string }> = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // field 5 of /proc/PID/stat is the process group; the comm field may hold spaces, so split after ')'
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp === pgid) out.push({ pid: Number(d), cmdline: fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch { /* gone */ }
  }
  return out;
}

/** Packages the extension, installs it and the driver, starts code-server on the workspace, opens it in Chromium. */
export async function startSession(o: SessionOptions): Promise<Session> {
  const cs = codeServerDir();
  const bin = path.join(cs, 'node_modules/.bin/code-server');
  const vsix = packageExtension();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ol-${o.name}-`));
  const workspace = o.copy ? path.join(tmp, path.basename(o.folder)) : o.folder;
  if (o.copy) fs.cpSync(o.folder, workspace, { recursive: true });
  // A .code-workspace file holds the workspace settings (and whatever a command
  // writes at workspace scope), so a tree opened in place is never written to.
  const workspaceFile = path.join(tmp, `${o.name}.code-workspace`);
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: workspace }], settings: o.workspaceSettings ?? {} }, null, 1));
  const extDir = path.join(tmp, 'extensions');
  const userDir = path.join(tmp, 'user');
  fs.mkdirSync(path.join(userDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...o.userSettings }, null, 1));
  fs.mkdirSync(path.join(userDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'Machine/settings.json'), JSON.stringify(MACHINE_SETTINGS, null, 1));
  execFileSync(bin, ['--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', vsix], { stdio: 'ignore' });
  // The driver goes in as a .vsix too: code-server only loads what extensions.json lists.
  const driverVsix = path.join(tmp, 'driver.vsix');
  execFileSync(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--skip-license', '-o', driverVsix], { cwd: path.join(REPO, 'test/support/driver'), stdio: 'ignore' });
  execFileSync(bin, ['--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', driverVsix], { stdio: 'ignore' });
  const port = await freePort();
  const driverOut = path.join(tmp, 'driver.json');
  let log = '';
  // every session starts with no kept answers (a cold open is cold); the session may fill and reuse its own
  const cacheDir = path.join(tmp, 'kept-answers');
  const env: NodeJS.ProcessEnv = { ...process.env, OVERLAY_LENS_DRIVER_OUT: driverOut, OVERLAY_LENS_CACHE_DIR: cacheDir };
  if (o.driverScript) env.OVERLAY_LENS_DRIVER_SCRIPT = o.driverScript;
  const proc: ChildProcess = spawn(bin, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extDir, '--user-data-dir', userDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspaceFile], { env, detached: true });
  proc.stdout?.on('data', (d) => { log += d; });
  proc.stderr?.on('data', (d) => { log += d; });
  // a test runner that dies mid-test must not leave code-server behind
  const killGroup = () => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killGroup);
  let browser: Browser | undefined;
  let closed = false;
  const session = {
    workspace, driverOut, log: () => log,
    extensionHostPid: () => childrenOf(proc.pid!).find((p) => /--type=extensionHost/.test(p.cmdline))?.pid,
  } as Session;
  session.close = async (failed = false) => {
    if (closed) return;
    closed = true;
    try {
      if (failed || process.env.OVERLAY_LENS_E2E_KEEP_LOGS) {
        const dir = path.join(ARTIFACTS, o.name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'code-server.log'), log);
        if (fs.existsSync(driverOut)) fs.copyFileSync(driverOut, path.join(dir, 'driver.json'));
        const exthostLog = findFile(path.join(userDir, 'logs'), 'exthost.log');
        if (exthostLog) fs.copyFileSync(exthostLog, path.join(dir, 'exthost.log'));
        const ours = findFile(path.join(userDir, 'logs'), 'Overlay Lens.log');
        if (ours) fs.copyFileSync(ours, path.join(dir, 'overlay-lens.log'));
        await session.page?.screenshot({ path: path.join(dir, 'failure.png') }).catch(() => undefined);
        console.log(`# artifacts of the ${o.name} session: ${dir}`);
      }
    } finally {
      await browser?.close().catch(() => undefined);
      killGroup();
      process.off('exit', killGroup);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60000);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    session.page = page;
    await page.goto(`http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspaceFile)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    return session;
  } catch (e) {
    await session.close(true);
    throw e;
  }
}

function findFile(dir: string, name: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { const f = findFile(p, name); if (f) return f; } else if (e.name === name) return p;
  }
  return undefined;
}

/** Waits for the driver's report to reach a step (or an error, which it throws). */
export async function driverReport(s: Session, step: string, ms: number): Promise<Report> {
  const t0 = Date.now();
  for (;;) {
    if (fs.existsSync(s.driverOut)) {
      const r = JSON.parse(fs.readFileSync(s.driverOut, 'utf8')) as Report;
      const err = r.steps.find((x) => x.name === 'error');
      if (err) throw new Error(`driver: ${err.message}`);
      if (r.steps.some((x) => x.name === step)) return r;
    }
    if (Date.now() - t0 > ms) throw new Error(`the driver did not reach '${step}' in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function processMemory(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
