// The engine off the extension host's main thread: one OverlayProject per
// engine process (forked by engine-client.ts), fed with unsaved buffers,
// answering the requests in protocol.ts over the process's IPC channel.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { OverlayProject, LayoutAnswer } from '../engine/project';
import { kbuildCompileSettings } from '../engine/config/kbuild';
import { defaultCacheDir, KeptAnswers } from '../engine/project/kept-answers';
import { flatten, pahole } from '../engine/layout/presenters';
import { LaidMember } from '../engine/layout/record-layout';
import { typeName } from '../engine/types/type-table';
import { scenario, SCENARIOS } from '../engine/simulator/scenarios';
import { runTrace, validateTrace } from '../engine/simulator/trace';
import { macroCall } from '../engine/checks/asserts';
import { findMember } from '../engine/checks/layout-view';
import { MirrorMap, regionFields } from '../engine/checks/mirror-map';
import { overhead } from '../engine/checks/overhead';
import { mergeSweep, parseSweep, sweepConfig } from '../engine/checks/sweep';
import { Finding } from '../engine/checks/findings';
import { CheckResult, RequestMessage, Requests, ResponseMessage, StaleMessage, WireFinding, WireMember, WireMirror, WireStruct } from './protocol';

/** The region sizes a descriptor's hover prices its array for (the netmem review's 10 MB, and a gigabyte). */
const REGIONS = [10 << 20, 1 << 30];

let project: OverlayProject | undefined;

/**
 * Answers of the first check of each file set, kept on disk between sessions (kept-answers.ts): a
 * session's first check of a file set the disk holds as it was is answered from there at once, and
 * checked for real right after; if the two differ the extension is told to ask again.
 */
let kept: KeptAnswers<CheckResult> | undefined;
/** file sets checked for real by this process (their kept answer is written once) */
const checkedHere = new Set<string>();

function need(): OverlayProject {
  if (!project) throw new Error('the engine has no tree open');
  return project;
}

function members(ms: LaidMember[], a: LayoutAnswer & { ok: true }, prefix = ''): WireMember[] {
  return ms.map((m, i) => {
    const pos = a.unit.positionOf(m.node);
    const next = ms[i + 1];
    const end = m.offsetBits + (m.bitWidth || m.sizeBits);
    const hole = next && !next.bitWidth && a.layout.kind === 'struct' && !m.bitWidth ? (next.offsetBits - end) / 8 : 0;
    const path = m.name === null ? prefix.replace(/\.$/, '') : prefix + m.name;
    const w: WireMember = { name: m.name, path, offset: Math.floor(m.offsetBits / 8), bitOffset: m.offsetBits % 8, size: m.sizeBits / 8, align: m.align, bitfield: m.bitWidth, type: typeName(m.type), line: pos?.line, file: pos?.file };
    if (hole > 0) w.holeAfter = hole;
    if (m.children) { w.children = members(m.children, a, m.name === null ? prefix : `${path}.`); w.aggregate = m.aggregate; }
    return w;
  });
}

function wireStruct(a: LayoutAnswer): WireStruct {
  if (!a.ok) return { name: a.name, kind: a.kind, file: '', line: 0, endLine: 0, error: a.reason };
  const rec = a.unit.table.record(a.name);
  const end = rec ? a.unit.position(a.unit.table.offsetOf(rec.node) + rec.node.endIndex - rec.node.startIndex - 1) : undefined;
  const ms = members(a.layout.members, a);
  let holes = 0;
  const walk = (xs: WireMember[]) => { for (const x of xs) { if (x.holeAfter) holes++; if (x.children) walk(x.children); } };
  walk(ms);
  const via = project?.readAs(a);
  const readAs = via && ('includer' in via ? { readAs: via.includer } : { readAfter: via.after });
  return { name: a.name, kind: a.kind, file: a.file, line: a.line, endLine: end?.line ?? a.line, size: a.layout.size, align: a.layout.align, holes, members: ms, pahole: pahole(a.layout), ...readAs };
}

/**
 * This thread's time on a CPU and waiting in the run queue for one, in ms, from
 * /proc/thread-self/schedstat (nanoseconds), or undefined off Linux. Beside a check's wall
 * time they say whether the check was slow, waited for a core (inside VS Code the workbench,
 * server and extension host share the machine) or slept (blocked on something else).
 */
function threadSched(): { runMs: number; queuedMs: number } | undefined {
  try {
    // opened once and read again from its start (one pread, not open/stat/read/close: ~0.4 ms a check here);
    // the requests are all answered on this one thread, so thread-self stays this thread
    if (schedFd === undefined) schedFd = fs.openSync('/proc/thread-self/schedstat', 'r');
    if (schedFd < 0) return undefined;
    const n = fs.readSync(schedFd, schedBuf, 0, schedBuf.length, 0);
    const [run, queued] = schedBuf.toString('latin1', 0, n).split(' ').map(Number);
    return Number.isFinite(run) && Number.isFinite(queued) ? { runMs: run / 1e6, queuedMs: queued / 1e6 } : undefined;
  } catch {
    schedFd = -1;
    return undefined;
  }
}
let schedFd: number | undefined;
const schedBuf = Buffer.alloc(128);

/** The includes list last answered per checked files (by their key): a keystroke's answer leaves an unchanged one out. */
const lastIncludes = new Map<string, string[]>();

function includesToSend(key: string, includes: string[], theyHaveIt: boolean): string[] | undefined {
  const last = lastIncludes.get(key);
  if (theyHaveIt && last && last.length === includes.length && last.every((f, k) => f === includes[k])) return undefined;
  lastIncludes.set(key, includes);
  return includes;
}

/** No unsaved buffer says other than its file on disk (a buffer undone to the saved text may still be sent). */
function asOnDisk(pr: OverlayProject): boolean {
  return pr.files.unsaved().every(([f, text]) => { try { return fs.readFileSync(f, 'utf8') === text; } catch { return false; } });
}

/** The last check's mirror maps per checked file set: the overlay view asks for them in full (overlayMaps), a keystroke's answer carries only their rows. */
const lastMirrors = new Map<string, MirrorMap[]>();

const place = (p: { file: string; line: number; column: number } | undefined) => (p ? { file: p.file, line: p.line, column: p.column } : undefined);

/** A mirror map as the overlay view draws it: every row's and overlaid field's declaration, and A's fields beside B's. */
function detailedMirror(m: MirrorMap): WireMirror {
  return {
    a: m.a.name, b: m.b.name, aSize: m.a.size, bSize: m.b.size, regions: m.regions.map((g) => ({ start: g.start, end: g.end, label: g.label })),
    rows: m.rows.map((row) => ({
      field: row.field.path, type: row.field.type, start: row.start, end: row.end, overlays: row.overlays.map((o) => o.path), status: row.status, note: row.note,
      at: place(row.field.decl), overlayAt: row.overlays.map((o) => place(findMember(m.a, o.path)?.decl) ?? null),
    })),
    aFields: regionFields(m).map((f) => ({ path: f.path, type: f.type, start: f.start, end: f.end, at: place(f.decl) })),
  };
}

function wireFinding(f: Finding): WireFinding {
  return { rule: f.rule, severity: f.severity, file: f.file, line: f.line, column: f.column, message: f.message, fix: f.fix, onlyUnder: f.onlyUnder, related: f.related, move: f.move };
}

/** The check of `files` as it is now, without timings (every file the units read in `includes`). */
async function checkNow(pr: OverlayProject, files: string[]): Promise<CheckResult> {
  pr.prepareCheck(files);
  await pr.ready;
  const r = pr.check(files);
  lastMirrors.set(files.join('\0'), r.mirrors);
  return {
    findings: r.findings.map(wireFinding),
    asserts: r.asserts.map((a) => ({ file: a.site.at.file, line: a.site.at.line, column: a.site.at.column, status: a.status, text: a.site.text, macro: macroCall(a.site), lhs: a.lhs, rhs: a.rhs, op: a.op, terms: a.terms.length ? a.terms : undefined, reason: a.reason })),
    // the rows only: hovers and lenses read them; the overlay view asks for the rest (overlayMaps), not every keystroke's answer
    mirrors: r.mirrors.map((m) => ({
      a: m.a.name, b: m.b.name, aSize: m.a.size, bSize: m.b.size, regions: m.regions.map((g) => ({ start: g.start, end: g.end, label: g.label })),
      rows: m.rows.map((row) => ({ field: row.field.path, type: row.field.type, start: row.start, end: row.end, overlays: row.overlays.map((o) => o.path), status: row.status, note: row.note })),
    })),
    overheads: r.overheads.map((o) => ({ ...o, regions: REGIONS.map((bytes) => overhead(o.struct, o.descriptorBytes, o.pageSize, bytes).region!) })),
    notes: r.notes,
    files,
    includes: [...new Set(files.flatMap((f) => pr.includedBy(f)))],
    ms: 0,
  };
}

/** Keeps a real check's answer for the next session, made from every file the project's units read (written after the reply). */
function keep(pr: OverlayProject, key: string, r: CheckResult, since: number): void {
  const from = [...pr.filesRead(), ...r.files];
  const store = kept;
  setImmediate(() => {
    // the tree reopened meanwhile (another config): this answer is not that store's
    if (project !== pr || store !== kept) return;
    try {
      store?.put(key, r, from, since);
      store?.save();
    } catch (e) {
      console.error(`cannot keep the answer: ${(e as Error).message}`);
    }
  });
}

const sameAnswer = (a: CheckResult, b: CheckResult) => JSON.stringify([a.findings, a.asserts, a.mirrors, a.notes], big) === JSON.stringify([b.findings, b.asserts, b.mirrors, b.notes], big);
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** After a kept answer: the check for real, kept anew; the extension is told when it differs from what it was given. */
async function realCheck(pr: OverlayProject, files: string[], key: string, given: CheckResult): Promise<void> {
  if (project !== pr || checkedHere.has(key)) return;
  checkedHere.add(key);
  const since = Date.now();
  const r = await checkNow(pr, files);
  // an edit meanwhile gets its own check: this one is only about the disk
  if (sameAnswer(r, given) || !asOnDisk(pr)) return;
  keep(pr, key, r, since);
  const stale: StaleMessage = { event: 'stale', files };
  process.send?.(stale);
}

const handlers: { [M in keyof Requests]: (p: Requests[M]['params']) => Promise<Requests[M]['result']> | Requests[M]['result'] } = {
  open(p) {
    // The grammar's wasm compiles while the first requests preprocess their headers (see check).
    project = OverlayProject.opening({ srcDir: p.srcDir, buildDir: p.buildDir, configFile: p.configFile, arch: p.arch, extraPairs: p.extraPairs });
    checkedHere.clear();
    lastMirrors.clear();
    try {
      kept = p.keepAnswers === false ? undefined : KeptAnswers.open(defaultCacheDir(), 'editor', project.config, kbuildCompileSettings(project.config).includeDirs);
    } catch (e) {
      kept = undefined;
      console.error(`kept answers unavailable: ${(e as Error).message}`);
    }
    return { label: project.config.label, assumptions: project.config.assumptions, arch: project.config.arch, configFile: project.config.configFile };
  },
  setFileText(p) {
    need().setFileText(p.file, p.text);
    return null;
  },
  async check(p) {
    const pr = need();
    const t0 = performance.now();
    const since = Date.now();
    const sched0 = threadSched();
    if (p.text) pr.setFileText(p.text.file, p.text.text);
    // a file whose text the project holds (a buffer, or read before) needs no stat
    const files = p.files.filter((f) => pr.files.read(f) !== undefined || (f.startsWith(pr.config.srcDir + path.sep) && fs.existsSync(f)));
    const key = files.join('\0');
    // a first check of these files here, on the disk as it is (no unsaved buffer that differs from its file):
    // what a kept answer was made from (a keystroke's check is never a first one)
    const first = kept !== undefined && !checkedHere.has(key) && asOnDisk(pr);
    if (first) kept!.refresh(); // the disk as it is now, not as at the last check
    const fromDisk = first ? kept!.get(key) : undefined;
    let result: CheckResult;
    if (fromDisk) {
      result = { ...fromDisk.value, kept: true, includes: includesToSend(key, fromDisk.value.includes ?? [], p.haveIncludes === true), ms: 0 };
      // the real check comes next, before any other request (they wait for its units anyway)
      setImmediate(() => { void realCheck(pr, files, key, fromDisk.value).catch((e) => console.error(`check after a kept answer: ${(e as Error).message}`)); });
    } else {
      const r = await checkNow(pr, files);
      result = { ...r, includes: includesToSend(key, r.includes ?? [], p.haveIncludes === true) };
      if (first) keep(pr, key, r, since);
      checkedHere.add(key);
    }
    result.ms = performance.now() - t0;
    const sched1 = threadSched();
    if (sched0 && sched1) {
      result.cpuMs = sched1.runMs - sched0.runMs;
      result.queuedMs = sched1.queuedMs - sched0.queuedMs;
    }
    return result;
  },
  async overlayMaps(p) {
    // the last check of these files (the view asks right after one), else one now
    const pr = need();
    const key = p.files.join('\0');
    if (!lastMirrors.has(key)) await checkNow(pr, p.files);
    return (lastMirrors.get(key) ?? []).map(detailedMirror);
  },
  async sweep(p) {
    // overlayLens.sweepConfigs: the files again under each configuration; a finding some have and others not is the point
    const pr = need();
    const items = parseSweep(p.specs.join(','));
    if ('error' in items) throw new Error(`overlayLens.sweepConfigs: ${items.error}`);
    const runs = [];
    for (const item of items) {
      // O=DIR: relative to the tree, as buildDir; vetted against Workspace Trust by the extension (config.ts sweepSpecs)
      const change = sweepConfig(item, pr.options, (dir) => path.resolve(pr.config.srcDir, dir));
      const q = change ? await pr.withConfig(change) : pr;
      q.prepareCheck(p.files);
      await q.ready;
      runs.push({ label: item.label, result: q.check(p.files) });
    }
    return { labels: items.map((i) => i.label), findings: mergeSweep(runs).map(wireFinding) };
  },
  structsInFile(p) {
    return need().layoutsInFile(p.file).map(wireStruct);
  },
  layout(p) {
    return wireStruct(need().layout(p.name, p.kind ?? 'struct'));
  },
  simParams() {
    const r = need().simParams();
    return { params: { ...r.params }, fromTree: r.fromTree, defaulted: r.defaulted };
  },
  memory() {
    const h = v8.getHeapStatistics();
    return { heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: h.external_memory, malloced: h.malloced_memory, rss: process.memoryUsage().rss, pid: process.pid };
  },
  simulate(p) {
    const base = project ? project.simParams().params : undefined;
    const params = { ...(base ?? {}), ...(p.overrides ?? {}) };
    if (p.traceFile) {
      const trace = validateTrace(JSON.parse(fs.readFileSync(p.traceFile, 'utf8')), p.traceFile);
      return runTrace(trace, params as never);
    }
    const sc = scenario(p.scenario) ?? SCENARIOS[0];
    return { scenario: sc.name, summary: sc.summary, ...runTrace(sc.build({ ...(runTrace({ ops: [] }).params), ...params } as never, p.rounds ?? 2000, 1), params as never) };
  },
};

void flatten;

/** Requests that need no parse, or wait for the grammar themselves. */
const BEFORE_THE_GRAMMAR = new Set<string>(['open', 'setFileText', 'check', 'memory']);

/**
 * A young-generation collection when the engine has been quiet for a moment
 * (after the diagnostics and the requests that follow them): a keystroke's
 * check then starts with an empty nursery instead of paying for the last
 * one's garbage (in-process p95 of an edit's check of netmem.h: 20 → 8 ms).
 */
const minorGc = ((): (() => void) | undefined => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : undefined;
  } catch {
    return undefined;
  }
})();
const IDLE_GC_MS = 40;
let pending = 0;
let idleTimer: NodeJS.Timeout | undefined;

function afterReply(): void {
  if (!minorGc) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => { idleTimer = undefined; if (pending === 0) minorGc(); }, IDLE_GC_MS);
}

/**
 * OVERLAY_LENS_CPU_PROFILE=DIR: a CPU profile of this engine process from its start
 * to its first check's answer (the cold path), written to DIR (a developer's
 * switch: where the time of a cold open inside VS Code goes).
 */
const profileDir = process.env.OVERLAY_LENS_CPU_PROFILE;
let profiling: Promise<inspector.Session | undefined> | undefined;
if (profileDir) {
  const session = new inspector.Session();
  session.connect();
  profiling = new Promise((resolve) => session.post('Profiler.enable', () => session.post('Profiler.start', () => resolve(session))));
}

function stopProfile(): void {
  const p = profiling;
  profiling = undefined;
  void p?.then((session) => session?.post('Profiler.stop', (err, r) => {
    if (!err) fs.writeFileSync(path.join(profileDir!, `engine-cold-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(r.profile));
    session.disconnect();
  }));
}

// The extension host gone (its IPC channel closed): nothing will ask again.
process.on('disconnect', () => process.exit(0));

process.on('message', async (msg: RequestMessage) => {
  let answer: ResponseMessage;
  pending++;
  if (idleTimer) { clearTimeout(idleTimer); idleTimer = undefined; }
  try {
    const h = handlers[msg.method] as (p: unknown) => unknown;
    if (!h) throw new Error(`unknown request ${msg.method}`);
    if (project && !BEFORE_THE_GRAMMAR.has(msg.method)) await project.ready;
    answer = { id: msg.id, result: await h(msg.params) };
  } catch (e) {
    answer = { id: msg.id, error: (e as Error)?.message ?? String(e) };
  }
  pending--;
  process.send?.(answer);
  if (profiling && msg.method === 'check') stopProfile();
  afterReply();
});
