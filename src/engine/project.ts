// The facade the CLI, the extension's worker and the tests use: one tree
// configuration flowing through, file contents (unsaved editor buffers
// first), translation units cached per header, and the answers users ask
// for — a struct's layout, the structs of a file, the overlay check.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssertResult } from './checks/asserts';
import { checkFiles, checkFilesHere, FileCheck, OverlayAnswer, OverlayQuestion, TreeCheckOptions, UnitResult } from './project/tree-check';
import { Finding, Fix } from './checks/findings';
import { StructView } from './checks/layout-view';
import { mirrorMap, MirrorMap, pairKey } from './checks/mirror-map';
import { overhead } from './checks/overhead';
import { mergePairs, OverlayPair, pairsFromAsserts, pairsFromGroups, parsePairSetting, TagUse } from './checks/overlay-pairs';
import { CheckReport, assertFindings, assertKey } from './checks/report';
import { findTaggedSchemesInText, SchemeScan, TaggedScheme } from './checks/tagged-pointers';
import { resolveTreeConfig, TreeConfig, TreeConfigInput } from './config/tree-config';
import { FlatLayout, flatten, pahole, structView } from './layout/presenters';
import { RecordLayout } from './layout/record-layout';
import { CParser } from './parse/c-parser';
import { FileSystem } from './preprocess/preprocessor';
import { DeclarationParses } from './parse/declaration-parses';
import { HeaderMemo } from './preprocess/header-memo';
import { StructIndex } from './project/struct-index';
import { includerOf, sourceIncluders } from './project/private-headers';
import { KbuildObjects } from './config/kbuild-objects';
import { TranslationUnit } from './project/translation-unit';
import { dataModel } from './abi/data-models';
import { simParamsFromTree } from './simulator/params';

export interface ProjectOptions extends TreeConfigInput {
  /** extra overlay pairs ("page:net_iov") from settings */
  extraPairs?: string[];
}

/** Disk reads, cached, with the editor's unsaved buffers served first. */
export class ProjectFiles implements FileSystem {
  private readonly overlay = new Map<string, string>();
  private readonly cache = new Map<string, string | undefined>();

  /** while set, every file read (that exists) is added: what an answer kept on disk was made from */
  readLog?: Set<string>;

  read(file: string): string | undefined {
    const text = this.readText(file);
    if (text !== undefined) this.readLog?.add(file);
    return text;
  }

  private readText(file: string): string | undefined {
    const o = this.overlay.get(file);
    if (o !== undefined) return o;
    if (this.cache.has(file)) return this.cache.get(file);
    let text: string | undefined;
    try {
      // misses are the common case while the include path is searched: no exception for them
      const st = fs.statSync(file, { throwIfNoEntry: false });
      text = st?.isFile() ? fs.readFileSync(file, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    this.cache.set(file, text);
    return text;
  }

  /** The text if the project holds it already (an unsaved buffer, or read before), without reading the disk. */
  held(file: string): string | undefined {
    return this.overlay.get(file) ?? this.cache.get(file);
  }

  /** An unsaved buffer (text) or back to the disk (undefined). */
  set(file: string, text: string | undefined): void {
    if (text === undefined) this.overlay.delete(file);
    else this.overlay.set(file, text);
    this.cache.delete(file);
  }

  /** The unsaved buffers, for worker threads that must see what the editor sees. */
  unsaved(): Array<[string, string]> {
    return [...this.overlay];
  }

  invalidate(file?: string): void {
    if (file) this.cache.delete(file);
    else this.cache.clear();
  }
}

export type LayoutAnswer =
  | { ok: true; name: string; kind: 'struct' | 'union'; layout: RecordLayout; unit: TranslationUnit; file: string; line: number }
  | { ok: false; name: string; kind: 'struct' | 'union'; reason: string };

export interface CheckOptions {
  /** bytes of memory to price descriptor arrays for (the seed's 10 MB) */
  region?: number;
}

/** Why a header's own probe cannot lay a struct out when the header leans on what its includer brings along. */
const LEANS_ON_INCLUDER = /unknown type name|incomplete type|not a known constant|is not defined|cannot read type/;

/** Included first when a header is not self-contained. */
const PRELUDE = '#include <linux/kernel.h>\n#include <linux/types.h>\n#include <linux/slab.h>\n';

/** Headers that pull in most of the kernel's core types: built first by layoutsOf(). */
const UMBRELLAS = ['include/linux/skbuff.h', 'include/net/sock.h', 'include/linux/netdevice.h', 'include/linux/fs.h', 'include/linux/sched.h', 'include/linux/mm.h', 'include/net/page_pool/helpers.h', 'include/linux/blkdev.h', 'include/linux/bpf.h', 'include/linux/perf_event.h', 'include/linux/kvm_host.h', 'include/linux/acpi.h'];

/** The file name a header's probe unit is read as (in the build dir, never written). */
const PROBE_FILE = '.overlay-lens-probe.c';

const DEFAULT_CHECK_PATHS = ['include/linux/mm_types.h', 'include/net/netmem.h', 'mm/slab.h'];

/** A file a directory walk checks: it spells an assert (files named on their own are always checked). */
export const SPELLS_ASSERT = /\b(static_assert|_Static_assert|BUILD_BUG_ON|BUILD_BUG_ON_MSG)\b/;

export class OverlayProject {
  readonly files = new ProjectFiles();
  private readonly units = new UnitCache((u, file) => {
    const now = this.files.read(file);
    return now === undefined ? undefined : u.update(file, now, this.parses);
  });
  /** declaration parses shared by every unit of the project (and kept across edits) */
  private readonly parses: DeclarationParses;
  private readonly index: StructIndex;
  /** answers read from a file's text (tagsSpelledIn, twoParamDefine), by question, kept while that text stays */
  private readonly fromText = new Map<string, { text: string; question: string; value: unknown }>();
  /** the files each checked file's unit read, from the last check that built it */
  private readonly checkIncludes = new Map<string, string[]>();
  /** set in a check worker, whose units are never updated in place: unit() replays the run's recorded headers */
  private replayedHeaders?: HeaderMemo;

  /**
   * Builds this project's units with `memo`'s header recordings from now on (a check worker's: its
   * units are read, never edited, so they need no checkpoints). The overlay pairs' units then cost
   * what a whole-tree unit does, not a live expansion of every header they read.
   */
  replayHeadersFrom(memo: HeaderMemo | undefined): void {
    this.replayedHeaders = memo;
  }

  private constructor(readonly config: TreeConfig, private readonly parser: CParser, readonly options: ProjectOptions) {
    this.index = new StructIndex(config.srcDir, ['include', path.join('arch', config.srcArch, 'include')]);
    this.index.wordBits = dataModel(config.arch).pointer.size * 8;
    this.parses = new DeclarationParses(parser);
  }

  static async open(options: ProjectOptions): Promise<OverlayProject> {
    const p = OverlayProject.opening(options);
    await p.ready;
    return p;
  }

  /**
   * The project at once, its C grammar still loading: units can be
   * preprocessed (prepare*) while the wasm compiles; await `ready` before
   * anything is parsed or laid out.
   */
  static opening(options: ProjectOptions): OverlayProject {
    return new OverlayProject(resolveTreeConfig(options), CParser.loading(), options);
  }

  get ready(): Promise<unknown> {
    return this.parser.ready;
  }

  /** Builds (preprocesses) the units that layoutMany(names) will read, before the grammar is needed. */
  prepareLayouts(names: Array<{ name: string; kind: 'struct' | 'union' }>): void {
    const homes = [...new Set(names.map((n) => this.compiledFirst(this.locate(n.name, n.kind))[0]).filter((f): f is string => !!f))];
    if (names.length >= 2 && homes.length >= 2) this.probeUnit(homes);
    else for (const h of homes) this.unit(h);
  }

  /** Builds the units a check of these headers will use (an editor's first check overlaps the grammar's loading). */
  prepareCheck(files: string[]): void {
    for (const f of files) if (!f.endsWith('.c') && this.files.read(f) !== undefined) this.unit(f, true);
  }

  /** A variant of this project under another configuration (config sweeps). */
  async withConfig(overrides: Partial<TreeConfigInput>): Promise<OverlayProject> {
    const p = new OverlayProject(resolveTreeConfig({ ...this.options, ...overrides }), this.parser, { ...this.options, ...overrides });
    // the editor's unsaved buffers are what the user sees under every configuration
    for (const [file, text] of this.files.unsaved()) p.files.set(file, text);
    return p;
  }

  /** How many units edits could not update in place so far (they are rebuilt in full when next needed). */
  get unitsDropped(): number {
    return this.units.dropped;
  }

  /**
   * The editor's unsaved text for a file, or undefined to go back to the
   * disk. Units that read the file are brought up to date when next asked
   * for, by re-running only the changed declarations when they can, else
   * dropped and rebuilt (counted in unitsDropped).
   */
  setFileText(file: string, text: string | undefined): void {
    const abs = path.resolve(file);
    const was = this.files.read(abs);
    this.files.set(abs, text);
    if (this.files.read(abs) !== was) this.units.touched(abs);
    if (abs.endsWith('.c')) this.sourceIncluderMemo.clear();
  }

  /** `fn` of `file`'s layout unit; a unit built for it is dropped after, unless `keep` (a batch over many files: memory). */
  private withUnit<T>(file: string, keep: boolean, fn: (u: TranslationUnit) => T, prelude = ''): T {
    const key = `${path.resolve(this.config.srcDir, file)}\0false\0${prelude}`;
    const cached = this.units.has(key);
    const u = this.unit(file, false, prelude);
    try {
      return fn(u);
    } finally {
      if (!keep && !cached) { this.units.delete(key); u.dispose(); }
    }
  }

  /** The translation unit of a header (a probe that includes it) or of a .c file. */
  unit(file: string, keepBodies = false, prelude = ''): TranslationUnit {
    const u = this.unitNow(file, keepBodies, prelude);
    // a unit built before overlays() began read its files then: they are part of the answer all the same
    if (this.files.readLog) for (const f of u.pp.includedFiles) this.files.readLog.add(f);
    return u;
  }

  private unitNow(file: string, keepBodies: boolean, prelude: string): TranslationUnit {
    const abs = path.resolve(this.config.srcDir, file);
    const key = `${abs}\0${keepBodies}\0${prelude}`;
    // a unit that kept the file's function bodies (the check's) answers layouts as well
    let u = this.units.get(key) ?? (keepBodies ? undefined : this.units.get(`${abs}\0true\0${prelude}`));
    if (u) return u;
    if (abs.endsWith('.c')) {
      u = TranslationUnit.build(this.config, this.files, this.parser, { path: abs }, { elideFunctionBodies: true, keepBodiesIn: keepBodies ? [abs] : [], parses: this.parses, headerMemo: this.replayedHeaders });
    } else {
      const probe = path.join(this.config.objDir, PROBE_FILE);
      // asm-generic/X.h is meant to come through the arch's <asm/X.h>, which may set it up (packing, sizes)
      const generic = /\/include\/(uapi\/)?asm-generic\/(.+)$/.exec(abs);
      if (generic && !prelude) {
        u = TranslationUnit.build(this.config, this.files, this.parser, { path: probe, text: `#include <asm/${generic[2]}>\n#include "${abs}"\n` }, { elideFunctionBodies: true, keepBodiesIn: keepBodies ? [abs] : [], parses: this.parses, headerMemo: this.replayedHeaders });
        this.probes.set(u, { file: abs, prelude: '' });
        this.units.set(key, u);
        return u;
      }
      u = TranslationUnit.build(this.config, this.files, this.parser, { path: probe, text: `${prelude}#include "${abs}"\n` }, { elideFunctionBodies: true, keepBodiesIn: keepBodies ? [abs] : [], parses: this.parses, headerMemo: this.replayedHeaders });
      this.probes.set(u, { file: abs, prelude });
    }
    this.units.set(key, u);
    return u;
  }

  /** Every file the units this project holds read (what an answer made from them depends on). */
  filesRead(): string[] {
    const out = new Set<string>();
    for (const [, u] of this.units.asIs()) for (const f of u.pp.includedFiles) out.add(f);
    return [...out];
  }

  /** The files a (cached) unit of `file` read; empty when it has not been built. */
  includedBy(file: string): string[] {
    const abs = path.resolve(this.config.srcDir, file);
    // as last brought up to date: an incremental update leaves the files a unit read as they were
    for (const [key, u] of this.units.asIs()) if (key.startsWith(abs + '\0')) return u.pp.includedFiles;
    return this.checkIncludes.get(abs) ?? [];
  }

  /** Where `struct name` is defined: candidate files, best first. */
  locate(name: string, kind: 'struct' | 'union' = 'struct'): string[] {
    const files = this.index.locate(name, kind).map((l) => l.file);
    this.located?.set(`${kind} ${name}`, { name, kind, files });
    return files;
  }

  layout(name: string, kind: 'struct' | 'union' = 'struct'): LayoutAnswer {
    const files = this.compiledFirst(this.locate(name, kind));
    if (files.length === 0) return { ok: false, name, kind, reason: `no definition of ${kind} ${name} found under include/ or arch/${this.config.srcArch}/include` };
    let last = '';
    for (const file of files.slice(0, 4)) {
      const u = this.layoutUnit(file, name, kind);
      const rec = u.table.record(name);
      if (!rec) { last = `${path.relative(this.config.srcDir, file)} does not define ${kind} ${name} under this configuration`; continue; }
      const l = u.layout(name, kind);
      if ('reason' in l) return { ok: false, name, kind, reason: l.reason };
      const pos = u.positionOf(rec.node);
      return { ok: true, name, kind, layout: l, unit: u, file: pos?.file ?? file, line: pos?.line ?? 0 };
    }
    return { ok: false, name, kind, reason: last };
  }

  /**
   * Several structs at once, as one compile of a file including each one's
   * home would see them: one unit reads the shared headers once. A name it
   * cannot answer is laid out from its own home, as layout() would.
   */
  layoutMany(names: Array<{ name: string; kind: 'struct' | 'union' }>): LayoutAnswer[] {
    const homes = [...new Set(names.map((n) => this.compiledFirst(this.locate(n.name, n.kind))[0]).filter((f): f is string => !!f))];
    if (names.length < 2 || homes.length < 2) return names.map((n) => this.layout(n.name, n.kind));
    const u = this.probeUnit(homes);
    return names.map((n) => {
      const rec = u.table.record(n.name);
      if (rec && rec.kind === n.kind) {
        const l = u.layout(n.name, n.kind);
        const pos = u.positionOf(rec.node);
        if (!('reason' in l) && pos) return { ok: true, name: n.name, kind: n.kind, layout: l, unit: u, file: pos.file, line: pos.line };
      }
      return this.layout(n.name, n.kind);
    });
  }

  /** One unit including each of `homes`, kept. */
  private probeUnit(homes: string[]): TranslationUnit {
    const text = homes.map((h) => `#include "${h}"\n`).join('');
    const key = `probe\0${text}`;
    let u = this.units.get(key);
    if (!u) {
      u = TranslationUnit.build(this.config, this.files, this.parser, { path: path.join(this.config.objDir, PROBE_FILE), text }, { elideFunctionBodies: true, parses: this.parses });
      this.units.set(key, u);
    }
    return u;
  }

  json(answer: LayoutAnswer): FlatLayout | { error: string } {
    return answer.ok ? flatten(answer.layout) : { error: answer.reason };
  }

  /**
   * How a header's struct was read when the header alone leans on what its includers bring first
   * (readingsOf): through a file that includes it (hugetlb_cgroup.h through mm/hugetlb_cgroup.c, xen's
   * event_channel.h through a header that includes it), tree-relative, or after the common kernel
   * headers (`after`); undefined when the header was read on its own. The layout is that compile's:
   * said beside it, never silently.
   */
  readAs(answer: LayoutAnswer): { includer: string } | { after: string[] } | undefined {
    if (!answer.ok || answer.file.endsWith('.c')) return undefined;
    const main = answer.unit.main;
    if (path.basename(main) !== PROBE_FILE) return main.endsWith('.c') ? { includer: path.relative(this.config.srcDir, main) } : undefined;
    const probe = this.probes.get(answer.unit);
    if (!probe) return undefined;
    if (probe.prelude) return { after: [...probe.prelude.matchAll(/#include <([^>]+)>/g)].map((m) => m[1]) };
    return probe.file !== answer.file ? { includer: path.relative(this.config.srcDir, probe.file) } : undefined;
  }
  /** The header (and prelude) each header's probe unit includes, for readAs. */
  private readonly probes = new WeakMap<TranslationUnit, { file: string; prelude: string }>();

  pahole(answer: LayoutAnswer): string {
    if (!answer.ok) return `/* ${answer.kind} ${answer.name}: unknown, because ${answer.reason} */\n`;
    const via = this.readAs(answer);
    const header = path.relative(this.config.srcDir, answer.file);
    const how = !via ? '' : 'includer' in via ? `as ${via.includer} includes ${header}` : `${header} read after ${via.after.map((h) => `<${h}>`).join(', ')}`;
    const note = how ? `/* ${how}: the header alone leans on what its includers bring first */\n` : '';
    return note + pahole(answer.layout);
  }

  view(answer: LayoutAnswer): StructView | undefined {
    return answer.ok ? structView(answer.layout, (n) => answer.unit.positionOf(n)) : undefined;
  }

  /** Structs and unions whose definition starts in `file`, with their layouts. */
  layoutsInFile(file: string): LayoutAnswer[] {
    const abs = path.resolve(this.config.srcDir, file);
    let u = this.unit(abs);
    // a private header's records that its own probe cannot lay out are read where a .c file includes it
    // (looked for only then: finding that file reads the directory's .c files, and hovers ask on every edit)
    const wanting = u.recordNamesFrom(abs).some((name) => { const rec = u.table.record(name); const l = rec && u.layout(name, rec.kind); return !!l && 'reason' in l && LEANS_ON_INCLUDER.test(l.reason); });
    const ctx = wanting ? this.includerContext(abs) : undefined;
    if (ctx) u = this.unit(ctx);
    const out: LayoutAnswer[] = [];
    // a public header's records its probe cannot lay out: as its includers read them (readingsOf)
    const asIncludersRead = (name: string, kind: 'struct' | 'union'): LayoutAnswer | undefined => {
      for (const r of this.readingsOf(abs)) {
        const v = this.unit(r.file, false, r.prelude);
        if (!this.definedIn(v, name, kind, abs)) continue;
        const rec = v.table.record(name)!;
        return { ok: true, name, kind, layout: v.layout(name, kind) as RecordLayout, unit: v, file: abs, line: v.positionOf(rec.node)!.line };
      }
      return undefined;
    };
    for (const name of u.recordNamesFrom(abs)) {
      const rec = u.table.record(name);
      const pos = rec && u.positionOf(rec.node);
      if (!rec || pos?.file !== abs) continue;
      const l = u.layout(name, rec.kind);
      if ('reason' in l && !ctx && LEANS_ON_INCLUDER.test(l.reason)) {
        const a = asIncludersRead(name, rec.kind);
        if (a) { out.push(a); continue; }
      }
      out.push('reason' in l ? { ok: false, name, kind: rec.kind, reason: l.reason } : { ok: true, name, kind: rec.kind, layout: l, unit: u, file: abs, line: pos.line });
    }
    return out.sort((a, b) => (a.ok && b.ok ? a.line - b.line : 0));
  }

  /**
   * Layouts of many structs at once: each needed header's unit is built once
   * and every struct it defines is laid out from it, so umbrella headers
   * (skbuff.h, fs.h) answer for hundreds. Units are not kept (memory).
   */
  layoutsOf(names: string[], progress?: (done: number, total: number) => void, umbrellas: string[] = UMBRELLAS): Map<string, FlatLayout | { error: string }> {
    const out = new Map<string, FlatLayout | { error: string }>();
    const wanted = new Set(names);
    const seenUnits = new Set<string>();
    const harvest = (file: string, prelude = '') => {
      if (seenUnits.has(file + prelude)) return;
      seenUnits.add(file + prelude);
      const abs = path.resolve(this.config.srcDir, file);
      if (!fs.existsSync(abs)) return;
      this.withUnit(abs, false, (u) => {
        for (const name of u.table.recordNames()) {
          if (!wanted.has(name)) continue;
          const have = out.get(name);
          if (have && !('error' in have)) continue;
          const rec = u.table.record(name);
          if (!rec) continue;
          const l = u.layout(name, rec.kind);
          out.set(name, 'reason' in l ? { error: l.reason } : flatten(l));
        }
      }, prelude);
    };
    // A .c unit read for one struct of a header answers that header's other structs too (bluetooth's hci.h
    // has ~100 that lean on what net/bluetooth/*.c include first): by name, those not answered yet.
    const sourceAnswers = new Map<string, Map<string, FlatLayout>>();
    const fromSource = (c: string, home: string) => {
      const key = `${c}\0${home}`;
      const known = sourceAnswers.get(key);
      if (known) return known;
      const got = new Map<string, FlatLayout>();
      sourceAnswers.set(key, got);
      this.withUnit(c, false, (u) => {
        for (const n of u.recordNamesFrom(home)) {
          const have = out.get(n);
          const rec = u.table.record(n);
          if (!wanted.has(n) || (have && !('error' in have)) || !rec || !this.definedIn(u, n, rec.kind, home)) continue;
          got.set(n, flatten(u.layout(n, rec.kind) as RecordLayout));
        }
      });
      return got;
    };
    const total = wanted.size;
    for (const f of umbrellas) { harvest(f); progress?.(out.size, total); }
    for (const name of names) {
      // an umbrella's unit that could not lay it out (its home read there out of the order it expects) is not the last word
      const had = out.get(name);
      if (had && !('error' in had)) continue;
      const files = this.compiledFirst(this.locate(name), false);
      if (!files.length) { out.set(name, { error: `no definition found under include/ or arch/${this.config.srcArch}/include` }); continue; }
      // the first candidate that defines it answers (an umbrella's error stands until one does)
      for (const f of files.slice(0, 3)) { harvest(f); if (out.has(name) && out.get(name) !== had) break; }
      // a header that is not self-contained, as its includers read it (readingsOf: the order layout and the hovers try)
      const got = out.get(name);
      if (got && 'error' in got && LEANS_ON_INCLUDER.test(got.error)) {
        const home = path.resolve(this.config.srcDir, files[0]);
        for (const r of this.readingsOf(home)) {
          if (r.source) {
            const a = fromSource(r.file, home).get(name);
            if (a) { out.set(name, a); break; }
            continue;
          }
          harvest(r.file, r.prelude);
          const now = out.get(name);
          if (now && !('error' in now)) break;
        }
      }
      if (!out.has(name)) out.set(name, { error: `${path.relative(this.config.srcDir, files[0])} does not define struct ${name} under this configuration` });
      progress?.(out.size, total);
    }
    return out;
  }

  /** `layout --all-headers`: every struct and union defined under include/ and arch/$SRCARCH/include. */
  allHeaderLayouts(progress?: (done: number, total: number) => void): Record<string, FlatLayout | { error: string }> {
    const names = [...new Set(this.index.all().map((l) => l.name))];
    return Object.fromEntries(this.layoutsOf(names, progress));
  }

  /** Simulator parameters as the tree has them (PP_* macros, PAGE_SIZE, descriptor sizes). */
  simParams(): ReturnType<typeof simParamsFromTree> {
    const files = this.locate('page_pool');
    let macroUnit: TranslationUnit | undefined;
    try { macroUnit = files[0] ? this.unit(files[0]) : undefined; } catch { macroUnit = undefined; }
    const fallback = path.join(this.config.srcDir, 'include/net/page_pool/types.h');
    if (!macroUnit && fs.existsSync(fallback)) macroUnit = this.unit(fallback);
    return simParamsFromTree({
      macro: (name) => {
        const v = macroUnit?.pp.macroValue(name);
        return v && 'value' in v ? v.value : undefined;
      },
      sizeofStruct: (name) => {
        const a = this.layout(name);
        return a.ok ? a.layout.size : undefined;
      },
    });
  }

  // ------------------------------------------------------------------ check

  /**
   * A translation unit for the assert check, not cached: a .c file as kbuild
   * compiles it (`defines` are its -D flags, given before the file), a header
   * through a probe. Bodies of functions are kept in `file` and in
   * `keepBodiesIn`, where the asserts inside functions live.
   */
  checkUnit(file: string, opts: { defines?: Array<[string, string]>; keepBodiesIn?: string[]; keepMain?: boolean; cache?: boolean; headerMemo?: HeaderMemo } = {}): TranslationUnit {
    const abs = path.resolve(this.config.srcDir, file);
    const keep = [...(opts.keepMain === false ? [] : [abs]), ...(opts.keepBodiesIn ?? []).filter((f) => f !== abs)];
    const defines = (opts.defines ?? []).map(([k, v]) => `#define ${k} ${v}\n`).join('');
    const generic = /\/include\/(uapi\/)?asm-generic\/(.+)$/.exec(abs);
    // A header checked on its own is the unit layouts use too (kept in the project, brought up to date by setFileText).
    if (opts.cache && !abs.endsWith('.c') && keep.length === 1) return this.unit(abs, true);
    const text = abs.endsWith('.c') || !generic ? `${defines}#include "${abs}"\n` : `#include <asm/${generic[2]}>\n#include "${abs}"\n`;
    const key = `check\0${text}\0${keep.join('\0')}`;
    const have = opts.cache ? this.units.get(key) : undefined;
    if (have) return have;
    const probe = path.join(this.config.objDir, PROBE_FILE);
    // a kept unit is updated in place after edits: it must have its own checkpoints, not replayed headers
    const headerMemo = opts.cache ? undefined : opts.headerMemo;
    const u = TranslationUnit.build(this.config, this.files, this.parser, { path: probe, text }, { elideFunctionBodies: true, keepBodiesIn: keep, parses: this.parses, headerMemo });
    if (opts.cache) this.units.set(key, u);
    return u;
  }

  /** True for a unit the project keeps (and disposes) itself. */
  owns(u: TranslationUnit): boolean {
    return this.units.holds(u);
  }

  /**
   * The overlay check of `paths`: files, or directories, whose .c and .h
   * files that spell an assert (static_assert, _Static_assert, BUILD_BUG_ON,
   * BUILD_BUG_ON_MSG) are checked. Default: the overlay headers. In this
   * thread; checkAsync() spreads a big run over worker threads.
   */
  check(paths: string[] = [], opts: CheckOptions = {}): CheckReport {
    const files = this.expandPaths(paths.length ? paths : DEFAULT_CHECK_PATHS);
    const kept: TranslationUnit[] = [];
    try {
      // An editor's few files: their units stay in the project, updated in place as the user types, and hold the
      // overlay pairs' structs. A tree's worth would not fit: those are dropped as the run goes.
      const few = files.length <= 8;
      const { results, units } = checkFilesHere(this, files, { ...opts, keepUnits: few ? kept : undefined, cacheUnits: few });
      return this.assemble(results, units, kept, opts);
    } finally {
      for (const u of kept) if (!this.owns(u)) u.dispose();
    }
  }

  /** check() on worker threads when there are enough units (opts.workers, OVERLAY_LENS_WORKERS). */
  async checkAsync(paths: string[] = [], opts: CheckOptions & TreeCheckOptions = {}): Promise<CheckReport> {
    const files = this.expandPaths(paths.length ? paths : DEFAULT_CHECK_PATHS);
    if (files.length <= 8 && !opts.workers) return this.check(paths, opts);
    // the overlay half: kept from an earlier run, else a worker's, else this thread's
    const { results, units, overlays } = await checkFiles(this, files, opts, async (rs, { ask, kept, since }) => {
      const q = this.overlayQuestion(rs);
      const key = kept?.overlayKey(q);
      const held = key !== undefined ? kept!.getOverlays(key, (name, kind) => this.locate(name, kind)) : undefined;
      if (held) return held;
      const answer = ask ? await ask(q) : this.overlays(q, []);
      if (key !== undefined) kept!.putOverlays(key, answer, since);
      return answer;
    });
    return this.assemble(results, units, [], opts, overlays);
  }

  /** The files check(paths) reads: named files, and in directories those that spell an assert. */
  filesToCheck(paths: string[]): string[] {
    return this.expandPaths(paths.length ? paths : DEFAULT_CHECK_PATHS);
  }

  private readonly schemeScans = new Map<string, SchemeScan>();

  /** The tagged-pointer schemes `file`'s own code spells; a re-scan after an edit parses only what the edit touched. */
  taggedSchemes(file: string, text: string): TaggedScheme[] {
    const scan = findTaggedSchemesInText(file, text, (t) => this.parseText(t), this.schemeScans.get(file));
    this.schemeScans.set(file, scan);
    return scan.schemes;
  }

  /** Parses `text` on its own (the tagged-pointer scan reads a file's own code); the caller deletes the tree. */
  parseText(text: string): import('web-tree-sitter').Tree {
    return this.parser.parse(text);
  }

  /**
   * Asserts and notes per file → the report: overlay pairs, mirror maps, tag checks, overheads. The overlay
   * half may come answered by a worker thread of the run (`answered`), whose V8 has compiled the engine:
   * the units that lay the pairs out cost ~0.2 s there, against ~1.2 s on a main thread that built no unit.
   */
  private assemble(results: FileCheck[], unitResults: UnitResult[], units: TranslationUnit[], opts: CheckOptions, answered?: OverlayAnswer): CheckReport {
    const notes: string[] = [...this.config.assumptions];
    const asserts: AssertResult[] = [];
    const findings: Finding[] = [];
    const mirrors: MirrorMap[] = [];
    const undecided: string[] = [];
    for (const r of results) {
      notes.push(...r.notes);
      asserts.push(...r.asserts);
      undecided.push(...(r.undecided ?? []));
    }
    const read = new Map(unitResults.map((u) => [u.main, u.included]));
    for (const r of results) { const inc = read.get(r.via); if (inc) this.checkIncludes.set(r.file, inc); }
    findings.push(...assertFindings(asserts));

    // Overlay pairs, each checked in a unit that holds both structs.
    // in-thread, nothing keeps the answer: no record of what it was made from (~0.3 ms of a keystroke's check)
    const answer = answered ?? this.overlaysNow(this.overlayQuestion(results), units);
    notes.push(...answer.notes);
    undecided.push(...answer.undecided);
    for (const map of answer.mirrors) {
      mirrors.push(map);
      findings.push(...map.findings);
      // a failing mirror assert is reported at its own line: its finding gets both fields and where B's must go
      for (const f of map.failing) {
        const it = findings.find((x) => x.key === assertKey(f.result));
        if (it && !it.move) { it.related = [...(it.related ?? []), ...f.related]; it.move = f.move; }
      }
    }

    // Tagged pointers, read from the checked files' own code (one finding per scheme and place).
    const seen = new Set<string>();
    for (const f of results.flatMap((r) => r.tags)) {
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      findings.push(f);
    }

    // What the descriptors cost.
    const overheads = [];
    if (mirrors.length && answer.pageSize) {
      const ps = answer.pageSize;
      const pageSize = 'value' in ps ? ps.value : 4096;
      if (!('value' in ps)) notes.push(`PAGE_SIZE unknown (${ps.reason}): overheads priced at 4096`);
      const done = new Set<string>();
      for (const m of mirrors) for (const s of [m.a, m.b]) {
        if (done.has(s.name)) continue;
        done.add(s.name);
        overheads.push(overhead(s.name, s.size, pageSize, opts.region));
      }
    }
    return { root: this.config.srcDir, configLabel: this.config.label, asserts, findings, mirrors, overheads, notes, ...(undecided.length ? { undecided: [...new Set(undecided)] } : {}), files: results.map((r) => ({ file: r.file, via: r.via, ...(r.kbuild ? { kbuild: r.kbuild } : {}), asserts: r.asserts.length })) };
  }

  /** The overlay pairs' sources in the per-file results: mirror asserts, unions over a base, tag uses; and the setting's pairs. */
  overlayQuestion(results: FileCheck[]): OverlayQuestion {
    const byPair = pairsFromAsserts(results.flatMap((r) => r.asserts));
    const extra: OverlayPair[] = (this.options.extraPairs ?? []).map(parsePairSetting).filter((p): p is { a: string; b: string } => !!p).map((p) => ({ ...p, asserts: [], source: 'setting' as const }));
    const bases = new Set(['page', ...byPair.map((p) => p.a), ...extra.map((p) => p.a)]);
    const unionPairs: OverlayPair[] = results.flatMap((r) => r.unions.filter((u) => bases.has(u.a)).map((u) => ({ ...u, asserts: [], source: 'union' as const })));
    return { byPair, unionPairs, extra, bases: [...bases], tagUses: results.flatMap((r) => r.tagUses) };
  }

  /**
   * Each overlay pair laid out in a unit that holds both structs (one of `units`, else one built for it) and
   * mapped; plain data, so a worker thread can answer it for the main one.
   */
  overlays(q: OverlayQuestion, units: TranslationUnit[]): OverlayAnswer {
    // what the answer is made from, for keeping it on disk: every file read, every unit's files, every struct located
    const read = new Set<string>();
    const located = new Map<string, { name: string; kind: 'struct' | 'union'; files: string[] }>();
    const outer = { readLog: this.files.readLog, located: this.located, leaned: this.leaned };
    this.files.readLog = read;
    this.located = located;
    this.leaned = false;
    try {
      const a = this.overlaysNow(q, units, read);
      return { ...a, from: { files: [...read].sort(), located: [...located.values()], keepable: !this.leaned } };
    } finally {
      this.files.readLog = outer.readLog;
      this.located = outer.located;
      this.leaned = outer.leaned || this.leaned;
    }
  }
  /** set while overlays() runs: each struct it locates, and where */
  private located?: Map<string, { name: string; kind: 'struct' | 'union'; files: string[] }>;
  /** set when overlays() read a struct through a leaning header's includers (found by walks of the tree no file records) */
  private leaned = false;

  private overlaysNow(q: OverlayQuestion, units: TranslationUnit[], read?: Set<string>): Omit<OverlayAnswer, 'from'> {
    const used = (u: TranslationUnit) => { if (read) for (const f of u.pp.includedFiles) read.add(f); return u; };
    const notes: string[] = [];
    const undecided: string[] = [];
    const mirrors: MirrorMap[] = [];
    // struct page is the A of most pairs: its member tree is made once, not once per pair (a layout is
    // of the one unit whose table laid it out, so it alone is the key)
    const views = new Map<RecordLayout, StructView>();
    const view = (u: TranslationUnit, l: RecordLayout): StructView => {
      let v = views.get(l);
      if (!v) views.set(l, (v = structView(l, (n) => u.positionOf(n))));
      return v;
    };
    const pairs = mergePairs(q.byPair, mergePairs(q.unionPairs), this.groupPairs(new Set(q.bases), q.tagUses, units, view), q.extra);
    let pageUnit: TranslationUnit | undefined;
    for (const pair of pairs) {
      const found = this.unitHolding(pair, units);
      if (!found) { notes.push(`overlay ${pair.a} ◀ ${pair.b}: no unit defines both structs`); undecided.push(pairKey(pair)); continue; }
      const u = used(found);
      pageUnit ??= u;
      const la = u.layout(pair.a);
      const lb = u.layout(pair.b);
      if ('reason' in la || 'reason' in lb) { notes.push(`overlay ${pair.a} ◀ ${pair.b}: unknown, because ${'reason' in la ? la.reason : (lb as { reason: string }).reason}`); undecided.push(pairKey(pair)); continue; }
      mirrors.push(mirrorMap(pair, view(u, la), view(u, lb), { fixFor: (p, a, b) => this.fixFor(p, a, b) }));
    }
    // the overheads are priced at the PAGE_SIZE of the first pair's unit
    let pageSize: OverlayAnswer['pageSize'];
    if (pageUnit) { const ps = pageUnit.pp.macroValue('PAGE_SIZE'); pageSize = 'value' in ps ? { value: Number(ps.value) } : { reason: ps.reason }; }
    return { mirrors, notes, undecided, pageSize };
  }

  /** Pairs (A, B) where B embeds a struct_group_tagged() group of base A by its tag, from the units that define A. */
  private groupPairs(bases: Set<string>, uses: TagUse[], units: TranslationUnit[], view: (u: TranslationUnit, l: RecordLayout) => StructView): OverlayPair[] {
    if (!uses.length) return [];
    const out: OverlayPair[] = [];
    for (const a of bases) {
      // only tags A's own header spells (struct_group_tagged(TAG, ...) names it there): no unit is built for nothing
      const home = this.locate(a)[0];
      const spelled = home ? this.tagsSpelledIn(home, uses) : new Set<string>();
      const mine = uses.filter((x) => x.b !== a && spelled.has(x.tag));
      if (!mine.length) continue;
      const u = units.find((x) => x.table.record(a)) ?? (home ? this.unit(home) : undefined);
      const l = u?.layout(a);
      if (!u || !l || 'reason' in l) continue;
      out.push(...pairsFromGroups(view(u, l), mine));
    }
    return out;
  }

  /**
   * Which of the uses' tags `file` spells as words: one pass over its text for all of them (a struct
   * page check has hundreds of uses of a few dozen tags), kept while the text and the tags stay.
   */
  private tagsSpelledIn(file: string, uses: TagUse[]): Set<string> {
    const tags = [...new Set(uses.map((x) => x.tag))].filter((t) => /^\w+$/.test(t)).sort().join('|');
    return this.readFrom(file, 'tags', tags, (text) => {
      const found = new Set<string>();
      if (tags) for (const m of text.matchAll(new RegExp(`\\b(?:${tags})\\b`, 'g'))) found.add(m[0]);
      return found;
    });
  }

  /**
   * `read(text)` of `file`'s text, asked again only when the text or the question changed: one answer
   * kept per file and kind of reading.
   */
  private readFrom<T>(file: string, kind: string, question: string, read: (text: string) => T): T {
    const text = this.files.read(file) ?? '';
    const key = `${file}\0${kind}`;
    const have = this.fromText.get(key);
    if (have && have.text === text && have.question === question) return have.value as T;
    const value = read(text);
    this.fromText.set(key, { text, question, value });
    return value;
  }

  private unitHolding(pair: OverlayPair, units: TranslationUnit[]): TranslationUnit | undefined {
    for (const u of units) if (u.table.record(pair.a) && u.table.record(pair.b)) return u;
    const fa = this.locate(pair.b)[0];
    if (fa) { const u = this.layoutUnit(fa, pair.b, 'struct'); if (u.table.record(pair.a) && u.table.record(pair.b)) return u; }
    return undefined;
  }

  /**
   * The unit `file` is laid out from for `name`: its own (a probe of a header), unless the header leans on
   * its includers: for a private one (6.1's mm/slab.h includes nothing, so struct slab's rcu_head is
   * incomplete in a probe of it alone) the unit of the .c file beside it that includes it, for a public
   * one the first of readingsOf that lays out its own definition.
   */
  private layoutUnit(file: string, name: string, kind: 'struct' | 'union'): TranslationUnit {
    const u = this.unit(file);
    const rec = u.table.record(name);
    const l = rec ? u.layout(name, kind) : undefined;
    if (rec && !(l && 'reason' in l && LEANS_ON_INCLUDER.test(l.reason))) return u;
    const abs = path.resolve(this.config.srcDir, file);
    const ctx = this.includerContext(abs);
    if (ctx) return this.unit(ctx);
    // a public header that is not self-contained: as its includers read it
    if (!rec) return u;
    for (const r of this.readingsOf(abs)) {
      const v = this.unit(r.file, false, r.prelude);
      if (this.definedIn(v, name, kind, abs)) return v;
    }
    return u;
  }

  /**
   * Where a public header's struct is read when the header's probe cannot lay it out (it leans on what
   * its includers bring first), in the one order `layout`, the hovers' per-file layouts and `layoutsOf`
   * (`--all-headers`) all try, so that the three give the same answer: the probe after linux/kernel.h,
   * types.h and slab.h; the headers that include it (xen's event_channel.h through a header that brings
   * uint32_t first); the .c files that include it (hugetlb_cgroup.h through mm/hugetlb_cgroup.c). Lazy:
   * the .c candidates come from a walk of the tree's .c names, made only when the headers did not answer.
   */
  private *readingsOf(abs: string): Generator<{ file: string; prelude: string; source: boolean }> {
    yield { file: abs, prelude: PRELUDE, source: false };
    this.leaned = true;
    for (const inc of this.includingHeaders(abs)) yield { file: inc, prelude: '', source: false };
    for (const c of this.sourceIncluders(abs)) yield { file: c, prelude: '', source: true };
  }

  /** Whether `u` lays out `name` from its definition in `file` (not a same-named one of an includer's own). */
  private definedIn(u: TranslationUnit, name: string, kind: 'struct' | 'union', file: string): boolean {
    const rec = u.table.record(name);
    if (!rec || rec.kind !== kind || u.positionOf(rec.node)?.file !== file) return false;
    return !('reason' in u.layout(name, kind));
  }

  /** For a public header that is not self-contained, .c files that include it, best first (private-headers.ts). */
  private sourceIncluders(abs: string): string[] {
    // asked again on every edit of a header that has such a struct (its hovers): the search is made once
    const known = this.sourceIncluderMemo.get(abs);
    if (known) return known;
    const found = this.findSourceIncluders(abs);
    this.sourceIncluderMemo.set(abs, found);
    return found;
  }
  /** sourceIncluders' answers; forgotten when a .c file's text is set (an #include may have come or gone) */
  private readonly sourceIncluderMemo = new Map<string, string[]>();

  private findSourceIncluders(abs: string): string[] {
    this.kbuildObjects ??= new KbuildObjects(this.config.srcDir, this.config.kconfig);
    const kb = this.kbuildObjects;
    // candidates are read past the project's file cache: hundreds of .c files of which one or two are used
    const peek = (c: string) => { const held = this.files.held(c); if (held !== undefined) return held; try { return fs.readFileSync(c, 'latin1'); } catch { return undefined; } };
    return sourceIncluders(this.config.srcDir, abs, this.index.sources(this.config.srcArch), peek, (c) => kb.object(c).built !== 'n');
  }

  /**
   * Several headers defining the same struct, those this configuration compiles first: 6.1 has struct
   * kmem_cache in slab_def.h and in slub_def.h, and mm/slab.h includes one of them by CONFIG_SLAB or
   * CONFIG_SLUB. A header is compiled when a unit of one of the files that include it reads it, and
   * not when every such unit leaves it out; with no includer found, its place is kept.
   */
  private compiledFirst(files: string[], keepUnits = true): string[] {
    if (files.length < 2) return files;
    const verdict = (file: string): number => {
      const includers = this.index.includersOf(file, ['mm']).slice(0, 3);
      if (!includers.length) return 1;
      for (const f of includers) if (this.withUnit(f, keepUnits, (u) => u.pp.includedFiles.includes(file))) return 0;
      return 2;
    };
    const rank = new Map(files.map((f) => [f, verdict(f)]));
    return [...files].sort((a, b) => rank.get(a)! - rank.get(b)!);
  }

  /** The first two headers that include `file` (a header that is not self-contained is read as they read it). */
  private includingHeaders(file: string): string[] {
    return this.index.includersOf(path.resolve(this.config.srcDir, file)).filter((f) => f.endsWith('.h')).slice(0, 2);
  }

  /** For a private header (private-headers.ts), the .c file a compile reads it from; undefined otherwise. */
  private includerContext(abs: string): string | undefined {
    if (abs.endsWith('.c')) return undefined;
    this.kbuildObjects ??= new KbuildObjects(this.config.srcDir, this.config.kconfig);
    const kb = this.kbuildObjects;
    return includerOf(this.config.srcDir, abs, (c) => this.files.read(c), (c) => kb.object(c).built !== 'n');
  }
  private kbuildObjects?: KbuildObjects;

  /** The assert line to add for an unasserted field: the pair's own macro when it has one. */
  private fixFor(pair: OverlayPair, aPath: string, bPath: string): Fix | undefined {
    const sites = pair.asserts.map((m) => m.result.site).sort((x, y) => x.at.line - y.at.line);
    const last = sites[sites.length - 1];
    if (!last) return undefined;
    const macro = last.macro?.name;
    let text = `static_assert(offsetof(struct ${pair.a}, ${aPath}) == offsetof(struct ${pair.b}, ${bPath}));`;
    if (macro) {
      const def = this.twoParamDefine(last.at.file, macro);
      if (def) {
        const body = def[3];
        const aParamFirst = new RegExp(`offsetof\\s*\\(\\s*struct\\s+${pair.a}\\s*,\\s*${def[1]}\\s*\\)`).test(body);
        const aParamSecond = new RegExp(`offsetof\\s*\\(\\s*struct\\s+${pair.a}\\s*,\\s*${def[2]}\\s*\\)`).test(body);
        if (aParamFirst || aParamSecond) text = `${macro}(${aParamFirst ? aPath : bPath}, ${aParamFirst ? bPath : aPath});`;
      }
    }
    return { description: `assert that ${pair.b}.${bPath} mirrors ${pair.a}.${aPath}`, file: last.at.file, insertBeforeLine: last.at.line + 1, text };
  }

  /** `#define MACRO(x, y) body` in `file`: [, x, y, body], kept while the text stays (fixFor asks per unasserted field). */
  private twoParamDefine(file: string, macro: string): RegExpExecArray | null {
    return this.readFrom(file, `define ${macro}`, '', (text) => new RegExp(`#\\s*define\\s+${macro}\\s*\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(text));
  }

  private expandPaths(paths: string[]): string[] {
    const out: string[] = [];
    // A tree's scan reads ~8 400 files before any unit can start: each file's bytes are searched for the
    // two words every assert spelling holds before any is decoded (_Static_assert, static_assert:
    // "tatic_assert"; BUILD_BUG_ON, BUILD_BUG_ON_MSG), and a directory's entries say their own type.
    const spells = (file: string): boolean => {
      const held = this.files.held(file);
      if (held !== undefined) return SPELLS_ASSERT.test(held);
      let bytes: Buffer;
      try { bytes = fs.readFileSync(file); } catch { return false; }
      if (bytes.indexOf('tatic_assert') < 0 && bytes.indexOf('BUILD_BUG_ON') < 0) return false;
      return SPELLS_ASSERT.test(this.files.read(file) ?? '');
    };
    const isDirectory = (p: string) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };
    const inDirectory = (abs: string) => {
      const entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = path.join(abs, e.name);
        if (e.isDirectory() || (e.isSymbolicLink() && isDirectory(p))) inDirectory(p);
        else if (/\.[ch]$/.test(e.name) && spells(p)) out.push(p);
      }
    };
    const walk = (abs: string, named: boolean) => {
      let st: fs.Stats;
      try { st = fs.statSync(abs); } catch { throw new Error(`no such file or directory: ${abs}`); }
      if (st.isDirectory()) inDirectory(abs);
      else if (named || spells(abs)) out.push(abs);
    };
    for (const p of paths) {
      const abs = path.resolve(this.config.srcDir, p);
      // a named file whose text the project holds (a buffer, or read before: every keystroke's check) needs no stat
      if (this.files.read(abs) !== undefined) { out.push(abs); continue; }
      if (DEFAULT_CHECK_PATHS.includes(p) && !fs.existsSync(abs)) continue;
      walk(abs, true);
    }
    return [...new Set(out)];
  }

}

/**
 * The project's units by key, brought up to date lazily: an edit marks the
 * units that read the file, and each is updated (incrementally, or dropped
 * to be rebuilt) when next asked for. A keystroke in mm_types.h then costs
 * the update of the unit being checked, not also of every open header's
 * unit that includes it (those follow with their own re-checks).
 */
class UnitCache {
  private readonly map = new Map<string, TranslationUnit>();
  /** unit key → files changed since the unit was last brought up to date */
  private readonly stale = new Map<string, Set<string>>();
  /** units an edit could not update in place (dropped, rebuilt when next asked for) */
  dropped = 0;

  constructor(private readonly update: (u: TranslationUnit, file: string) => TranslationUnit | undefined) {}

  /** `file` changed: every unit that read it is out of date. */
  touched(file: string): void {
    for (const [key, u] of this.map) {
      if (!u.pp.includedFiles.includes(file)) continue;
      let files = this.stale.get(key);
      if (!files) this.stale.set(key, (files = new Set()));
      files.add(file);
    }
  }

  get(key: string): TranslationUnit | undefined {
    this.refresh(key);
    return this.map.get(key);
  }

  has(key: string): boolean {
    this.refresh(key);
    return this.map.has(key);
  }

  set(key: string, u: TranslationUnit): void {
    this.stale.delete(key);
    this.map.set(key, u);
  }

  delete(key: string): void {
    this.stale.delete(key);
    this.map.delete(key);
  }

  /** Is `u` one of these units (as it stands, brought up to date or not)? */
  holds(u: TranslationUnit): boolean {
    for (const x of this.map.values()) if (x === u) return true;
    return false;
  }

  /** The units as they stand, without bringing any up to date. */
  asIs(): IterableIterator<[string, TranslationUnit]> {
    return this.map.entries();
  }

  private refresh(key: string): void {
    const files = this.stale.get(key);
    if (!files) return;
    this.stale.delete(key);
    let u = this.map.get(key);
    for (const f of files) {
      if (!u) break;
      const next = this.update(u, f);
      if (next !== u) u.dispose();
      u = next;
    }
    if (u) this.map.set(key, u);
    else { this.map.delete(key); this.dropped++; }
  }
}
