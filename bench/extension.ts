// The extension's speed in real VS Code (code-server) with the Debian 6.12
// fixture tree open: keystroke-to-diagnostics latency for edits in struct
// net_iov (include/net/netmem.h) and struct page (include/linux/mm_types.h),
// first diagnostics after opening netmem.h cold (during VS Code's start, and
// again from a restarted engine process once VS Code has long started), and memory,
// all measured inside the extension host by bench/lib/extension-driver.ts.
// overlayLens.debounceMs is 0 here, so the latency is the re-check's, not the
// typing pause's. Reference: the kernel's own compile of the same header.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gccCompileOnce, kernelCompile, summarize } from './lib/kernel-compile';
import { fixturePaths } from '../test/support/fixture';
import { driverReport, processMemory, REPO, startSession } from '../test/support/code-server';
import { ReportStep } from '../test/support/driver-api';
import { ENGINE_EXEC_ARGV } from '../src/vscode/protocol';

const COMPILE_RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARM_GOAL_MS = 20;
const COLD_GOAL = 0.5;
// VS Code's extension host fires onDidChangeDiagnostics through a DebounceEmitter with
// delay 50 ms (extHostDiagnostics.ts): no extension can see its own diagnostics event sooner.
const VSCODE_DIAG_EVENT_DELAY_MS = 50;

type Row = [what: string, median: string, p95: string, note: string];

// Run with `node -e`: argv = [engine bundle, exec argv as JSON, src, build]; forks the engine as the
// extension does and prints the time from the fork to the check's answer.
const ENGINE_ALONE = `
const { fork } = require('child_process');
const [bundle, execArgv, src, build, keep] = process.argv.slice(1);
const t0 = performance.now();
const c = fork(bundle, [], { execArgv: JSON.parse(execArgv), serialization: 'advanced', env: { ...process.env, OVERLAY_LENS_CACHE_DIR: keep || '' } });
let id = 0; const pending = new Map();
c.on('message', (m) => { const p = pending.get(m.id); pending.delete(m.id); p(m); });
const req = (method, params) => new Promise((r) => { const i = ++id; pending.set(i, r); c.send({ id: i, method, params }); });
(async () => {
  const o = await req('open', { srcDir: src, buildDir: build, keepAnswers: !!keep });
  if (o.error) throw new Error(o.error);
  const k = await req('check', { files: [require('path').join(src, 'include/net/netmem.h')] });
  if (k.error) throw new Error(k.error);
  console.log('cold ' + (performance.now() - t0).toFixed(1) + ' check ' + k.result.ms.toFixed(1) + ' cpu ' + (k.result.cpuMs ?? NaN) + ' queued ' + (k.result.queuedMs ?? NaN) + ' kept ' + (k.result.kept === true));
  // the answer is written right after the reply, before the engine reads its next request: one more round trip
  if (keep) await req('memory', {});
  process.exit(0);
})();
`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mb = (x: number) => `${(x / 1048576).toFixed(0)} MB`;

async function main() {
  const f = fixturePaths();
  if (!fs.existsSync(path.join(f.src, 'include/net/netmem.h'))) { console.log(`bench/extension: no kernel fixture at ${f.src}: run scripts/kernel-fixture.sh`); process.exit(2); }
  const rows: Row[] = [];

  // The reference first, while nothing else of ours runs.
  const probe = '#include <net/netmem.h>\n';
  const k = kernelCompile(f.build, probe, COMPILE_RUNS);
  rows.push(['kernel compile of netmem.h (make M=, probe.o)', 'error' in k ? `unavailable: ${k.error}` : ms(k.timing.median), 'error' in k ? '' : ms(k.timing.p95), `${COMPILE_RUNS} runs after a warm-up; most of it is make's start-up (the arch Makefile's cc-option probes)`]);
  // The goals are set against the compile itself, the gcc command kbuild ran, without make: the stricter
  // reference, and the steadier one (make's ~100 probe runs of gcc were 2.2-2.7 s of a 2.8-3.5 s make M= in stop 15, a whole make M= 0.93 s in stop 14).
  // Its runs alternate with the engine's own below, so that each engine run has a gcc run beside it: this
  // machine's speed moves between minutes (the same gcc command took 826 ms in one run of this bench and
  // 536 ms in the next), and a ratio of two medians taken minutes apart moves with it.
  const gccRuns: number[] = [];
  let gccError = 'error' in k ? k.error : undefined;
  const gccOnce = () => {
    if (gccError || 'error' in k) return;
    const r = gccCompileOnce(k.gcc, probe);
    if ('error' in r) gccError = r.error;
    else gccRuns.push(r.ms);
  };
  gccOnce(); // a warm-up
  gccRuns.length = 0;

  // The same cold request to the engine process outside VS Code, each forked afresh: what the engine costs
  // without VS Code's own start-up competing for the two cores.
  const alone: number[] = [];
  const aloneCheck: Array<{ ms: number; cpu: number; queued: number }> = [];
  const engineAlone = (keepDir?: string) => {
    const r = spawnSync(process.execPath, ['-e', ENGINE_ALONE, path.join(REPO, 'dist/engine-process.js'), JSON.stringify(ENGINE_EXEC_ARGV), f.src, f.build, keepDir ?? ''], { encoding: 'utf8' });
    const m = /^cold (\d+(?:\.\d+)?) check (\d+(?:\.\d+)?) cpu (\S+) queued (\S+) kept (\S+)$/m.exec(r.stdout);
    if (!m) throw new Error(`engine alone: ${r.stderr || r.stdout}`);
    return { wall: Number(m[1]), ms: Number(m[2]), cpu: Number(m[3]), queued: Number(m[4]), kept: m[5] === 'true' };
  };
  const paired: number[] = [];
  for (let i = 0; i < COMPILE_RUNS; i++) {
    gccOnce();
    const r = engineAlone();
    alone.push(r.wall);
    aloneCheck.push(r);
    if (!gccError) paired.push(r.wall / gccRuns[gccRuns.length - 1]);
  }
  const al = summarize(alone);
  const g = gccError ? { error: gccError } : summarize(gccRuns);
  const compileMs = 'error' in g ? NaN : g.median;
  const pairedRatio = paired.length ? summarize(paired).median : NaN;
  rows.push(['  the compile alone (kbuild\'s gcc command, no make)', 'error' in g ? `unavailable: ${g.error}` : ms(g.median), 'error' in g ? '' : ms(g.p95), `reference: "compile" below; ${COMPILE_RUNS} runs after a warm-up, each beside a run of "the engine alone"`]);
  // The same with kept answers (engine-process.ts): one run keeps its answer, the next ones start from it.
  const keepDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-kept-'));
  const keptRuns: number[] = [];
  let keptAll = true;
  try {
    engineAlone(keepDir);
    for (let i = 0; i < COMPILE_RUNS; i++) { const r = engineAlone(keepDir); keptRuns.push(r.wall); keptAll &&= r.kept; }
  } finally {
    fs.rmSync(keepDir, { recursive: true, force: true });
  }
  const ka = summarize(keptRuns);

  const t0 = Date.now();
  const s = await startSession({
    name: 'bench-extension', folder: f.src,
    workspaceSettings: { 'overlayLens.buildDir': f.build, 'overlayLens.debounceMs': 0, 'files.watcherExclude': { '**': true } },
    driverScript: path.join(REPO, 'out/bench/lib/extension-driver.js'),
  });
  let failed = true;
  let outside: ReturnType<typeof processMemory>;
  let report: { steps: ReportStep[] };
  // BENCH_PROFILE_DIR=DIR (a developer's switch): the workbench renderer's main thread profiled over the whole session too
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const cdp = profileDir ? await s.page.context().newCDPSession(s.page) : undefined;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start'); }
  try {
    report = await driverReport(s, 'done', 45 * 60000);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(profileDir!, { recursive: true });
      fs.writeFileSync(path.join(profileDir!, 'renderer.cpuprofile'), JSON.stringify(profile));
    }
    const pid = s.extensionHostPid();
    outside = pid ? processMemory(pid) : undefined;
    failed = false;
  } finally {
    await s.close(failed);
  }
  type Threads = Array<{ thread: string; msPerEdit: number }>;
  const threadList = (ts: Threads) => ts.map((t) => `${t.thread} ${t.msPerEdit.toFixed(1)} ms`).join('; ');
  const step = <T>(name: string): T => { const x = report.steps.find((r) => r.name === name); if (!x) throw new Error(`the bench driver reported no ${name}`); return x as unknown as T; };

  const cold = step<{ publishMs: number; eventMs: number; engineMs: number; engineCpuMs?: number; engineQueuedMs?: number; threads?: Threads }>('cold-netmem');
  // The engine thread's own time on a CPU and in the run queue beside its wall time: a check that had a
  // core to itself ran all of it; the rest it either waited for a core or slept (blocked on something else).
  const cpuNote = (cpu: number | undefined, queued: number | undefined, wall: number) => {
    if (cpu === undefined || Number.isNaN(cpu)) return 'engine thread CPU: unavailable';
    const pc = (x: number) => `${((100 * x) / wall).toFixed(0)}%`;
    const q = queued === undefined || Number.isNaN(queued) ? 0 : queued;
    return `engine thread ran ${pc(cpu)}, waited for a core ${pc(q)}, slept ${pc(Math.max(0, wall - cpu - q))} of it`;
  };
  const goal = compileMs * COLD_GOAL;
  const verdict = (x: number, limit: number) => (Number.isNaN(limit) ? 'no reference' : x <= limit ? 'met' : 'NOT MET');
  rows.push(['cold: open netmem.h → its diagnostics set', ms(cold.publishMs), '', `goal ≤ ${COLD_GOAL}× compile = ${ms(goal)}: ${verdict(cold.publishMs, goal)}; ${(cold.publishMs / compileMs).toFixed(2)}× compile`]);
  rows.push(['  … → onDidChangeDiagnostics', ms(cold.eventMs), '', `goal ${verdict(cold.eventMs, goal)}; ${(cold.eventMs / compileMs).toFixed(2)}× compile`]);
  rows.push(['  of which the engine\'s check', ms(cold.engineMs), '', `one run: the first open is cold once; ${cpuNote(cold.engineCpuMs, cold.engineQueuedMs, cold.engineMs)}`]);
  // who else had the two cores meanwhile (VS Code starting up)
  if (cold.threads?.length) rows.push(['  CPU meanwhile, by thread', '', '', threadList(cold.threads)]);
  rows.push(['the engine alone: fork, open the tree, check netmem.h', ms(al.median), ms(al.p95), `goal ≤ ${COLD_GOAL}× compile: ${Number.isNaN(pairedRatio) ? 'no reference' : pairedRatio <= COLD_GOAL ? 'met' : 'NOT MET'}; ${pairedRatio.toFixed(2)}× compile, the median of each run over the gcc run beside it (forked from a bare node each run, no VS Code)`]);
  const mid = [...aloneCheck].sort((a, b) => a.ms - b.ms)[aloneCheck.length >> 1];
  rows.push(['  of which its check (median run)', ms(mid.ms), '', cpuNote(mid.cpu, mid.queued, mid.ms)]);
  rows.push(['  the same from an earlier run\'s kept answer', ms(ka.median), ms(ka.p95), `${keptAll ? 'every run answered from it' : 'NOT every run answered from it'} (overlayLens.keepAnswers; not the goal's measure: a cold open is the first ever)`]);
  const again = step<{ publishMs: number; eventMs: number; engineMs: number; engineCpuMs?: number; engineQueuedMs?: number; readyMs: number; threads?: Threads }>('cold-restarted');
  rows.push(['cold after start-up: Restart command → netmem.h diagnostics set', ms(again.publishMs), '', `goal ≤ ${COLD_GOAL}× compile: ${verdict(again.publishMs, goal)}; ${(again.publishMs / compileMs).toFixed(2)}× compile (a fresh engine process: fork, open the tree, check; VS Code started long before)`]);
  rows.push(['  of which the tree open (fork, .config, kbuild)', ms(again.readyMs), '', `then the check: ${ms(again.engineMs)} in the engine; ${cpuNote(again.engineCpuMs, again.engineQueuedMs, again.engineMs)}`]);
  if (again.threads?.length) rows.push(['  CPU meanwhile, by thread', '', '', threadList(again.threads)]);
  const kr = step<{ publishMs: number; readyMs: number; kept: boolean; engineMs?: number }>('kept-restarted');
  rows.push(['Restart again, the tree unchanged: netmem.h diagnostics set', ms(kr.publishMs), '', `${kr.kept ? 'from the answer the check above kept' : 'NOT from a kept answer'}, then checked for real (a session on a tree unchanged since the last; not the goal's measure); ${(kr.publishMs / compileMs).toFixed(2)}× compile`]);

  for (const [phase, label] of [['edits-netmem', 'net_iov (netmem.h)'], ['edits-mm', 'page (mm_types.h)']] as const) {
    const e = step<{ rows: Array<{ publishMs: number; eventMs: number; applyMs: number; changeMs: number; engineMs: number; engineCpuMs?: number; engineQueuedMs?: number; dependants: number; others: string[]; sendMs?: number; transitMs?: number; handleMs?: number }>; line: number; edit: string; warmup: number; quietMs: number; threads?: Array<{ thread: string; msPerEdit: number }> }>(phase);
    const deps = Math.max(...e.rows.map((r) => r.dependants));
    const pub = summarize(e.rows.map((r) => r.publishMs));
    const chg = summarize(e.rows.map((r) => r.changeMs));
    const ev = summarize(e.rows.map((r) => r.eventMs));
    const eng = summarize(e.rows.map((r) => r.engineMs));
    const app = summarize(e.rows.map((r) => r.applyMs));
    // The keystroke as the extension sees it: from VS Code's change event in the extension host to the diagnostics set.
    rows.push([`${label}: document change → diagnostics set, ${e.rows.length}×`, ms(chg.median), ms(chg.p95), `goal p95 ≤ ${WARM_GOAL_MS} ms warm: ${chg.p95 <= WARM_GOAL_MS ? 'met' : 'NOT MET'}`]);
    rows.push(['  from the editor.edit() call (VS Code applies the edit first)', ms(pub.median), ms(pub.p95), 'includes the edit\'s trip through VS Code, not ours']);
    rows.push(['  … → onDidChangeDiagnostics', ms(ev.median), ms(ev.p95), `goal p95 ≤ ${WARM_GOAL_MS} ms: ${ev.p95 <= WARM_GOAL_MS ? 'met' : 'NOT MET'} (VS Code holds this event ${VSCODE_DIAG_EVENT_DELAY_MS} ms)`]);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const cpu = summarize(e.rows.map((r) => r.engineCpuMs ?? NaN));
    rows.push(['  of which the engine\'s check', ms(eng.median), ms(eng.p95), `over the ${e.rows.length} checks: ${cpuNote(sum(e.rows.map((r) => r.engineCpuMs ?? NaN)), sum(e.rows.map((r) => r.engineQueuedMs ?? NaN)), sum(e.rows.map((r) => r.engineMs)))}`]);
    if (!Number.isNaN(cpu.median)) rows.push(['    its time on a CPU', ms(cpu.median), ms(cpu.p95), 'the check\'s own work (schedstat)']);
    // The rest is the check's wait for the one engine process, which serves every feature's requests in turn.
    const wait = summarize(e.rows.map((r) => r.publishMs - r.engineMs - r.applyMs));
    const seen = new Map<string, number>();
    for (const r of e.rows) for (const o of new Set(r.others)) seen.set(o, (seen.get(o) ?? 0) + 1);
    const busy = [...seen].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([o, n]) => `${o} in ${Math.round((100 * n) / e.rows.length)}%`).join(', ');
    rows.push(['  of which waiting for the engine, messaging', ms(wait.median), ms(wait.p95), busy ? `other requests in the way: ${busy} of edits` : 'no other request in the way']);
    for (const [k, what, note] of [['sendMs', 'change event → check request sent', 'the extension host thread: the change event reaches Overlay Lens, the text goes out'], ['transitMs', 'the request\'s and the answer\'s trips', 'IPC both ways (advanced serialization), the engine picking the request up'], ['handleMs', 'answer → diagnostics set', 'the extension host thread: the answer read into Problems entries']] as const) {
      const x = summarize(e.rows.map((r) => r[k] ?? NaN));
      if (!Number.isNaN(x.median)) rows.push([`    ${what}`, ms(x.median), ms(x.p95), note]);
    }
    // Who had the cores: every thread's CPU over the phase (quiet waits included), per edit.
    if (e.threads?.length) rows.push(['  CPU per edit, by thread (the whole edit cycle)', '', '', threadList(e.threads.slice(0, 6))]);
    rows.push(['  of which applying the edit (editor.edit)', ms(app.median), ms(app.p95), `'${e.edit}' in/out at line ${e.line}, each from an engine quiet ${e.quietMs} ms, ${e.warmup} warm-up edits first${deps ? `; ${deps} open dependant(s) re-checked after each, not timed` : ''}`]);
  }
  const first = step<{ publishMs: number }>('first-mm');
  const closed = step<{ closed: boolean }>('closed-netmem');
  if (!closed.closed) rows.push(['(netmem.h did not close before the mm_types.h edits)', '', '', 'VS Code kept its document']);
  rows.push(['open mm_types.h after netmem.h → diagnostics set', ms(first.publishMs), '', 'engine warm, unit new']);

  type Mem = { memory: { rss: number; peakRss: number; heapUsed: number; external: number }; worker: { heapUsed: number; heapTotal: number; external: number; rss?: number } };
  const m0 = step<Mem>('ready');
  const m1 = step<Mem>('memory-after-cold');
  const m2 = step<Mem>('memory-end');
  rows.push(['ext host RSS: tree open, no file checked', mb(m0.memory.rss), '', 'process.memoryUsage() in the extension host (the engine is a process of its own since stop 14)']);
  rows.push(['ext host RSS: after netmem.h cold', mb(m1.memory.rss), '', '']);
  rows.push(['ext host RSS: after all edits / peak', `${mb(m2.memory.rss)} / ${mb(m2.memory.peakRss)}`, '', outside ? `from /proc at the end: ${outside.rssMb.toFixed(0)} MB, peak ${outside.peakMb.toFixed(0)} MB` : '']);
  rows.push(['ext host JS heap (main thread) at the end', mb(m2.memory.heapUsed), '', `external ${mb(m2.memory.external)}`]);
  if (m2.worker.rss !== undefined) rows.push(['engine process RSS: after cold / end', `${mb(m1.worker.rss ?? NaN)} / ${mb(m2.worker.rss)}`, '', 'process.memoryUsage() in the engine process']);
  rows.push(['engine V8 heap: after cold / end', `${mb(m1.worker.heapUsed)} / ${mb(m2.worker.heapUsed)}`, '', `of ${mb(m2.worker.heapTotal)} reserved; external (wasm, buffers) ${mb(m2.worker.external)}`]);

  const w = [56, 18, 10, 0];
  console.log(`overlayLens.debounceMs = 0 for this bench (the default is 300 ms of typing pause before a re-check); session ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(['what', 'median', 'p95', 'goal / note'].map((h, i) => h.padEnd(w[i])).join(' '));
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(w[i])).join(' '));
  if (!('error' in k)) console.log(`\nreference command: ${k.command.slice(0, 300)}${k.command.length > 300 ? ' …' : ''}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
