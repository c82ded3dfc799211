// Answers kept on disk between runs, the way make keeps objects: an answer
// is reused while every file it was made from is as it was (mtime and size)
// and no directory it could have found a header in has changed (a new
// header that would shadow one it read changes its directory's mtime). Only
// a run that reads the disk as it is uses them: no unsaved buffers. The key
// holds everything else an answer depends on: the engine's own code, the
// tree, the build dir, the config and arch, and the request. Two kinds: the
// units of a whole-tree check (KeptUnits: the job and kbuild's -D flags for
// the object), and the extension's first check of a file set in a session
// (the engine process answers from it, then checks for real).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { KbuildObject } from '../config/kbuild-objects';
import type { TreeConfig } from '../config/tree-config';
import type { OverlayAnswer, OverlayQuestion, UnitJob, UnitResult } from './tree-check';

const FORMAT = 1;
/**
 * An answer whose files changed after its reading began, or this shortly before, is not kept (git's
 * "racy" rule): a change while it was being made, or within the same mtime tick, would go unseen.
 */
const RACY_MS = 2000;
/** Answer files kept per cache directory (one per engine build, tree and configuration), newest first. */
const KEEP_FILES = 8;

interface Entry<V> {
  /** the files the answer was made from, then the directories a header could have come from; their stat signatures then */
  paths: string[];
  nFiles: number;
  sigs: string[];
  value: V;
}

/** On disk (V8's structured-clone format: answers hold BigInts), paths are indices into one table: ~230 units read the same few thousand files. */
interface Stored<V> {
  format: number;
  key: string;
  paths: string[];
  entries: Record<string, { deps: number[]; nFiles: number; sigs: string[]; value: V }>;
}

/** Where answers are kept: $OVERLAY_LENS_CACHE_DIR, else $XDG_CACHE_HOME/overlay-lens/check, else ~/.cache/overlay-lens/check. */
export function defaultCacheDir(): string {
  return process.env.OVERLAY_LENS_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'overlay-lens', 'check');
}

let fingerprint: string | undefined;
/** The engine's own code: a change to it makes every kept answer stale. */
function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = crypto.createHash('sha256');
  // a tsc build (out/src/engine/**) is many files, a bundle (dist/*.js) is this one
  const root = path.resolve(__dirname, '..');
  const files = path.basename(root) === 'engine' ? walk(root).filter((f) => f.endsWith('.js')).sort() : [__filename];
  for (const f of files) { h.update(f); h.update(fs.readFileSync(f)); }
  return (fingerprint = h.digest('hex'));
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The cache key of one configuration of one tree under this engine build. */
function configKey(config: TreeConfig, includeDirs: string[]): string {
  const kconfig = [...config.kconfig].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('\n');
  const virtual = [...config.virtualFiles].map(([f, t]) => `${f}\0${t}`).join('\0');
  return crypto.createHash('sha256').update([FORMAT, engineFingerprint(), config.srcDir, config.objDir, config.arch, kconfig, virtual, includeDirs.join('\0')].join('\n\0')).digest('hex');
}

/**
 * Answers by key, each with the files it was made from, kept in one file per
 * configuration (`<kind>-<key>.bin` in `dir`) and good while those files and
 * the directories their headers could have come from are as they were.
 */
export class KeptAnswers<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** stat signatures and mtimes (ns; -1 for a path not on disk), once per path per run (refresh() forgets them: a session outlives a run) */
  private readonly sigs = new Map<string, { sig: string; mtimeNs: bigint }>();
  private dirty = false;
  hits = 0;
  misses = 0;
  /** why the file on disk was not used, if it was not (unreadable, another format) */
  readonly loadNote?: string;

  private constructor(private readonly file: string, private readonly key: string, private readonly includeDirs: string[]) {
    let bytes: Buffer;
    try { bytes = fs.readFileSync(file); } catch { return; }
    try {
      const s = v8.deserialize(bytes) as Stored<V>;
      if (s.format !== FORMAT || s.key !== key) { this.loadNote = 'kept answers are from another format: starting over'; return; }
      for (const [k, e] of Object.entries(s.entries)) this.entries.set(k, { paths: e.deps.map((i) => s.paths[i]), nFiles: e.nFiles, sigs: e.sigs, value: e.value });
    } catch (e) {
      this.loadNote = `kept answers unreadable (${e instanceof Error ? e.message : String(e)}): starting over`;
    }
  }

  /** The answers of one kind (`check`: whole-tree units; `editor`: the extension's first checks) for one configuration of one tree, in `dir`. */
  static open<V>(dir: string, kind: string, config: TreeConfig, includeDirs: string[]): KeptAnswers<V> {
    const key = configKey(config, includeDirs);
    return new KeptAnswers<V>(path.join(dir, `${kind}-${key.slice(0, 24)}.bin`), key, includeDirs);
  }

  /** Forgets the stat signatures read so far: the next get() sees the disk as it is then. */
  refresh(): void {
    this.sigs.clear();
  }

  private stat(p: string): { sig: string; mtimeNs: bigint } {
    let s = this.sigs.get(p);
    if (s === undefined) {
      const st = fs.statSync(p, { throwIfNoEntry: false, bigint: true });
      s = !st ? { sig: '-', mtimeNs: -1n } : { sig: st.isDirectory() ? `d${st.mtimeNs}` : `${st.mtimeNs}:${st.size}`, mtimeNs: st.mtimeNs };
      this.sigs.set(p, s);
    }
    return s;
  }

  private sig(p: string): string {
    return this.stat(p).sig;
  }

  /** The answer kept under `key` and the files it was made from, if every one of them (and their directories) is as it was. */
  get(key: string): { value: V; files: string[] } | undefined {
    const e = this.holding(key);
    if (e) { this.hits++; return { value: e.value, files: e.paths.slice(0, e.nFiles) }; }
    this.misses++;
    return undefined;
  }

  /** As get(), without counting a hit or a miss. */
  peek(key: string): V | undefined {
    return this.holding(key)?.value;
  }

  private holding(key: string): Entry<V> | undefined {
    const e = this.entries.get(key);
    return e && e.paths.every((p, i) => this.sig(p) === e.sigs[i]) ? e : undefined;
  }

  /**
   * Keeps `value`, made from `from` (every file read) by a reading that began at `since` (ms since
   * the epoch), unless one of them changed after since - RACY_MS. Each path is stat'ed once per run
   * (refresh() starts over): one that changed after its stat is kept with the older signature, so
   * the next run builds the answer again; one that changed after `since` and before it is refused.
   */
  put(key: string, value: V, from: Iterable<string>, since: number): void {
    const files = [...new Set(from)];
    // every directory a header could have been found in: the includers' own, and each -I directory with the
    // sub-directories the unit's headers were found in (a new include/linux/x.h shadows arch/x86/include/linux/x.h)
    const dirs = new Set<string>();
    const subdirs = new Set<string>();
    for (const f of files) {
      // a file not on disk (the unit's probe, a synthesized autoconf.h) is kept as absent; its directory is no search place
      if (this.sig(f) !== '-') dirs.add(path.dirname(f));
      for (const d of this.includeDirs) if (f.startsWith(d + path.sep)) subdirs.add(path.dirname(path.relative(d, f)));
    }
    for (const d of this.includeDirs) for (const s of subdirs) dirs.add(path.join(d, s));
    const paths = [...files, ...dirs];
    const racy = BigInt(Math.floor(since) - RACY_MS) * 1000000n;
    const sigs: string[] = [];
    for (const p of paths) {
      const s = this.stat(p);
      if (s.mtimeNs >= racy) return;
      sigs.push(s.sig);
    }
    this.entries.set(key, { paths, nFiles: files.length, sigs, value });
    this.dirty = true;
  }

  /** Writes the kept answers (atomically: a run killed half-way leaves the old file). */
  save(): void {
    if (!this.dirty) return;
    const table = new Map<string, number>();
    const id = (p: string) => { let i = table.get(p); if (i === undefined) table.set(p, (i = table.size)); return i; };
    const entries: Stored<V>['entries'] = {};
    for (const [k, e] of this.entries) entries[k] = { deps: e.paths.map(id), nFiles: e.nFiles, sigs: e.sigs, value: e.value };
    const stored: Stored<V> = { format: FORMAT, key: this.key, paths: [...table.keys()], entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, v8.serialize(stored));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
    prune(path.dirname(this.file), KEEP_FILES);
  }
}

/** A whole-tree check's units: the answer of each job, made from the files the unit read; and the run's overlay half. */
export class KeptUnits {
  private constructor(private readonly kept: KeptAnswers<(Omit<UnitResult, 'included'> & { mainRead: boolean }) | OverlayAnswer>) {}

  static open(dir: string, config: TreeConfig, includeDirs: string[]): KeptUnits {
    return new KeptUnits(KeptAnswers.open(dir, 'check', config, includeDirs));
  }

  get hits(): number { return this.kept.hits; }
  get misses(): number { return this.kept.misses; }
  get loadNote(): string | undefined { return this.kept.loadNote; }

  private static jobKey(job: UnitJob, obj: KbuildObject | undefined): string {
    return JSON.stringify([job.main, job.also, job.keepBodiesIn, job.checkMain !== false, obj ? [obj.built, obj.why, obj.defines] : null]);
  }

  /** A kept answer for `job`, if everything it read is as it was. */
  get(job: UnitJob, obj: KbuildObject | undefined): UnitResult | undefined {
    const k = this.kept.get(KeptUnits.jobKey(job, obj));
    if (!k || !('mainRead' in k.value)) return undefined;
    // the files a unit read are its answer's `included`, in order (after the job's main file when the unit did not list it)
    const { mainRead, ...value } = k.value;
    return { ...value, included: mainRead ? k.files : k.files.slice(1) };
  }

  /** Keeps `result` of a unit built after `since` (a unit that failed to build is not kept: it is tried again next run). */
  put(job: UnitJob, obj: KbuildObject | undefined, result: UnitResult, since: number): void {
    if (result.error) return;
    const { included, ...value } = result;
    const mainRead = included.includes(job.main);
    this.kept.put(KeptUnits.jobKey(job, obj), { ...value, mainRead }, mainRead ? included : [job.main, ...included], since);
  }

  /**
   * The key of a run's overlay half: its question (the pairs' asserts, unions, tag uses, the setting's
   * pairs) as JSON, hashed (not v8.serialize: its bytes depend on which objects are shared, and a kept
   * unit's answer shares fewer than a fresh one). Overlay hits and misses are not counted with the units'.
   */
  overlayKey(q: OverlayQuestion): string {
    const json = JSON.stringify(q, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return `overlays ${crypto.createHash('sha256').update(json).digest('hex')}`;
  }

  /** The overlay half kept under `key`, if every file it was made from is as it was and each struct is found where it was. */
  getOverlays(key: string, locate: (name: string, kind: 'struct' | 'union') => string[]): OverlayAnswer | undefined {
    this.overlaysReused = false;
    const k = this.kept.peek(key);
    if (!k || 'mainRead' in k) return undefined;
    for (const { name, kind, files } of k.from.located) { const now = locate(name, kind); if (now.length !== files.length || now.some((f, i) => f !== files[i])) return undefined; }
    this.overlaysReused = true;
    return k;
  }
  /** whether the last getOverlays() answered (undefined: not asked) */
  overlaysReused?: boolean;

  /** Keeps the overlay half of a run that began at `since`, unless it read a leaning header through includers found by walking the tree. */
  putOverlays(key: string, answer: OverlayAnswer, since: number): void {
    if (answer.from.keepable) this.kept.put(key, answer, answer.from.files, since);
  }

  save(): void {
    this.kept.save();
  }
}

/** Drops all but the `keep` newest answer files of `dir` (each engine build and configuration writes its own). */
function prune(dir: string, keep: number): void {
  try {
    const files = fs.readdirSync(dir).filter((n) => n.endsWith('.bin')).map((n) => path.join(dir, n));
    const byAge = files.map((f) => ({ f, t: fs.statSync(f).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(keep)) fs.rmSync(f, { force: true });
  } catch { /* another run pruned it first */ }
}
