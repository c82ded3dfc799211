// The extension bench's driver script: runs inside code-server's extension
// host (test/support/driver/extension.js loads it) beside Overlay Lens, on
// the fixture tree with overlayLens.debounceMs = 0, and times on this
// process's clock:
//   - cold: opening include/net/netmem.h until its first diagnostics;
//   - warm: edits applied with the editor API (alternately inserting and
//     removing a pointer field, so every re-check must flip the diagnostics
//     between "assert fails" and "clean") in struct net_iov (netmem.h) and in
//     struct page (mm_types.h), each until (a) Overlay Lens has set the
//     re-checked diagnostics of that document version (its onDidPublish) and
//     (b) vscode.languages.onDidChangeDiagnostics reports the file after that;
//   - cold again after the edits: the Restart command's fresh engine process
//     opening the tree and checking netmem.h, with VS Code long started;
//   - memory: this process (the extension host, worker thread included) and
//     the engine process's own V8 heap.
// Results go to the report as steps; bench/extension.ts prints them.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import type { TextDocument, TextEditor } from 'vscode';
import type { OverlayLensApi } from '../../src/vscode/extension';
import type { DriverScript } from '../../test/support/driver-api';

const EDITS = Number(process.env.BENCH_EDITS ?? 100);
const WARMUP = 6;
const INSERT = 'void*x;';
const QUIET_MS = 600;

function hostMemory() {
  const m = process.memoryUsage();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: m.rss, peakRss: kb('VmHWM'), heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * Every thread's time on a CPU (ns, from schedstat), by process role and thread name: the
 * edit phases report who ran while they went (read before and after, never during a timing).
 */
function threadTimes(): Map<string, { label: string; ns: number }> {
  const out = new Map<string, { label: string; ns: number }>();
  for (const pid of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    let role: string;
    try {
      // Chromium rewrites its children's command lines into one space-separated string
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
      const type = cmd.find((a) => a.startsWith('--type='))?.slice(7);
      role = Number(pid) === process.pid ? 'extension host' : cmd.some((a) => /engine-process\.js$/.test(a)) ? 'engine process' : type ? `chromium ${type}` : /chrom/.test(cmd[0]) || cmd.some((a) => /chromium$/.test(a)) ? 'chromium browser' : cmd.some((a) => /code-server/.test(a)) ? 'code-server' : path.basename(cmd[0] || '?');
    } catch { continue; }
    let tasks: string[];
    try { tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tasks) {
      try {
        const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const label = `${role}: ${tid === pid ? 'main' : comm}`;
        out.set(`${pid}/${tid}`, { label, ns });
      } catch { /* the thread ended */ }
    }
  }
  return out;
}

/**
 * BENCH_PROFILE_DIR=DIR: a CPU profile of this (the extension host's main) thread over each edit
 * phase, written to DIR (a developer's switch: what the host does for a keystroke besides ours).
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return fn();
  const session = new inspector.Session();
  session.connect();
  const post = (m: string, p?: object) => new Promise<any>((res, rej) => session.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `exthost-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** CPU ms per edit by thread between two threadTimes(), the busiest first. */
function busiest(before: Map<string, { label: string; ns: number }>, after: Map<string, { label: string; ns: number }>, edits: number, top = 8): Array<{ thread: string; msPerEdit: number }> {
  const rows: Array<{ thread: string; msPerEdit: number }> = [];
  for (const [k, a] of after) {
    const d = a.ns - (before.get(k)?.ns ?? 0);
    if (d > 0) rows.push({ thread: a.label, msPerEdit: d / 1e6 / edits });
  }
  return rows.sort((x, y) => y.msPerEdit - x.msPerEdit).slice(0, top);
}

export const run: DriverScript = async (vscode, step) => {
  const ext = vscode.extensions.getExtension<OverlayLensApi>('overlay-lens.overlay-lens');
  if (!ext) throw new Error('Overlay Lens is not installed');
  const api = await ext.activate();
  await api.ctx.ready();
  const debounceMs = api.ctx.settings().debounceMs;
  if (debounceMs !== 0) throw new Error(`overlayLens.debounceMs is ${debounceMs}; the bench sets it to 0`);
  const workerMemory = await api.ctx.engine.request('memory', {});
  step('ready', { memory: hostMemory(), worker: workerMemory, openDocs: vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => d.uri.fsPath) });

  // Listeners only stamp the time and wake the one wait in progress (nothing polls: a timer every
  // millisecond on this thread would take a share of the two cores the engine needs).
  let wake: (() => void) | undefined;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  /** until fn() holds, re-tried at each listener's event (and at `recheckMs`, for conditions on the clock) */
  const when = async <T>(what: string, fn: () => T | undefined | false, timeoutMs: number, recheckMs = timeoutMs): Promise<{ value: T }> => {
    const t0 = performance.now();
    for (;;) {
      const v = fn();
      if (v) return { value: v };
      const left = timeoutMs - (performance.now() - t0);
      if (left < 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((r) => { wake = r; setTimeout(r, Math.min(left + 1, recheckMs)); });
    }
  };
  const published: Array<{ file: string; version: number; at: number }> = [];
  const changed: Array<{ files: string[]; at: number }> = [];
  api.diagnostics.onDidPublish((p) => { published.push({ ...p, at: performance.now() }); poke(); });
  vscode.languages.onDidChangeDiagnostics((e) => { changed.push({ files: e.uris.map((u) => u.fsPath), at: performance.now() }); poke(); });
  const closed = new Set<string>();
  vscode.workspace.onDidCloseTextDocument((d) => { closed.add(d.uri.fsPath); poke(); });
  // when the extension host learns of the change: where our extension's part of a keystroke begins
  const textChanges: Array<{ file: string; version: number; at: number }> = [];
  vscode.workspace.onDidChangeTextDocument((e) => textChanges.push({ file: e.document.uri.fsPath, version: e.document.version, at: performance.now() }));

  // Every request to the engine, timed from the extension host's side: what else the (one, serial)
  // worker was doing while an edit waited for its diagnostics.
  const requests: Array<{ method: string; file: string; sent: number; done: number }> = [];
  let inFlight = 0;
  let lastActivity = performance.now();
  const engine = api.ctx.engine as unknown as { request(method: string, params: unknown): Promise<unknown> };
  const request = engine.request.bind(engine);
  engine.request = (method, params) => {
    const sent = lastActivity = performance.now();
    inFlight++;
    const p = params as { file?: string; files?: string[] } | undefined;
    const r = request(method, params);
    const done = () => { inFlight--; lastActivity = performance.now(); requests.push({ method, file: path.basename(p?.file ?? p?.files?.[0] ?? ''), sent, done: lastActivity }); poke(); };
    r.then(done, done);
    return r;
  };
  // Each edit is timed from a quiet worker, as a keystroke after a pause: what the last re-check set off
  // (the code lens VS Code asks for after new diagnostics, a few hundred ms later) has run by then.
  const quiet = () => when('the engine to go quiet', () => inFlight === 0 && performance.now() - lastActivity >= QUIET_MS, 120000, QUIET_MS / 4);
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const fileOf = (rel: string) => path.join(root, rel);
  const failing = (doc: TextDocument) => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'overlay/assert-fails');

  /** until the first diagnostics published for file at or after t0, and the onDidChangeDiagnostics after them */
  async function diagnosticsAfter(file: string, version: number, t0: number, timeoutMs: number) {
    const pub = (await when(`diagnostics of ${path.basename(file)} v${version}`, () => published.find((p) => p.file === file && p.version >= version && p.at >= t0), timeoutMs)).value;
    const ev = (await when(`onDidChangeDiagnostics for ${path.basename(file)}`, () => changed.find((c) => c.at >= pub.at && c.files.includes(file)), 5000)).value;
    return { publishMs: pub.at - t0, eventMs: ev.at - t0 };
  }

  async function open(rel: string, phase: string) {
    const file = fileOf(rel);
    published.length = 0; changed.length = 0;
    const threadsBefore = threadTimes();
    const t0 = performance.now();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const r = await diagnosticsAfter(file, 0, t0, 600000);
    step(phase, { file: rel, ...r, threads: busiest(threadsBefore, threadTimes(), 1, 5), engineMs: api.diagnostics.results.get(file)?.ms, engineCpuMs: api.diagnostics.results.get(file)?.cpuMs, engineQueuedMs: api.diagnostics.results.get(file)?.queuedMs, findings: vscode.languages.getDiagnostics(doc.uri).map((d) => d.code) });
    return { doc, editor, file };
  }

  /** edits alternately insert and remove INSERT at the start of a line; every re-check must flip the failing asserts */
  async function edits(rel: string, doc: TextDocument, editor: TextEditor, file: string, struct: string, lineRe: RegExp, phase: string) {
    const lines = doc.getText().split('\n');
    const start = lines.findIndex((l) => l.startsWith(`struct ${struct} {`));
    const line = lines.findIndex((l, i) => i > start && lineRe.test(l));
    if (start < 0 || line < 0 || lines.slice(start, line).some((l) => /^\};/.test(l))) throw new Error(`no line matching ${lineRe} in struct ${struct} of ${rel}`);
    if (failing(doc).length) throw new Error(`${rel} already fails an assert before the edits`);
    const threadsBefore = threadTimes();
    const rows: Array<{ publishMs: number; eventMs: number; applyMs: number; changeMs: number; engineMs: number; engineCpuMs: number; engineQueuedMs: number; dependants: number; others: string[]; sendMs: number; transitMs: number; handleMs: number }> = [];
    for (let i = 0; i < WARMUP + EDITS; i++) {
      const insert = i % 2 === 0;
      await quiet();
      published.length = 0; changed.length = 0; requests.length = 0; textChanges.length = 0;
      const before = doc.version;
      const t0 = performance.now();
      const ok = await editor.edit((e) => {
        if (insert) e.insert(new vscode.Position(line, 0), INSERT);
        else e.delete(new vscode.Range(line, 0, line, INSERT.length));
      }, { undoStopBefore: false, undoStopAfter: false });
      const applyMs = performance.now() - t0;
      if (!ok || doc.version === before) throw new Error(`edit ${i} of ${rel} was not applied`);
      // open headers that include this one are re-checked too (the dependants rule): which ones, before they are
      const dependants = vscode.workspace.textDocuments.filter((d) => d !== doc && api.diagnostics.results.get(d.uri.fsPath)?.includes?.includes(file)).map((d) => d.uri.fsPath);
      const r = await diagnosticsAfter(file, doc.version, t0, 120000);
      const change = textChanges.find((c) => c.file === file && c.version === doc.version);
      const changeMs = change ? r.publishMs - (change.at - t0) : NaN;
      // the diagnostics must be the re-check of this very text
      const fails = failing(doc).length > 0;
      if (fails !== insert) throw new Error(`edit ${i} of ${rel}: ${insert ? 'inserted a field but no assert fails' : 'removed the field but an assert still fails'}`);
      const engineMs = api.diagnostics.results.get(file)?.ms ?? NaN;
      const engineCpuMs = api.diagnostics.results.get(file)?.cpuMs ?? NaN;
      const engineQueuedMs = api.diagnostics.results.get(file)?.queuedMs ?? NaN;
      // the dependants' re-checks are not timed, but must have run before the next edit
      for (const d of dependants) await when(`the re-check of ${path.basename(d)}`, () => published.some((p) => p.file === d && p.at >= t0), 120000);
      // requests the worker answered ahead of this edit's check (it serves them one at a time, in order)
      const own = path.basename(file);
      const mine = (q: { method: string; file: string; sent: number }) => q.file === own && q.sent >= t0 && (q.method === 'check' || q.method === 'setFileText');
      const checkReq = requests.find((q) => mine(q) && q.method === 'check');
      const checkDone = checkReq?.done ?? t0 + r.publishMs;
      const others = requests.filter((q) => q.done > t0 && q.done < checkDone && !mine(q));
      // the extension's own part around the worker's: change event → request sent, the two messages' trips, answer → diagnostics set
      const sendMs = checkReq && change ? checkReq.sent - change.at : NaN;
      const transitMs = checkReq ? checkReq.done - checkReq.sent - engineMs : NaN;
      const handleMs = checkReq ? t0 + r.publishMs - checkReq.done : NaN;
      if (i >= WARMUP) rows.push({ ...r, applyMs, changeMs, engineMs, engineCpuMs, engineQueuedMs, dependants: dependants.length, others: others.map((q) => `${q.method}:${q.file}`), sendMs, transitMs, handleMs });
    }
    const threads = busiest(threadsBefore, threadTimes(), WARMUP + EDITS);
    if (doc.getText().includes(INSERT)) throw new Error(`${rel} still holds the inserted field`);
    step(phase, { file: rel, struct, line: line + 1, edit: INSERT, warmup: WARMUP, quietMs: QUIET_MS, rows, threads });
  }

  // Nothing is open yet: netmem.h's first check builds its unit from nothing.
  const netmem = await open('include/net/netmem.h', 'cold-netmem');
  step('memory-after-cold', { memory: hostMemory(), worker: await api.ctx.engine.request('memory', {}) });
  await profiled('edits-netmem', () => edits('include/net/netmem.h', netmem.doc, netmem.editor, netmem.file, 'net_iov', /^\tunsigned long pp_magic;/, 'edits-netmem'));

  // netmem.h includes mm_types.h: left open, each mm_types.h edit would re-check it too (the dependants rule).
  await vscode.window.showTextDocument(netmem.doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  const t1 = Date.now();
  const gone = await when('netmem.h to close', () => closed.has(netmem.file), 30000).then(() => true, () => false);
  step('closed-netmem', { closed: gone, ms: Date.now() - t1 });

  const mm = await open('include/linux/mm_types.h', 'first-mm');
  await profiled('edits-mm', () => edits('include/linux/mm_types.h', mm.doc, mm.editor, mm.file, 'page', /^\tunsigned long flags;/, 'edits-mm'));
  step('memory-end', { memory: hostMemory(), worker: await api.ctx.engine.request('memory', {}) });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

  // Cold again, long after VS Code's start: the Restart command's fresh engine process (no unit, token or compiled
  // grammar) opens the tree and checks netmem.h, the active editor's file (checked first). The same work
  // as "the engine alone", inside VS Code.
  const shown = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(netmem.file)), { preview: false });
  await when('netmem.h checked after it was shown again', () => api.diagnostics.results.has(netmem.file), 120000);
  await quiet();
  published.length = 0; changed.length = 0;
  // no kept answer (engine-process.ts): the session's own first check left one, and this is to be cold
  fs.rmSync(process.env.OVERLAY_LENS_CACHE_DIR!, { recursive: true, force: true });
  const threadsBefore = threadTimes();
  const t0 = performance.now();
  await vscode.commands.executeCommand('overlayLens.restart');
  const readyMs = performance.now() - t0;
  const again = await diagnosticsAfter(netmem.file, 0, t0, 600000);
  step('cold-restarted', { ...again, readyMs, threads: busiest(threadsBefore, threadTimes(), 1, 5), engineMs: api.diagnostics.results.get(netmem.file)?.ms, engineCpuMs: api.diagnostics.results.get(netmem.file)?.cpuMs, engineQueuedMs: api.diagnostics.results.get(netmem.file)?.queuedMs, findings: vscode.languages.getDiagnostics(shown.document.uri).map((d) => d.code) });

  // Once more, now with the answer that check kept: a new session on a tree nobody changed since the last one.
  await when('the restarted engine done with netmem.h', () => api.diagnostics.results.has(netmem.file), 120000);
  await api.ctx.engine.request('structsInFile', { file: netmem.file }); // the real check after a kept answer is done too
  await quiet();
  published.length = 0; changed.length = 0;
  const t2 = performance.now();
  await vscode.commands.executeCommand('overlayLens.restart');
  const keptAgain = await diagnosticsAfter(netmem.file, 0, t2, 600000);
  const k = api.diagnostics.results.get(netmem.file);
  step('kept-restarted', { ...keptAgain, readyMs: performance.now() - t2, kept: k?.kept === true, engineMs: k?.ms, findings: vscode.languages.getDiagnostics(shown.document.uri).map((d) => d.code) });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
};
