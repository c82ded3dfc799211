// The asserts written in one file, read from a translation unit that holds
// it (its own unit for a .c file, a probe unit for a header) and decided
// with types. The unit is seen through the few things this needs, so checks/
// does not depend on how units are built.
import { CExpr } from '../eval/c-expr';
import { TypedEval } from '../eval/c-typed';
import { TypeTable } from '../types/type-table';
import { AssertResult } from './asserts';
import { assertSites, findRawAsserts, RawAssert } from './assert-sites';
import { SourcePosition } from './layout-view';
import { decide, readCondition, toExpr } from './typed-asserts';
import { UnitScopes } from './unit-scope';
import type { UnitSyntax } from '../project/unit-syntax';
import type { TextSource } from '../preprocess/piece-text';

export interface AssertUnit {
  pp: {
    text: string;
    /** the text as it is held (pieces after an edit): what is sliced, so the whole is not joined */
    source?: TextSource;
    userPosition(offset: number): { file: string; line: number; column: number; macro?: { name: string; args(): string[] } } | undefined;
  };
  syntax: UnitSyntax;
  table: TypeTable;
  /** the unit's own scopes (TranslationUnit.scopes), shared with its layouts' array bounds */
  scopes?: UnitScopes;
  /** the unit's declarations with text from `file` (its own or a macro invoked there) */
  declarationsFrom?(file: string): Set<number>;
  declarations?: { list: { starts: number[]; ends: number[] } };
}

/** One unit's asserts, read once and handed out per file (a .c unit answers for the headers it includes). */
export class UnitAsserts {
  private readonly scopes: UnitScopes;
  private readonly raws: RawAssert[];
  private readonly positions = new Map<number, SourcePosition & { macro?: { name: string; args: string[] } }>();
  private readonly read = new Map<number, { ast: CExpr; ev: TypedEval }>();
  private readonly text: TextSource;

  /** `files`: the files whose asserts will be asked for; only their declarations are searched (the rest of a 2–5 MB unit is not). */
  constructor(private readonly u: AssertUnit, files?: string[]) {
    this.text = u.pp.source ?? u.pp.text;
    this.scopes = u.scopes ?? new UnitScopes(this.text, u.syntax, u.table);
    this.raws = files && u.declarationsFrom && u.declarations ? this.rawsIn(files) : findRawAsserts(u.pp.text);
    // a function's locals are read once for all its asserts' conditions (and their guards)
    const offsets = this.raws.map((r) => r.offset);
    this.scopes.placesIn = (from, to) => {
      let lo = 0, hi = offsets.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (offsets[mid] < from) lo = mid + 1; else hi = mid; }
      const out: number[] = [];
      for (let k = lo; k < offsets.length && offsets[k] < to; k++) out.push(offsets[k], this.raws[k].condStart);
      return out;
    };
  }

  private rawsIn(files: string[]): RawAssert[] {
    const { starts, ends } = this.u.declarations!.list;
    const decls = new Set<number>();
    for (const f of files) for (const d of this.u.declarationsFrom!(f)) decls.add(d);
    const out: RawAssert[] = [];
    const sorted = [...decls].sort((a, b) => a - b);
    for (let k = 0; k < sorted.length; k++) {
      // runs of neighbouring declarations are searched as one range
      let e = k;
      while (e + 1 < sorted.length && sorted[e + 1] === sorted[e] + 1) e++;
      // a slice, so a search that finds nothing stops at the range's end instead of the unit's
      const from = starts[sorted[k]];
      for (const r of findRawAsserts(this.text.slice(from, ends[sorted[e]]))) out.push({ ...r, offset: r.offset + from, condStart: r.condStart + from, condEnd: r.condEnd < 0 ? -1 : r.condEnd + from });
      k = e;
    }
    return out;
  }

  /** The files holding an assert of this unit (where a user sees it). */
  files(): Set<string> {
    return new Set(this.raws.map((r) => this.position(r.offset).file));
  }

  private position(o: number): SourcePosition & { macro?: { name: string; args: string[] } } {
    let p = this.positions.get(o);
    if (!p) {
      const q = this.u.pp.userPosition(o);
      p = q ? { file: q.file, line: q.line, column: q.column, ...(q.macro ? { macro: { name: q.macro.name, args: q.macro.args() } } : {}) } : { file: '?', line: 0, column: 0 };
      this.positions.set(o, p);
    }
    return p;
  }

  inFile(file: string): AssertResult[] {
    const sites = assertSites(this.text, {
      position: (o) => this.position(o),
      parseCondition: (text, at) => {
        const r = readCondition(this.scopes, text, at);
        this.read.set(at, r);
        return r.ast.k === 'bad' ? { reason: r.ast.reason } : toExpr(r.ast);
      },
    }, (at) => at.file === file, this.raws);
    return sites.map((site) => {
      const r = site.condOffset === undefined ? undefined : this.read.get(site.condOffset);
      return decide(site, r?.ast, r?.ev, () => this.scopes.guard(site.offset ?? 0));
    });
  }
}

/** The asserts written in `file`, from a unit that holds it. */
export function assertsInFile(u: AssertUnit, file: string): AssertResult[] {
  return new UnitAsserts(u).inFile(file);
}
