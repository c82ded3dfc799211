// The parse → types → layout pipeline behind one door, for callers that hold
// expanded C text (our preprocessor's output or `gcc -E`) and want layouts:
//
//   const parser = await CParser.create();
//   const table = buildTypeTable(parser, expandedText, dataModel('x86_64'), { randstruct: false });
//   const page = layoutOf(table, 'struct page');      // RecordLayout | { reason }
//   if (!('reason' in page)) { toJson(page); toPahole(page); toView(table, page, position); }
//   disposeTypeTable(table);                          // wasm memory is not garbage-collected
//
// The table is lazy: building it only splits the text into top-level
// declarations; a declaration is parsed, and a struct resolved and laid
// out, when asked for, and the layout is memoised.
// TranslationUnit (../project/translation-unit.ts) does the same with the
// project's preprocessor, #pragma pack and snippet parsing wired in.
import type { Node, Tree } from 'web-tree-sitter';
import type { SourcePosition, StructView } from '../checks/layout-view';
import type { DataModel } from '../abi/data-models';
import type { CParser } from '../parse/c-parser';
import { UnitDeclarations } from '../parse/declaration-parses';
import { splitDeclarations } from '../parse/declarations';
import { TypeTable } from '../types/type-table';
import { flatten, FlatLayout, pahole, structView } from './presenters';
import { layoutRecord, LayoutOptions, RecordLayout, setLayoutOptions } from './record-layout';

export type { FlatLayout, RecordLayout, LayoutOptions };

/** Splits expanded C text (GNU syntax intact) into declarations, parsed when a layout needs them. */
export function buildTypeTable(parser: CParser, expanded: string, model: DataModel, opts: LayoutOptions = {}): TypeTable {
  const declarations = new UnitDeclarations(splitDeclarations(expanded), expanded, parser);
  // attribute and array-size arguments such as sizeof(unsigned long) name types: parse them on the side
  const snippets: Tree[] = [];
  const typeName = (text: string): Node | undefined => {
    const t = parser.parse(`int __ol_snippet = ${text};`);
    snippets.push(t);
    const v = t.rootNode.descendantsOfType('init_declarator')[0]?.childForFieldName('value');
    if (!v) return undefined;
    if (v.type === 'call_expression' && v.childForFieldName('function')?.text === '__OL_EXPR__') {
      return v.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
    }
    return v;
  };
  const table = new TypeTable(declarations, model, typeName);
  setLayoutOptions(table, opts);
  owned.set(table, { declarations, snippets });
  return table;
}

const owned = new WeakMap<TypeTable, { declarations: UnitDeclarations; snippets: Tree[] }>();

/** Frees the table's parse trees (wasm memory); layouts taken from it must not be used afterwards. */
export function disposeTypeTable(table: TypeTable): void {
  const o = owned.get(table);
  if (!o) return;
  o.declarations.dispose();
  for (const t of o.snippets) t.delete();
  owned.delete(table);
}

/** `'struct page'`, `'union foo'` or a bare tag (struct or union, whichever is defined). */
export function layoutOf(table: TypeTable, name: string): RecordLayout | { reason: string } {
  const m = /^\s*(?:(struct|union)\s+)?([A-Za-z_]\w*)\s*$/.exec(name);
  if (!m) return { reason: `not a struct or union name: ${name}` };
  const rec = table.record(m[2]);
  if (!rec) return { reason: `${m[1] ?? 'struct/union'} ${m[2]} is not defined in this text` };
  if (m[1] && rec.kind !== m[1]) return { reason: `${m[2]} is a ${rec.kind}, not a ${m[1]}` };
  return layoutRecord(rec, table);
}

/** The JSON shape btf-layouts.py writes from BTF: {kind,size,align,members:[{path,offset_bits,bitfield,size,type}]} or {error}. */
export function toJson(l: RecordLayout | { reason: string }): FlatLayout | { error: string } {
  return 'reason' in l ? { error: l.reason } : flatten(l);
}

/** pahole -C text, diffable against pahole's own output. */
export function toPahole(l: RecordLayout): string {
  return pahole(l);
}

/** Member tree for the editor; `position` maps an offset in the expanded text to the source (origin map). */
export function toView(table: TypeTable, l: RecordLayout, position?: (offset: number) => SourcePosition | undefined): StructView {
  return structView(l, position && ((n) => position(table.offsetOf(n))));
}
