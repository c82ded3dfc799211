// The per-file half of `check`: translation units built once and read for
// every checked file they hold. A .c file is its own unit, compiled with the
// -D flags kbuild gives that object; a header is read from the first .c unit
// of the run (in path order) that includes it, so it is checked in a real
// compile context, and only headers no .c file of the run includes get a
// probe unit of their own. Units are built and dropped one at a time, on
// worker threads when there are enough of them (check-worker.ts).
//
// A whole-tree run goes in phases: each .c unit first with only its own
// function bodies kept (its asserts); then, once the files each unit read are
// known, the units that are the first to read some checked headers again,
// with those headers' bodies kept (their BUILD_BUG_ONs live there); then the
// probes. Each header is checked once, not in every unit that reads it, and
// the units share their headers through a header memo (preprocess/header-memo.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AssertResult } from '../checks/asserts';
import { Finding } from '../checks/findings';
import type { MirrorMap } from '../checks/mirror-map';
import { OverlayPair, pairsFromUnions, TagUse, tagUses } from '../checks/overlay-pairs';
import { checkTagAlignment, tagKey } from '../checks/tagged-pointers';
import { UnitAsserts } from '../checks/unit-asserts';
import { unclosedAssert } from '../checks/typed-asserts';
import { KbuildObject, KbuildObjects } from '../config/kbuild-objects';
import { structView } from '../layout/presenters';
import type { RecordLayout } from '../layout/record-layout';
import { HeaderMemo } from '../preprocess/header-memo';
import type { OverlayProject, ProjectOptions } from '../project';
import type { TranslationUnit } from './translation-unit';
import type { KeptUnits } from './kept-answers';
import { includerOf } from './private-headers';

/** What one file's check found, from whichever unit read it. */
export interface FileCheck {
  file: string;
  /** the unit that answered: the file itself, or the .c file that included this header */
  via: string;
  /** for .c files: does kbuild compile it under this configuration */
  kbuild?: Pick<KbuildObject, 'built' | 'why'>;
  asserts: AssertResult[];
  notes: string[];
  /** unions in structs defined here that hold a whole struct `a` (overlay candidates; the caller picks the bases) */
  unions: Array<{ a: string; b: string }>;
  /** members of structs defined here typed `struct X`: where a struct_group_tagged() group of a base may be embedded */
  tagUses: TagUse[];
  tags: Finding[];
  /** keys of findings this file's checks could not decide either way (a tag check whose alignment is unknown) */
  undecided: string[];
}

export interface UnitJob {
  main: string;
  /** other files of the run to read from this unit when it includes them */
  also: string[];
  keepBodiesIn: string[];
  /** check the main file too, and keep its function bodies (default) */
  checkMain?: boolean;
}

export interface UnitResult {
  main: string;
  files: FileCheck[];
  /** files the unit read (for re-checking dependants after an edit) */
  included: string[];
  ms: { preprocess: number; parse: number; index: number; check: number };
  error?: string;
}

/** Where the overlay half of a check starts from (OverlayProject.overlayQuestion): plain data, for a worker. */
export interface OverlayQuestion {
  byPair: OverlayPair[];
  unionPairs: OverlayPair[];
  extra: OverlayPair[];
  bases: string[];
  tagUses: TagUse[];
}

/** The overlay half's answer (OverlayProject.overlays): the pairs mapped, what could not be, PAGE_SIZE for the overheads. */
export interface OverlayAnswer {
  mirrors: MirrorMap[];
  notes: string[];
  undecided: string[];
  /** PAGE_SIZE in the first pair's unit; undefined when no pair had a unit */
  pageSize?: { value: number } | { reason: string };
  /**
   * What it was made from, for keeping it between runs (kept-answers.ts): the files read (the units'
   * and any other), where each struct was found, and whether that is all (not when a leaning header
   * was read through includers found by walks of the tree).
   */
  from: { files: string[]; located: Array<{ name: string; kind: 'struct' | 'union'; files: string[] }>; keepable: boolean };
}

/** What checkFiles offers the overlay half: a worker to ask (while its pool is up), the kept answers it uses, when it began. */
export interface OverlayRun {
  ask?: (q: OverlayQuestion) => Promise<OverlayAnswer>;
  /** the run's kept answers (none with unsaved buffers: they hold for the disk as it is) */
  kept?: KeptUnits;
  since: number;
}

/** A message to a check worker: a unit to build, or the overlay half of the run. */
export type WorkerRequest = { job: UnitJob } | { overlays: OverlayQuestion };

/** Any struct may be the overlaid one at this stage; the caller keeps only its bases. */
const ANY: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;

/** Builds one unit, reads every file of the job it holds, and drops it. */
export function runUnitJob(project: OverlayProject, job: UnitJob, kbuild: KbuildObjects, keep?: (u: TranslationUnit) => void, cache = false, headerMemo?: HeaderMemo): UnitResult {
  const obj = job.main.endsWith('.c') ? kbuild.object(job.main) : undefined;
  let u: TranslationUnit;
  try {
    u = project.checkUnit(job.main, { defines: obj?.defines, keepBodiesIn: job.keepBodiesIn, keepMain: job.checkMain !== false, cache, headerMemo });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { main: job.main, files: [], included: [], ms: { preprocess: 0, parse: 0, index: 0, check: 0 }, error: why };
  }
  const t0 = performance.now();
  const included = new Set(u.pp.includedFiles);
  const files: FileCheck[] = [];
  const mine = [...(job.checkMain === false ? [] : [job.main]), ...job.also.filter((f) => f !== job.main && included.has(f))];
  const asserts = new UnitAsserts(u, mine);
  // where each record is defined: only the declarations with text from these files are parsed
  const records = new Map<string, string[]>(mine.map((f) => [f, []]));
  for (const file of mine) {
    for (const name of u.recordNamesFrom(file)) {
      const rec = u.table.record(name);
      const at = rec && u.positionOf(rec.node)?.file;
      if (at !== undefined) records.get(at)?.push(name);
    }
  }
  for (const file of mine) {
    try {
      files.push(checkFileIn(project, u, asserts, records.get(file)!, file, job.main, file === job.main ? obj : undefined));
    } catch (e) {
      // one file the checker trips on is reported, and the rest of the run goes on
      const why = e instanceof Error ? e.message : String(e);
      files.push({ file, via: job.main, asserts: [], notes: [`${path.relative(project.config.srcDir, file)}: not checked: internal error: ${why}`], unions: [], tagUses: [], tags: [], undecided: [] });
    }
  }
  const parse = u.declarations.parseMs;
  const ms = { preprocess: u.timings.preprocessMs, parse, index: u.timings.indexMs, check: performance.now() - t0 - parse };
  if (keep) keep(u);
  else if (!project.owns(u)) u.dispose();
  return { main: job.main, files, included: [...included], ms };
}

/** A run's header memo; OVERLAY_LENS_HEADER_MEMO=0 turns replay off (benchmarks compare the two). */
export function newHeaderMemo(): HeaderMemo | undefined {
  return process.env.OVERLAY_LENS_HEADER_MEMO === '0' ? undefined : new HeaderMemo();
}

/** Files that may hold a tagged-pointer scheme: a pointer masked with ~TAG (netmem_to_net_iov's `netmem & ~NET_IOV`). */
const MASKS_A_TAG = /&\s*~\s*\(?\s*[A-Z_][A-Z0-9_]*\b/;

/**
 * What a record's layout says about overlays (unions holding a whole struct, members typed by a struct's tag),
 * kept per layout: an edited unit reuses the layouts of the records the edit did not touch, and so these.
 */
const hintsOf = new WeakMap<RecordLayout, { unions: Array<{ a: string; b: string }>; uses: TagUse[] }>();
function overlayHints(l: RecordLayout): { unions: Array<{ a: string; b: string }>; uses: TagUse[] } {
  let d = hintsOf.get(l);
  if (!d) {
    const view = structView(l);
    d = { unions: pairsFromUnions(view, ANY).map((p) => ({ a: p.a, b: p.b })), uses: tagUses(view) };
    hintsOf.set(l, d);
  }
  return d;
}

function checkFileIn(project: OverlayProject, u: TranslationUnit, unitAsserts: UnitAsserts, records: string[], file: string, via: string, obj: KbuildObject | undefined): FileCheck {
  const src = project.config.srcDir;
  const notes: string[] = [];
  for (const d of u.pp.diagnostics) if (d.severity === 'error' && d.file === file) notes.push(`${path.relative(src, d.file)}:${d.line}: ${d.message}`);
  const asserts = unitAsserts.inFile(file);
  const lines = project.files.read(file)?.split('\n') ?? [];
  for (const d of u.pp.diagnostics) {
    if (d.file !== file) continue;
    const a = unclosedAssert(d, lines[d.line - 1] ?? '');
    if (a) asserts.push(a);
  }
  const unions: Array<{ a: string; b: string }> = [];
  const uses: TagUse[] = [];
  for (const name of records) {
    const rec = u.table.record(name)!;
    const l = u.layout(name, rec.kind);
    if ('reason' in l) continue;
    const d = overlayHints(l);
    unions.push(...d.unions);
    uses.push(...d.uses);
  }
  const tags: Finding[] = [];
  const undecided: string[] = [];
  const text = project.files.read(file);
  if (text !== undefined && text.length <= 2 << 20 && MASKS_A_TAG.test(text)) {
    const schemes = project.taggedSchemes(file, text);
    for (const scheme of schemes) {
      const mv = u.pp.macroValue(scheme.tag);
      const checked = checkTagAlignment({
        scheme, mask: 'value' in mv ? mv.value : mv,
        alignOf: (st) => { const l = u.layout(st); return 'reason' in l ? l : l.align; },
        declOf: (st) => { const r = u.table.record(st); return r ? u.positionOf(r.node) : undefined; },
      });
      tags.push(...checked.findings);
      // said, and kept apart: a sweep must not read "no finding here" as "fine here"
      for (const t of checked.results.filter((x) => x.reason !== undefined)) {
        undecided.push(tagKey(scheme.tag, t.struct));
        notes.push(`${path.relative(project.config.srcDir, file)}: tag ${scheme.tag} on struct ${t.struct} pointers: alignment unknown, because ${t.reason}`);
      }
    }
  }
  return { file, via, ...(obj ? { kbuild: { built: obj.built, why: obj.why } } : {}), asserts, notes, unions, tagUses: uses, tags, undecided };
}

export interface TreeCheckOptions {
  /** worker threads; 1 runs in this thread. Default: the cores, at most 4, when there are 3 units or more */
  workers?: number;
  progress?: (done: number, total: number, file: string) => void;
  /** in-process only: units to keep for the caller (the overlay pairs reuse them), disposed by it unless the project owns them */
  keepUnits?: TranslationUnit[];
  /** in-process only: units come from (and stay in) the project's cache, so an editor's re-check after an edit is incremental */
  cacheUnits?: boolean;
  /** answers kept on disk between runs (kept-answers.ts); not used while the project has unsaved buffers */
  keptUnits?: KeptUnits;
}

/**
 * The plan for `files`: every .c file is a unit (built objects first, then
 * in path order); then each header no .c unit of the run included gets its
 * own probe. Results come back in the order of `files` whatever order the
 * units finished in, so runs with and without workers answer the same.
 */
class Plan {
  readonly kbuild: KbuildObjects;
  private readonly headers: string[];
  private readonly byFile = new Map<string, FileCheck>();
  private readonly wanted: Set<string>;
  readonly units: UnitResult[] = [];
  private done = 0;
  /** the run's header recordings, dropped with it (in-thread units; each worker thread has its own) */
  readonly headerMemo: HeaderMemo | undefined;

  constructor(private readonly project: OverlayProject, private readonly files: string[], private readonly opts: TreeCheckOptions) {
    this.kbuild = new KbuildObjects(project.config.srcDir, project.config.kconfig);
    this.headers = files.filter((f) => !f.endsWith('.c'));
    this.wanted = new Set(files);
    // an editor's kept units are updated in place: they need their own checkpoints, not replayed headers
    this.headerMemo = opts.cacheUnits ? undefined : newHeaderMemo();
  }

  /** A run whose units are dropped goes in phases (see the top of this file); an editor's few kept units read all in one. */
  get phased(): boolean {
    return !this.opts.cacheUnits;
  }

  cJobs(): UnitJob[] {
    const notBuilt = (f: string) => Number(this.kbuild.object(f).built === 'n');
    const cs = this.files.filter((f) => f.endsWith('.c')).sort((a, b) => notBuilt(a) - notBuilt(b) || (a < b ? -1 : 1));
    if (this.phased) return cs.map((c) => ({ main: c, also: [], keepBodiesIn: [] }));
    return cs.map((c) => ({ main: c, also: this.headers, keepBodiesIn: this.headers }));
  }

  /** Phase two: each checked header from the first .c unit (in job order) that read it, with the bodies of the headers it reads first kept. */
  firstReaderJobs(cJobs: UnitJob[]): UnitJob[] {
    if (!this.phased) return [];
    const read = new Map(this.units.map((u) => [u.main, new Set(u.included)]));
    const claimed = new Set<string>();
    const jobs: UnitJob[] = [];
    for (const j of cJobs) {
      const inc = read.get(j.main);
      if (!inc) continue;
      const mine = this.headers.filter((h) => !claimed.has(h) && inc.has(h));
      for (const h of mine) claimed.add(h);
      if (mine.length) jobs.push({ main: j.main, also: mine, keepBodiesIn: mine, checkMain: false });
    }
    return jobs;
  }

  /**
   * Headers no .c unit of the run read. One outside include/ (mm/slab.h,
   * net/netfilter/ipset/ip_set_hash_gen.h) is a private header of the .c
   * files beside it, often a template they instantiate with their own macros
   * (MTYPE): it is read from one of them. The rest get a probe.
   */
  headerJobs(): UnitJob[] {
    const jobs = new Map<string, UnitJob>();
    for (const h of this.headers.filter((x) => !this.byFile.has(x))) {
      const main = this.includerOf(h) ?? h;
      // a private header's includer is read for it only, in a phased run (its own asserts were read in phase one)
      const job = jobs.get(main) ?? { main, also: [], keepBodiesIn: this.phased ? [] : this.headers, checkMain: main === h || !this.phased };
      if (main !== h) { job.also.push(h); if (this.phased) job.keepBodiesIn.push(h); }
      jobs.set(main, job);
    }
    return [...jobs.values()];
  }
  private includerOf(h: string): string | undefined {
    return includerOf(this.project.config.srcDir, h, (c) => this.project.files.read(c), (c) => this.kbuild.object(c).built !== 'n');
  }

  take(jobs: UnitJob[], results: UnitResult[]): void {
    const order = new Map(jobs.map((j, i) => [j.main, i]));
    for (const r of results.sort((a, b) => order.get(a.main)! - order.get(b.main)!)) {
      this.units.push(r);
      for (const fc of r.files) {
        if (this.byFile.has(fc.file) || !this.wanted.has(fc.file)) continue;
        this.byFile.set(fc.file, fc);
        this.opts.progress?.(++this.done, this.files.length, fc.file);
      }
    }
  }

  workersFor(jobs: UnitJob[]): number {
    const env = process.env.OVERLAY_LENS_WORKERS ? Number(process.env.OVERLAY_LENS_WORKERS) : undefined;
    const cores = Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
    return Math.max(1, Math.min(jobs.length, this.opts.workers ?? env ?? (jobs.length >= 3 ? cores : 1)));
  }

  runHere(jobs: UnitJob[]): UnitResult[] {
    return jobs.map((j) => runUnitJob(this.project, j, this.kbuild, this.opts.keepUnits ? (u) => this.opts.keepUnits!.push(u) : undefined, this.opts.cacheUnits, this.headerMemo));
  }

  /** The phases' jobs in turn: .c units, the first readers of headers, probes; each phase is made from the results of those before. */
  *phases(): Generator<UnitJob[], void, UnitResult[]> {
    const cJobs = this.cJobs();
    this.take(cJobs, yield cJobs);
    const second = this.firstReaderJobs(cJobs);
    if (second.length) this.take(second, yield second);
    const probes = this.headerJobs();
    if (probes.length) this.take(probes, yield probes);
  }

  results(): { results: FileCheck[]; units: UnitResult[] } {
    const results = this.files.map((f) => {
      const r = this.byFile.get(f);
      if (r) return r;
      const failed = this.units.find((u) => u.main === f && u.error);
      return { file: f, via: f, asserts: [], notes: [`${path.relative(this.project.config.srcDir, f)}: not checked: ${failed?.error ?? 'no unit read it'}`], unions: [], tagUses: [], tags: [], undecided: [] };
    });
    return { results, units: this.units };
  }
}

/** The per-file checks of `files` in this thread. */
export function checkFilesHere(project: OverlayProject, files: string[], opts: TreeCheckOptions = {}): { results: FileCheck[]; units: UnitResult[] } {
  const plan = new Plan(project, files, opts);
  const phases = plan.phases();
  for (let p = phases.next(); !p.done; p = phases.next(plan.runHere(p.value))) { /* each phase's results make the next */ }
  return plan.results();
}

/**
 * The per-file checks of `files`, on worker threads when there are enough
 * units. With kept units (kept-answers.ts), a unit whose kept answer still
 * holds is not built at all (no worker is started when none need building).
 */
export async function checkFiles(project: OverlayProject, files: string[], opts: TreeCheckOptions = {}, overlaysOf?: (results: FileCheck[], run: OverlayRun) => Promise<OverlayAnswer>): Promise<{ results: FileCheck[]; units: UnitResult[]; overlays?: OverlayAnswer }> {
  const plan = new Plan(project, files, opts);
  const since = Date.now();
  const cache = opts.keptUnits && project.files.unsaved().length === 0 ? opts.keptUnits : undefined;
  const objOf = (j: UnitJob) => (j.main.endsWith('.c') ? plan.kbuild.object(j.main) : undefined);
  // one pool for every phase: each worker's header memo carries over from one phase to the next
  let pool: WorkerPool | undefined;
  let workers: number | undefined;
  const run = async (jobs: UnitJob[]): Promise<UnitResult[]> => {
    const kept: UnitResult[] = [];
    const todo = cache ? jobs.filter((j) => { const r = cache.get(j, objOf(j)); if (r) kept.push(r); return !r; }) : jobs;
    if (!todo.length) return kept;
    workers ??= plan.workersFor(todo);
    const fresh = workers > 1 && todo.length > 1 ? await (pool ??= new WorkerPool(project, workers)).run(todo) : plan.runHere(todo);
    if (cache) {
      // a phase's jobs have one main each
      const byMain = new Map(todo.map((j) => [j.main, j]));
      for (const r of fresh) { const j = byMain.get(r.main)!; cache.put(j, objOf(j), r, since); }
    }
    return [...kept, ...fresh];
  };
  let overlays: OverlayAnswer | undefined;
  try {
    const phases = plan.phases();
    for (let p = phases.next(); !p.done; p = phases.next(await run(p.value))) { /* each phase's results make the next */ }
    // the overlay half, given a worker to ask while the pool is up: the pairs' units are built where V8 has
    // compiled the engine by now, replaying its recordings (with no pool, the caller builds them)
    const p = pool;
    if (overlaysOf) overlays = await overlaysOf(plan.results().results, { ask: p ? (q) => p.overlays(q) : undefined, kept: cache, since });
  } finally {
    await pool?.close();
  }
  cache?.save();
  return { ...plan.results(), overlays };
}

/** Worker threads, each with its own project on the same tree and unsaved buffers, answering one unit job at a time. */
class WorkerPool {
  private readonly slots: Array<{ worker: Worker; ready: Promise<void>; answer?: (m: { result?: UnitResult; overlays?: OverlayAnswer; error?: string }) => void }> = [];

  constructor(project: OverlayProject, n: number) {
    const script = path.join(__dirname, 'check-worker.js');
    if (!fs.existsSync(script)) throw new Error(`the check worker is missing: ${script}`);
    const init = { options: project.options as ProjectOptions, unsaved: project.files.unsaved() };
    for (let k = 0; k < n; k++) {
      const worker = new Worker(script, { workerData: init });
      let started!: () => void;
      const slot: (typeof this.slots)[number] = { worker, ready: new Promise<void>((r) => { started = r; }) };
      worker.on('message', (m: { ready?: true; result?: UnitResult; overlays?: OverlayAnswer; error?: string }) => {
        if (m.ready) started();
        else slot.answer?.(m);
      });
      worker.on('error', (e) => slot.answer?.({ error: e instanceof Error ? e.stack ?? e.message : String(e) }));
      this.slots.push(slot);
    }
  }

  async run(jobs: UnitJob[]): Promise<UnitResult[]> {
    // big files first: the last job to start is a small one
    const queue = [...jobs].sort((a, b) => size(b.main) - size(a.main));
    const out: UnitResult[] = [];
    await Promise.all(this.slots.map(async (slot) => {
      await slot.ready;
      for (let job = queue.shift(); job; job = queue.shift()) {
        const m = await this.ask(slot, { job });
        out.push(m.result!);
      }
    }));
    return out;
  }

  /** The overlay half of the run, from the first worker (idle: the phases are done). */
  async overlays(q: OverlayQuestion): Promise<OverlayAnswer> {
    const slot = this.slots[0];
    await slot.ready;
    return (await this.ask(slot, { overlays: q })).overlays!;
  }

  private async ask(slot: (typeof this.slots)[number], request: WorkerRequest): Promise<{ result?: UnitResult; overlays?: OverlayAnswer }> {
    const m = await new Promise<{ result?: UnitResult; overlays?: OverlayAnswer; error?: string }>((resolve) => { slot.answer = resolve; slot.worker.postMessage(request); });
    slot.answer = undefined;
    if (m.error) throw new Error(m.error);
    return m;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function size(f: string): number {
  try { return fs.statSync(f).size; } catch { return 0; }
}
