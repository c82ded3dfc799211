// The macro table. A whole-tree check defines ~24 k macros and checks ~60 k
// recorded reads per unit, in ~230 units: in a Map made fresh for each unit
// that is millions of hash insertions into a growing table (measured: 4 s
// of a 27 s run). Instead every name a table or a recording sees gets a
// number, once per thread, and a table is an array indexed by it: a
// recording keeps the numbers of the names it read and defined, so a replay
// checks and makes them with array loads and stores.
import type { Macro } from './preprocessor';

const IDS = new Map<string, number>();
const NAMES: string[] = [];

/** The thread's number for `name`, given on first use. */
export function macroId(name: string): number {
  let id = IDS.get(name);
  if (id === undefined) {
    id = NAMES.length;
    NAMES.push(name);
    IDS.set(name, id);
  }
  return id;
}

/** A dropped table's array, emptied, for the next table of the thread (a fresh one is megabytes of new pages). */
let spare: Array<Macro | undefined> | undefined;

/** Macro names → definitions, Map-like for its readers (iteration in id order, not definition order). */
export class MacroTable implements Iterable<[string, Macro]> {
  private defs: Array<Macro | undefined>;
  private count = 0;

  constructor() {
    this.defs = spare ?? [];
    spare = undefined;
  }

  /** Empties the table and hands its array to the next one made in this thread; the table is not used afterwards. */
  release(): void {
    const defs = this.defs;
    defs.fill(undefined);
    this.defs = [];
    this.count = 0;
    if (!spare || spare.length < defs.length) spare = defs;
  }

  get size(): number {
    return this.count;
  }

  get(name: string): Macro | undefined {
    const id = IDS.get(name);
    return id === undefined ? undefined : this.defs[id];
  }

  /** By number: what a replay reads (an id past the end is a name this table never defined). */
  byId(id: number): Macro | undefined {
    return id < this.defs.length ? this.defs[id] : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, m: Macro): this {
    this.setId(macroId(name), m);
    return this;
  }

  delete(name: string): boolean {
    const id = IDS.get(name);
    if (id === undefined || this.byId(id) === undefined) return false;
    this.setId(id, undefined);
    return true;
  }

  /** Defines (m) or undefines (undefined) the name numbered `id`. */
  setId(id: number, m: Macro | undefined): void {
    const defs = this.defs;
    if (id >= defs.length) {
      if (m === undefined) return;
      // grown by pushes, never by a store far past the end (which would make a sparse, dictionary-mode array)
      while (defs.length <= id) defs.push(undefined);
    }
    const had = defs[id] !== undefined;
    defs[id] = m;
    this.count += (m !== undefined ? 1 : 0) - (had ? 1 : 0);
  }

  *[Symbol.iterator](): Iterator<[string, Macro]> {
    const defs = this.defs;
    for (let id = 0; id < defs.length; id++) {
      const m = defs[id];
      if (m !== undefined) yield [NAMES[id], m];
    }
  }
}
