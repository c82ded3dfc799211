// Unit results kept on disk between whole-tree checks, the way make keeps
// objects: a unit's answer is reused while every file it read is as it was
// (mtime and size) and no directory it could have found a header in has
// changed (a new header that would shadow one it read changes its
// directory's mtime). Only a run that reads the disk as it is uses it: no
// unsaved buffers. The key holds everything else an answer depends on: the
// engine's own code, the tree, the build dir, the config and arch, the job,
// and the -D flags kbuild gives the object.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { KbuildObject } from '../config/kbuild-objects';
import type { TreeConfig } from '../config/tree-config';
import type { UnitJob, UnitResult } from './tree-check';

const FORMAT = 1;
/** An entry whose files changed this recently is not kept: a change within the same mtime tick would go unseen. */
const RACY_MS = 2000;
/** Answer files kept per cache directory (one per engine build, tree and configuration), newest first. */
const KEEP_FILES = 8;

interface Entry {
  /** the files and directories the answer depends on, and their stat signatures when the unit ran */
  paths: string[];
  sigs: string[];
  result: UnitResult;
}

/** On disk (V8's structured-clone format: answers hold BigInts), paths are indices into one table: ~230 units read the same few thousand files. */
interface Stored {
  format: number;
  key: string;
  paths: string[];
  entries: Record<string, { deps: number[]; sigs: string[]; result: Omit<UnitResult, 'included'> & { included: number[] } }>;
}

/** Where whole-tree check results are kept by default: $XDG_CACHE_HOME/overlay-lens/check, else ~/.cache/overlay-lens/check. */
export function defaultUnitCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'overlay-lens', 'check');
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

export class UnitCache {
  private readonly entries = new Map<string, Entry>();
  /** stat signatures, once per path per run */
  private readonly sigs = new Map<string, string>();
  private dirty = false;
  hits = 0;
  misses = 0;
  /** why the file on disk was not used, if it was not (unreadable, another format) */
  readonly loadNote?: string;

  private constructor(private readonly file: string, private readonly key: string, private readonly includeDirs: string[]) {
    let bytes: Buffer;
    try { bytes = fs.readFileSync(file); } catch { return; }
    try {
      const s = v8.deserialize(bytes) as Stored;
      if (s.format !== FORMAT || s.key !== key) { this.loadNote = 'kept results are from another format: starting over'; return; }
      for (const [k, e] of Object.entries(s.entries)) {
        this.entries.set(k, { paths: e.deps.map((i) => s.paths[i]), sigs: e.sigs, result: { ...e.result, included: e.result.included.map((i) => s.paths[i]) } });
      }
    } catch (e) {
      this.loadNote = `kept results unreadable (${e instanceof Error ? e.message : String(e)}): starting over`;
    }
  }

  /** The cache for one configuration of one tree, in `dir`. */
  static open(dir: string, config: TreeConfig, includeDirs: string[]): UnitCache {
    const kconfig = [...config.kconfig].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('\n');
    const virtual = [...config.virtualFiles].map(([f, t]) => `${f}\0${t}`).join('\0');
    const key = crypto.createHash('sha256').update([FORMAT, engineFingerprint(), config.srcDir, config.objDir, config.arch, kconfig, virtual, includeDirs.join('\0')].join('\n\0')).digest('hex');
    return new UnitCache(path.join(dir, `${key.slice(0, 24)}.bin`), key, includeDirs);
  }

  private static jobKey(job: UnitJob, obj: KbuildObject | undefined): string {
    return JSON.stringify([job.main, job.also, job.keepBodiesIn, job.checkMain !== false, obj ? [obj.built, obj.why, obj.defines] : null]);
  }

  private sig(p: string): string {
    let s = this.sigs.get(p);
    if (s === undefined) {
      const st = fs.statSync(p, { throwIfNoEntry: false, bigint: true });
      s = !st ? '-' : st.isDirectory() ? `d${st.mtimeNs}` : `${st.mtimeNs}:${st.size}`;
      this.sigs.set(p, s);
    }
    return s;
  }

  /** A kept answer for `job`, if everything it read is as it was. */
  get(job: UnitJob, obj: KbuildObject | undefined): UnitResult | undefined {
    const e = this.entries.get(UnitCache.jobKey(job, obj));
    if (e && e.paths.every((p, i) => this.sig(p) === e.sigs[i])) { this.hits++; return e.result; }
    this.misses++;
    return undefined;
  }

  /** Keeps `result` (a unit that failed to build is not kept: it is tried again next run). */
  put(job: UnitJob, obj: KbuildObject | undefined, result: UnitResult): void {
    if (result.error) return;
    const files = new Set([job.main, ...result.included]);
    // every directory a header could have been found in: the includers' own, and each -I directory with the
    // sub-directories the unit's headers were found in (a new include/linux/x.h shadows arch/x86/include/linux/x.h)
    const dirs = new Set<string>();
    const subdirs = new Set<string>();
    for (const f of files) {
      this.sigs.delete(f);
      // a file not on disk (the unit's probe, a synthesized autoconf.h) is kept as absent; its directory is no search place
      if (this.sig(f) !== '-') dirs.add(path.dirname(f));
      for (const d of this.includeDirs) if (f.startsWith(d + path.sep)) subdirs.add(path.dirname(path.relative(d, f)));
    }
    for (const d of this.includeDirs) for (const s of subdirs) dirs.add(path.join(d, s));
    const paths = [...files, ...dirs];
    const now = BigInt(Date.now()) * 1000000n;
    const sigs: string[] = [];
    for (const p of paths) {
      // stat afresh: a file that changed during the run must not be kept with its new signature
      this.sigs.delete(p);
      const s = this.sig(p);
      const m = /^d?(\d+)/.exec(s);
      if (m && now - BigInt(m[1]) < BigInt(RACY_MS) * 1000000n) return;
      sigs.push(s);
    }
    this.entries.set(UnitCache.jobKey(job, obj), { paths, sigs, result });
    this.dirty = true;
  }

  /** Writes the kept answers (atomically: a run killed half-way leaves the old file). */
  save(): void {
    if (!this.dirty) return;
    const table = new Map<string, number>();
    const id = (p: string) => { let i = table.get(p); if (i === undefined) table.set(p, (i = table.size)); return i; };
    const entries: Stored['entries'] = {};
    for (const [k, e] of this.entries) entries[k] = { deps: e.paths.map(id), sigs: e.sigs, result: { ...e.result, included: e.result.included.map(id) } };
    const stored: Stored = { format: FORMAT, key: this.key, paths: [...table.keys()], entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, v8.serialize(stored));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
    prune(path.dirname(this.file), KEEP_FILES);
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
