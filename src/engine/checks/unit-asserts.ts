// The asserts written in one file, read from a translation unit that holds
// it (its own unit for a .c file, a probe unit for a header) and decided
// with types. The unit is seen through the few things this needs, so checks/
// does not depend on how units are built.
import { CExpr } from '../eval/c-expr';
import { parseExpression } from '../eval/c-reader';
import { TypedEval } from '../eval/c-typed';
import { TypeTable } from '../types/type-table';
import { AssertResult } from './asserts';
import { assertSites, findRawAsserts, RawAssert } from './assert-sites';
import { SourcePosition } from './layout-view';
import { decide, readCondition, toExpr } from './typed-asserts';
import { UnitScopes } from './unit-scope';
import type { UnitSyntax } from '../project/unit-syntax';

export interface AssertUnit {
  pp: {
    text: string;
    userPosition(offset: number): { file: string; line: number; column: number; macro?: { name: string; args(): string[] } } | undefined;
  };
  syntax: UnitSyntax;
  table: TypeTable;
}

/** One unit's asserts, read once and handed out per file (a .c unit answers for the headers it includes). */
export class UnitAsserts {
  private readonly scopes: UnitScopes;
  private readonly raws: RawAssert[];
  private readonly positions = new Map<number, SourcePosition & { macro?: { name: string; args: string[] } }>();
  private readonly read = new Map<number, { ast: CExpr; ev: TypedEval }>();

  constructor(private readonly u: AssertUnit) {
    this.scopes = new UnitScopes(u.pp.text, u.syntax, u.table);
    this.raws = findRawAsserts(u.pp.text);
    // array bounds like [sizeof(rfc1042_header)] or IP_TUNNEL_OPTS_MAX's BUILD_BUG_ON_ZERO: read with types too
    u.table.arraySizeFallback ??= (size) => {
      const at = u.table.offsetOf(size);
      const text = u.pp.text.slice(at, at + size.endIndex - size.startIndex);
      const scope = this.scopes.scopeAt(at);
      const v = new TypedEval(u.table, scope, text).value(parseExpression(text, scope));
      return v.k === 'int' ? { ok: true, value: v.v, type: v.t } : undefined;
    };
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
    const sites = assertSites(this.u.pp.text, {
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
