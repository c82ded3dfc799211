// Header replay. What one inclusion of a header writes is a function of the
// macros it reads before defining them (and of a little other state: the
// #pragma once set, include guards, __COUNTER__), so it can be recorded once
// and replayed wherever those reads give the same answers. A whole-tree
// check includes the same few hundred headers in each of ~180 units; the
// first unit to include a header records it, later ones replay it instead of
// lexing and expanding it again.
//
// A recording is a sequence: chunks of the header's own output (text,
// origins, declarations, diagnostics) with the macro reads they depend on
// and the definitions they leave, and between them the header's #include
// lines, which are decided again at every replay. That is what makes replay
// work across units that include headers in different orders: a child that
// this unit already read is skipped (its guard is defined) as it would be
// by the preprocessor, a child it has not read is replayed from a recording
// of its own. Before any output is written, a dry run walks the recording,
// checking each chunk's reads and making its definitions as it goes, and
// picks a recording for each child; one read that differs and the dry run's
// changes are undone and the header is expanded as usual (its includes may
// still be replayed).
//
// Only runs that are never updated in place use a memo (the whole-tree
// check): a replayed header leaves no checkpoints for PreprocessResult.update().
import type { Token } from './lexer';
import type { MacroTable } from './macro-table';
import type { Diagnostic, IncludeEdge, Macro } from './preprocessor';

/** A macro invocation of the output (the preprocessor's expansion table entry). */
export interface RecordedExpansion {
  name: string;
  file: number;
  line: number;
  col: number;
  rawArgs: Token[][] | null;
}

/** A header's own output between two of its #include lines, and what that output depended on. */
export interface Chunk {
  readonly kind: 'chunk';
  // output: copied out of the preprocessor's buffers, offsets relative to the chunk's start
  /** the chunk's text (a piece of every unit that replays it) */
  text: string;
  starts: Int32Array;
  files: Int32Array;
  lines: Int32Array;
  cols: Int32Array;
  /** index into `expansions`, or -1 */
  exps: Int32Array;
  expansions: RecordedExpansion[];
  declStarts: number[];
  declEnds: number[];
  declKinds: number[];
  names: string[];
  nameKinds: number[];
  /** declaration index relative to the chunk's first declaration */
  nameDecls: number[];
  diagnostics: Diagnostic[];
  includes: IncludeEdge[];
  includedFiles: string[];
  packChanges: Array<{ offset: number; value: number }>;
  /** the separator written before the first token (0: none, 10, 32): replay writes the one its own state calls for */
  firstSep: number;
  firstFile: number;
  firstLine: number;
  lastFile: number;
  lastLine: number;
  // inputs
  /** macro names read before the chunk defined them, and what they were (undefined: not a macro) */
  readNames: string[];
  /** the same names' numbers (macro-table.ts) */
  readIds: Int32Array;
  readDefs: Array<Macro | undefined>;
  onceNames: string[];
  onceValues: boolean[];
  /** files asked whether their function bodies are kept (at a body's opening brace), and the answer */
  keepNames: string[];
  keepValues: boolean[];
  /**
   * __COUNTER__ was expanded: the chunk holds only at this counter, and leaves counterEnd; -1 when not.
   * (A number either way: a field holding undefined in some chunks and a small integer in others
   * changes the chunks' hidden class, and TurboFan's replay loop left its code at every old one.)
   */
  counterStart: number;
  counterEnd: number;
  /** __BASE_FILE__ was expanded */
  mainFile?: string;
  /** #pragma pack was used: the chunk holds only at this pack state (value, then the stack), and leaves `end` */
  pack?: { start: number[]; end: number[] };
  // effects
  setNames: string[];
  setIds: Int32Array;
  setDefs: Array<Macro | undefined>;
  onces: string[];
  /** include guards learnt from files read inline (an #include not at a declaration boundary) */
  guards: Array<[string, string]>;
  produced: number;
}

/** An #include line of the header at a declaration boundary: at replay, skipped or replayed as the preprocessor would. */
export interface IncludeItem {
  readonly kind: 'include';
  file: string;
  dir: number;
  line: number;
}

/** One recorded inclusion of `file` (its own text; what it includes is decided at replay). */
export interface HeaderEntry {
  file: string;
  dir: number;
  text: string;
  /** the include guard the preprocessor found in the file */
  guard: string | undefined;
  items: Array<Chunk | IncludeItem>;
  /** the files read while it was recorded (its own, those it included and theirs), a bit per file index */
  closure: Uint32Array;
  /** reads that made it fail before (Preprocessor.learnHint), checked before a dry run */
  hints: Array<[string, Macro | undefined]>;
}

/** What a dry run chose for each include item of an entry: null to skip it, else the child's recording and its own choices. */
export type Decision = null | { entry: HeaderEntry; decisions: Decision[] };

/** The text identity of a macro definition (what its expansion depends on). */
export function macroSignature(m: Macro): string {
  if (m.sig !== undefined) return m.sig;
  let s = m.builtin ? `builtin ${m.name}` : m.params ? `(${m.params.join(',')}${m.variadic ? '...' : ''})` : '';
  for (const t of m.body) s += `\u0001${t.kind}${t.space ? ' ' : ''}${t.text}`;
  m.sig = s;
  return s;
}

export function sameMacro(a: Macro | undefined, b: Macro | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return macroSignature(a) === macroSignature(b);
}

/** Where the outputs stood when a chunk began: lengths of every output array. */
export interface Marks {
  outLen: number;
  oCount: number;
  exps: number;
  decls: number;
  names: number;
  diags: number;
  includes: number;
  included: number;
  packs: number;
}

/** One inclusion being recorded: its items so far, and the reads and effects of the chunk being written. */
export class Recorder {
  readonly items: Array<Chunk | IncludeItem> = [];
  guard: string | undefined;
  /** the files read so far, a bit per file index */
  readonly closure: number[] = [];
  /** cannot be replayed (__INCLUDE_LEVEL__, an include nested too deeply, output that refers back before the chunk) */
  poisoned = false;
  // the current chunk
  marks!: Marks;
  counter = 0;
  pack: number[] = [];
  produced = 0;
  /** per name: 1 read, 2 written, 3 both; "\0" + file for the #pragma once set, "\u0001" + file for kept bodies */
  state = new Map<string, number>();
  readNames: string[] = [];
  readDefs: Array<Macro | undefined> = [];
  onceNames: string[] = [];
  onceValues: boolean[] = [];
  keepNames: string[] = [];
  keepValues: boolean[] = [];
  written: string[] = [];
  onces: string[] = [];
  guards: Array<[string, string]> = [];
  counterUsed = false;
  baseFileUsed = false;
  packUsed = false;

  constructor(readonly file: string, readonly dir: number, readonly text: string, /** the include depth of the includer */ readonly depth: number) {}

  /** Starts a chunk at these outputs and this state. */
  open(marks: Marks, counter: number, pack: number[], produced: number): void {
    this.marks = marks;
    this.counter = counter;
    this.pack = pack;
    this.produced = produced;
    this.state = new Map();
    this.readNames = []; this.readDefs = []; this.onceNames = []; this.onceValues = []; this.keepNames = []; this.keepValues = [];
    this.written = []; this.onces = []; this.guards = [];
    this.counterUsed = this.baseFileUsed = this.packUsed = false;
  }

  addFile(id: number): void {
    const w = id >> 5;
    while (this.closure.length <= w) this.closure.push(0);
    this.closure[w] |= 1 << (id & 31);
  }

  addClosure(bits: Uint32Array): void {
    while (this.closure.length < bits.length) this.closure.push(0);
    for (let k = 0; k < bits.length; k++) this.closure[k] |= bits[k];
  }

  read(name: string, m: Macro | undefined): void {
    if (this.state.get(name) === undefined) {
      this.state.set(name, 1);
      this.readNames.push(name);
      this.readDefs.push(m);
    }
  }

  readOnce(file: string, value: boolean): void {
    const k = `\0${file}`;
    if (this.state.get(k) === undefined) {
      this.state.set(k, 1);
      this.onceNames.push(file);
      this.onceValues.push(value);
    }
  }

  readKeep(file: string, value: boolean): void {
    const k = `\u0001${file}`;
    if (this.state.get(k) === undefined) {
      this.state.set(k, 1);
      this.keepNames.push(file);
      this.keepValues.push(value);
    }
  }

  write(name: string): void {
    const s = this.state.get(name);
    if (s === undefined || !(s & 2)) {
      this.state.set(name, (s ?? 0) | 2);
      this.written.push(name);
    }
  }

  addOnce(file: string): void {
    const k = `\0${file}`;
    this.state.set(k, (this.state.get(k) ?? 0) | 2);
    this.onces.push(file);
  }
}

/**
 * The journal, one per thread and reused by every dry run (one runs at a
 * time, inside findRecording): ~24 k entries a unit, whose arrays grown
 * anew for each top-level #include were a tenth of a whole-tree check's
 * garbage. Parallel arrays, no tuple per entry.
 */
const journal = {
  n: 0,
  kinds: new Int32Array(4096),
  /** a macro's number (-1 for a file) */
  ids: new Int32Array(4096),
  /** a guard's or #pragma once file ('' for a macro) */
  keys: [] as string[],
  prevs: [] as Array<Macro | string | undefined>,
};

function journalPush(kind: number, id: number, key: string, prev: Macro | string | undefined): void {
  const j = journal, n = j.n;
  if (n === j.kinds.length) {
    const kinds = new Int32Array(n * 2), ids = new Int32Array(n * 2);
    kinds.set(j.kinds); ids.set(j.ids);
    j.kinds = kinds; j.ids = ids;
  }
  j.kinds[n] = kind; j.ids[n] = id;
  if (n < j.keys.length) { j.keys[n] = key; j.prevs[n] = prev; } else { j.keys.push(key); j.prevs.push(prev); }
  j.n = n + 1;
}

/**
 * A dry run's changes, made to the preprocessor's own tables as it goes
 * (definitions, include guards, the #pragma once set) with a journal to undo
 * them when a recording does not hold; the counter and pack state are kept
 * here until the replay is committed. A read is then one lookup, and the
 * replay that follows writes only output.
 */
export class Speculation {
  counter: number;
  pack: number[];

  constructor(
    private readonly macros: MacroTable,
    private readonly guards: Map<string, string>,
    private readonly onces: Set<string>,
    counter: number,
    pack: number[],
    /** reads and definitions left to check before the search gives up */
    public budget: number,
  ) {
    this.counter = counter;
    this.pack = pack;
    // a new dry run: the last one was committed or rolled back
    journal.n = 0;
  }

  get(name: string): Macro | undefined {
    return this.macros.get(name);
  }

  byId(id: number): Macro | undefined {
    return this.macros.byId(id);
  }

  setId(id: number, m: Macro | undefined): void {
    const prev = this.macros.byId(id);
    if (prev === m) return;
    journalPush(0, id, '', prev);
    this.macros.setId(id, m);
  }

  guardOf(file: string): string | undefined {
    return this.guards.get(file);
  }

  setGuard(file: string, guard: string): void {
    journalPush(1, -1, file, this.guards.get(file));
    this.guards.set(file, guard);
  }

  isOnce(file: string): boolean {
    return this.onces.has(file);
  }

  addOnce(file: string): void {
    if (this.onces.has(file)) return;
    journalPush(2, -1, file, undefined);
    this.onces.add(file);
  }

  /** Whether the macro numbered `id` was (or may have been: a long journal is not searched) defined or undefined since journal position `from`. */
  wroteSince(from: number, id: number): boolean {
    const { n, ids } = journal;
    if (n - from > 4096) return true;
    for (let k = from; k < n; k++) if (ids[k] === id) return true;
    return false;
  }

  mark(): { j: number; counter: number; pack: number[] } {
    return { j: journal.n, counter: this.counter, pack: this.pack };
  }

  rollback(m: { j: number; counter: number; pack: number[] }): void {
    const { kinds, keys, ids, prevs } = journal;
    for (let k = journal.n - 1; k >= m.j; k--) {
      const key = keys[k], prev = prevs[k];
      if (kinds[k] === 0) this.macros.setId(ids[k], prev as Macro | undefined);
      else if (kinds[k] === 1) { if (prev === undefined) this.guards.delete(key); else this.guards.set(key, prev as string); }
      else this.onces.delete(key);
    }
    journal.n = m.j;
    this.counter = m.counter;
    this.pack = m.pack;
  }
}

/**
 * The recordings of one thread's runs under one set of preprocessor options
 * (include path, body elision): variants per file, newest first, within a
 * memory budget. Its owner drops it when any file's text may have changed.
 */
export class HeaderMemo {
  private readonly byFile = new Map<string, HeaderEntry[]>();
  private optionsKey: string | undefined;
  private held = 0;
  /** inclusions replayed (a child replayed with its includer counts too), recordings kept */
  replayed = 0;
  recorded = 0;
  /** output tokens written by replays */
  replayedTokens = 0;
  /** reads and definitions gone through by dry runs */
  work = 0;

  constructor(
    /** bytes of chunk text, origins and declarations held at most */
    private readonly budget = 256 << 20,
    private readonly variantsPerFile = 16,
  ) {}

  /** Recordings made under other options do not apply: the memo starts over when they change. */
  useOptions(key: string): void {
    if (key !== this.optionsKey) { this.byFile.clear(); this.held = 0; this.optionsKey = key; }
  }

  variants(file: string): readonly HeaderEntry[] | undefined {
    return this.byFile.get(file);
  }

  /** A recording that held goes to the front: the next unit is likely to be like this one (module or built-in, its pr_fmt). */
  used(e: HeaderEntry): void {
    const l = this.byFile.get(e.file);
    if (!l || l[0] === e) return;
    const k = l.indexOf(e);
    if (k > 0) { l.splice(k, 1); l.unshift(e); }
  }

  get bytesHeld(): number {
    return this.held;
  }

  add(e: HeaderEntry): void {
    const cost = bytesOf(e);
    if (this.held + cost > this.budget) return;
    let l = this.byFile.get(e.file);
    if (!l) this.byFile.set(e.file, (l = []));
    l.unshift(e);
    this.held += cost;
    this.recorded++;
    if (l.length > this.variantsPerFile) this.held -= bytesOf(l.pop()!);
  }
}

function bytesOf(e: HeaderEntry): number {
  let n = 0;
  for (const it of e.items) if (it.kind === 'chunk') n += it.text.length * 2 + it.starts.length * 20 + it.declStarts.length * 24 + it.readNames.length * 16;
  return n;
}
