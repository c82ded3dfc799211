// One translation unit through the whole front end: preprocess (kbuild's
// include path, implicit includes and the target's predefined macros), blank
// the GNU constructs tree-sitter-c does not take, parse, and index types.
import type { Node, Tree } from 'web-tree-sitter';
import { hasAttribute, hasBuiltin, predefinedMacros } from '../abi/compiler';
import { DataModel, dataModel } from '../abi/data-models';
import { SourcePosition } from '../checks/layout-view';
import { kbuildCompileSettings } from '../config/kbuild';
import { isEnabled } from '../config/kconfig';
import { TreeConfig } from '../config/tree-config';
import { blankGnuExtensions, Blanked } from '../parse/gnu-extensions';
import { CParser } from '../parse/c-parser';
import { FileSystem, PreprocessResult, Preprocessor } from '../preprocess/preprocessor';
import { layoutRecord, RecordLayout, setLayoutOptions } from '../layout/record-layout';
import { TypeTable } from '../types/type-table';

export interface Timings {
  preprocessMs: number;
  parseMs: number;
  indexMs: number;
}

export class TranslationUnit {
  private constructor(
    readonly main: string,
    readonly pp: PreprocessResult,
    readonly blanked: Blanked,
    readonly tree: Tree,
    readonly table: TypeTable,
    readonly model: DataModel,
    readonly timings: Timings,
  ) {}

  static build(config: TreeConfig, fileSystem: FileSystem, parser: CParser, main: { path: string; text?: string }, opts: { elideFunctionBodies: boolean; keepBodiesIn?: string[]; lexCache?: Map<string, { text: string; tokens: import('../preprocess/lexer').Token[] }> }): TranslationUnit {
    const ks = kbuildCompileSettings(config);
    const defines = new Map([...predefinedMacros(config.arch), ...ks.defines]);
    const t0 = performance.now();
    const fsys: FileSystem = { read: (f) => config.virtualFiles.get(f) ?? fileSystem.read(f) };
    const pp = new Preprocessor({
      includeDirs: ks.includeDirs, implicitIncludes: ks.implicitIncludes, defines, fileSystem: fsys,
      hasAttribute, hasBuiltin, elideFunctionBodies: opts.elideFunctionBodies, keepFunctionBodiesIn: opts.keepBodiesIn, lexCache: opts.lexCache,
    }, main.path).run(main);
    const t1 = performance.now();
    const blanked = blankGnuExtensions(pp.text);
    const tree = parser.parse(blanked.text);
    const t2 = performance.now();
    const model = dataModel(config.arch);
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
    const table = new TypeTable(tree, blanked.text, model, blanked.attributes, snippet, (o) => pp.packAt(o));
    setLayoutOptions(table, { randstruct: isEnabled(config.kconfig, 'CONFIG_RANDSTRUCT') });
    const t3 = performance.now();
    const unit = new TranslationUnit(main.path, pp, blanked, tree, table, model, { preprocessMs: t1 - t0, parseMs: t2 - t1, indexMs: t3 - t2 });
    unit.snippets = snippets;
    return unit;
  }

  private snippets: Tree[] = [];
  private disposed = false;

  /** Frees the parse trees (web-tree-sitter keeps them in wasm memory until deleted). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tree.delete();
    for (const t of this.snippets) t.delete();
    this.snippets = [];
  }

  /** Where the text at `offset` was written (arguments at their own line, macro bodies at the invocation). */
  position(offset: number): SourcePosition | undefined {
    const o = this.pp.originAt(offset);
    return o ? { file: o.file, line: o.line, column: o.column } : undefined;
  }

  layout(name: string, kind: 'struct' | 'union' = 'struct'): RecordLayout | { reason: string } {
    const rec = this.table.record(name);
    if (!rec || rec.kind !== kind) return { reason: `${kind} ${name} is not defined in this translation unit` };
    return layoutRecord(rec, this.table);
  }
}
