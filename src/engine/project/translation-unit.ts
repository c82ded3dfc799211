// One translation unit through the whole front end: preprocess (kbuild's
// include path, implicit includes and the target's predefined macros), split
// the expanded text into top-level declarations, and index types by name.
// Declarations are parsed (GNU constructs blanked, tree-sitter) only when a
// layout or an expression needs them.
import type { Node, Tree } from 'web-tree-sitter';
import { hasAttribute, hasBuiltin, predefinedMacros } from '../abi/compiler';
import { DataModel, dataModel } from '../abi/data-models';
import { SourcePosition } from '../checks/layout-view';
import { kbuildCompileSettings } from '../config/kbuild';
import { isEnabled } from '../config/kconfig';
import { TreeConfig } from '../config/tree-config';
import { CParser } from '../parse/c-parser';
import { DeclarationParses, UnitDeclarations } from '../parse/declaration-parses';
import { renumbered } from '../parse/declarations';
import { HeaderMemo } from '../preprocess/header-memo';
import { FileSystem, PreprocessResult, Preprocessor } from '../preprocess/preprocessor';
import { layoutLookups, layoutRecord, RecordLayout, setLayoutOptions } from '../layout/record-layout';
import { ReusableRecord, TypeTable } from '../types/type-table';
import { UnitSyntax, unitSyntax } from './unit-syntax';
import { typedArraySize, UnitScopes } from '../checks/unit-scope';

export interface Timings {
  preprocessMs: number;
  /** splitting is done while preprocessing; this is the type table's set-up */
  indexMs: number;
}

export interface UnitOptions {
  elideFunctionBodies: boolean;
  keepBodiesIn?: string[];
  /** parses shared with other units (by declaration text) */
  parses?: DeclarationParses;
  /** header inclusions recorded by earlier units, replayed where they match (the unit cannot be updated in place then) */
  headerMemo?: HeaderMemo;
}

export class TranslationUnit {
  private constructor(
    private readonly config: TreeConfig,
    private readonly parser: CParser,
    readonly main: string,
    readonly pp: PreprocessResult,
    readonly declarations: UnitDeclarations,
    readonly table: TypeTable,
    readonly model: DataModel,
    readonly timings: Timings,
  ) {}

  static build(config: TreeConfig, fileSystem: FileSystem, parser: CParser, main: { path: string; text?: string }, opts: UnitOptions): TranslationUnit {
    const ks = kbuildCompileSettings(config);
    const defines = new Map([...predefinedMacros(config.arch), ...ks.defines]);
    const t0 = performance.now();
    const fsys: FileSystem = { read: (f) => config.virtualFiles.get(f) ?? fileSystem.read(f) };
    const pp = new Preprocessor({
      includeDirs: ks.includeDirs, implicitIncludes: ks.implicitIncludes, defines, fileSystem: fsys,
      hasAttribute, hasBuiltin, elideFunctionBodies: opts.elideFunctionBodies, keepFunctionBodiesIn: opts.keepBodiesIn,
      headerMemo: opts.headerMemo,
    }, main.path).run(main);
    const t1 = performance.now();
    return TranslationUnit.fromPreprocessed(config, parser, main.path, pp, opts.parses, t1 - t0);
  }

  private static fromPreprocessed(config: TreeConfig, parser: CParser, main: string, pp: PreprocessResult, parses: DeclarationParses | undefined, preprocessMs: number, inherited?: Map<string, ReusableRecord>): TranslationUnit {
    const t0 = performance.now();
    const model = dataModel(config.arch);
    const declarations = new UnitDeclarations(pp.declarations, pp.source, parser, parses);
    // Snippet trees live as long as the unit: their nodes are read lazily, and wasm memory is freed in dispose().
    const snippets: Tree[] = [];
    const snippet = (text: string): Node | undefined => {
      const t = parser.parse(`int __ol_snippet = ${text};`);
      snippets.push(t);
      const init = t.rootNode.descendantsOfType('init_declarator')[0];
      const v = init?.childForFieldName('value');
      if (!v) return undefined;
      // __OL_EXPR__(x) wraps a plain expression
      if (v.type === 'call_expression' && v.childForFieldName('function')?.text === '__OL_EXPR__') {
        return v.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
      }
      return v;
    };
    const describe = (o: number) => { const p = pp.originAt(o); return p ? `${p.file}:${p.line}` : `offset ${o} of the expanded text`; };
    const table = new TypeTable(declarations, model, snippet, (o) => pp.packAt(o), describe, inherited);
    setLayoutOptions(table, { randstruct: isEnabled(config.kconfig, 'CONFIG_RANDSTRUCT') });
    const unit = new TranslationUnit(config, parser, main, pp, declarations, table, model, { preprocessMs, indexMs: performance.now() - t0 });
    unit.snippets = snippets;
    // array bounds the plain evaluator cannot read are read with types (neighbour.ha's ALIGN(), edac's sizeof(" or "))
    table.arraySizeFallback = (size) => typedArraySize(unit.scopes, size);
    return unit;
  }

  /**
   * This unit after `file` changed to `text`: the preprocessor re-runs the
   * changed declarations, and only declarations whose text changed are
   * parsed again. Undefined when a full rebuild is needed (then this unit
   * must be disposed: its preprocessor state has moved on).
   */
  update(file: string, text: string, parses?: DeclarationParses): TranslationUnit | undefined {
    const t0 = performance.now();
    const r = this.pp.update(file, text);
    if ('reason' in r) { this.whyNotIncremental = r.reason; return undefined; }
    if (r === this.pp) return this;
    const next = TranslationUnit.fromPreprocessed(this.config, this.parser, this.main, r, parses, performance.now() - t0, this.table.reusableRecords(layoutLookups));
    // The re-run's declarations replaced old ones one for one in the usual edit: their trees are edited, not rebuilt.
    const rep = r.replaced;
    if (rep) {
      next.table.inheritIndex(this.table, rep.decl, rep.oldDeclEnd, rep.newDeclEnd);
      next.inheritDeclarationsFrom(this, rep);
      for (let k = 0; rep.decl + k < rep.oldDeclEnd && rep.decl + k < rep.newDeclEnd; k++) {
        const old = this.declarations.parsedAt(rep.decl + k);
        if (old) next.declarations.succeed(rep.decl + k, old);
      }
    }
    return next;
  }

  /** Why the last update() needed a full rebuild. */
  whyNotIncremental: string | undefined;

  private snippets: Tree[] = [];
  private disposed = false;

  /**
   * Frees the parse trees (web-tree-sitter keeps them in wasm memory until
   * deleted), and a replayed unit's origin buffers and macro table go to the next unit of the
   * thread (a unit that can be updated keeps them: its update shares them).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.declarations.dispose();
    for (const t of this.snippets) t.delete();
    this.snippets = [];
    this.pp.releaseBuffers();
  }

  /** Where the text at `offset` was written (arguments at their own line, macro bodies at the invocation). */
  position(offset: number): SourcePosition | undefined {
    const o = this.pp.originAt(offset);
    return o ? { file: o.file, line: o.line, column: o.column } : undefined;
  }

  /** The unit's syntax for the checks: nodes by offset, top-level declarations. */
  get syntax(): UnitSyntax {
    return (this.syntaxView ??= unitSyntax(this.declarations));
  }

  private syntaxView?: UnitSyntax;

  /** Names in scope at an offset, read once per unit for the array bounds its layouts need and for its asserts. */
  get scopes(): UnitScopes {
    return (this.scopesView ??= new UnitScopes(this.pp.source ?? this.pp.text, this.syntax, this.table));
  }

  private scopesView?: UnitScopes;

  /** Structs and unions defined (maybe) in text that came from `file`, without parsing the unit's other declarations. */
  recordNamesFrom(file: string): string[] {
    return this.table.recordNamesIn(this.declarationsFrom(file));
  }

  private fromFile = new Map<string, Set<number>>();

  /** Declarations holding at least one token written in `file` (its own text or a macro invoked there). */
  declarationsFrom(file: string): Set<number> {
    let set = this.fromFile.get(file);
    if (set) return set;
    set = new Set();
    const fid = this.pp.fileIndexOf(file);
    if (fid !== undefined) this.addDeclarationsFrom(set, fid, 0, this.pp.declarations.starts.length);
    this.fromFile.set(file, set);
    return set;
  }

  /** Adds to `set` the declarations among [from, to) holding a token of file number `fid`, in order. */
  private addDeclarationsFrom(set: Set<number>, fid: number, from: number, to: number): void {
    if (from >= to) return;
    const { starts: tokStarts, files } = this.pp.arrays();
    const { starts, ends } = this.pp.declarations;
    // the first token at or after the range's start
    let lo = 0, hi = tokStarts.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (tokStarts[mid] < starts[from]) lo = mid + 1; else hi = mid; }
    const stop = ends[to - 1];
    let d = from;
    for (let k = lo; k < tokStarts.length && tokStarts[k] < stop; k++) {
      if (files[k] !== fid) continue;
      const at = tokStarts[k];
      while (d < to && ends[d] <= at) d++;
      if (d < to && starts[d] <= at) set.add(d);
    }
  }

  /**
   * After an edit whose re-run replaced declarations [decl, oldDeclEnd) of `old` by [decl, newDeclEnd)
   * of this unit: the sets declarationsFrom() made for `old`, moved, with only the new declarations'
   * tokens scanned (the scan of a whole unit's tokens was ~0.4 ms of every keystroke's check).
   */
  private inheritDeclarationsFrom(old: TranslationUnit, rep: { decl: number; oldDeclEnd: number; newDeclEnd: number }): void {
    for (const [file, before] of old.fromFile) {
      const fid = this.pp.fileIndexOf(file);
      if (fid === undefined) continue;
      const mine = new Set<number>();
      this.addDeclarationsFrom(mine, fid, rep.decl, rep.newDeclEnd);
      this.fromFile.set(file, new Set(renumbered(before, rep.decl, rep.oldDeclEnd, rep.newDeclEnd, mine)));
    }
  }

  /** Where a declaration's node was written. */
  positionOf(node: Node): SourcePosition | undefined {
    return this.position(this.table.offsetOf(node));
  }

  layout(name: string, kind: 'struct' | 'union' = 'struct'): RecordLayout | { reason: string } {
    const rec = this.table.record(name);
    if (!rec || rec.kind !== kind) return { reason: `${kind} ${name} is not defined in this translation unit` };
    return layoutRecord(rec, this.table);
  }
}
