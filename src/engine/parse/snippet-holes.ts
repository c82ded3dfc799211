// GNU forms in a snippet of expanded C (an assert condition, a declaration,
// a function) that tree-sitter-c cannot read, cut out by position before it
// parses the snippet: typeof(...) in type positions, __builtin_offsetof with
// a nested designator, __builtin_types_compatible_p's type arguments,
// _Alignof of an expression, _Generic's `default`. Each becomes one
// identifier of exactly the same length (a "hole"), so every offset tree-sitter
// reports is still an offset of the original text, and the converter
// (eval/c-reader.ts) reads the cut-out operands with parses of their own.
// Attributes and spellings tree-sitter does not know are blanked or
// respelled in place, as parse/gnu-extensions.ts does for whole declarations.
import { matchParen } from '../checks/assert-sites';

export type HoleKind =
  /** typeof(X) / __typeof__(X) / typeof_unqual(X): a type name; X is a type or an expression */
  | 'typeof'
  /** __builtin_offsetof(T, designator) / offsetof(T, designator): an expression */
  | 'offsetof'
  /** __builtin_types_compatible_p(A, B): an expression */
  | 'compat'
  /** _Alignof(X) / __alignof__(X): an expression; X is a type or an expression */
  | 'alignof'
  /** `default` of a _Generic association: a type name that matches last */
  | 'default';

export interface Hole {
  kind: HoleKind;
  /** the span the identifier replaces, offsets of the snippet */
  start: number;
  end: number;
  /** operand spans: one for typeof/alignof, two for offsetof (type, designator) and compat */
  args: Array<[number, number]>;
}

export interface Prepared {
  /** the text tree-sitter parses: same length, holes as identifiers */
  text: string;
  holes: Hole[];
}

const TYPEOF = new Set(['typeof', '__typeof__', '__typeof', 'typeof_unqual', '__typeof_unqual__']);
const ALIGNOF = new Set(['_Alignof', '__alignof__', '__alignof', 'alignof']);
const OFFSETOF = new Set(['__builtin_offsetof', 'offsetof']);
/** annotations with no meaning for types or values here, which tree-sitter would read as names */
const BLANK = new Set(['__extension__', '__restrict', '__seg_gs', '__seg_fs', '__label__']);
// `__inline` also qualifies asm (the kernel's asm_inline), where the grammar only knows `inline`
const RESPELL = new Map([['__signed__', 'signed'], ['__signed', 'signed'], ['__const__', 'const'], ['__const', 'const'], ['__volatile__', 'volatile'], ['__volatile', 'volatile'], ['__inline__', 'inline'], ['__inline', 'inline']]);
const ATTRIBUTE = new Set(['__attribute__', '__attribute']);

const HOLE_PREFIX: Record<HoleKind, string> = { typeof: '__olT', offsetof: '__olO', compat: '__olC', alignof: '__olA', default: '__olD' };

/** The first comma of [from, to) outside parentheses, brackets, braces and literals. */
export function topLevelComma(text: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '"' || c === "'") { for (i++; i < to && text[i] !== c; i++) if (text[i] === '\\') i++; }
    else if (c === ',' && depth === 0) return i;
  }
  return -1;
}

/** A string or character literal (skipped: a message may spell anything), or a word this file acts on. */
const SCAN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\b(typeof|__typeof__|__typeof|typeof_unqual|__typeof_unqual__|_Alignof|__alignof__|__alignof|alignof|__builtin_offsetof|offsetof|__builtin_types_compatible_p|_Generic|__attribute__|__attribute|__extension__|__restrict|__seg_gs|__seg_fs|__label__|__signed__|__signed|__const__|__const|__volatile__|__volatile|__inline__|__inline)\b/g;

export function prepareSnippet(src: string): Prepared {
  const holes: Hole[] = [];
  /** replacements in text order: [start, end, text of the same length] */
  const edits: Array<[number, number, string]> = [];
  const pad = (s: string, n: number, c: string) => s + c.repeat(n - s.length);
  const hole = (kind: HoleKind, start: number, end: number, args: Array<[number, number]>) => {
    holes.push({ kind, start, end, args });
    edits.push([start, end, pad(HOLE_PREFIX[kind], end - start, '_')]);
  };
  const openAfter = (p: number) => { while (p < src.length && /\s/.test(src[p])) p++; return src[p] === '(' ? p : -1; };
  SCAN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCAN.exec(src))) {
    const word = m[1];
    if (!word) continue;
    const start = m.index, i = start + word.length;
    if (BLANK.has(word)) { edits.push([start, i, ' '.repeat(word.length)]); continue; }
    const respelled = RESPELL.get(word);
    if (respelled) { edits.push([start, i, pad(respelled, word.length, ' ')]); continue; }
    const open = openAfter(i);
    const close = open < 0 ? -1 : matchParen(src, open);
    if (close < 0) continue;
    if (ATTRIBUTE.has(word)) {
      edits.push([start, close, src.slice(start, close).replace(/[^\n]/g, ' ')]);
      SCAN.lastIndex = close;
      continue;
    }
    if (word === '_Generic') {
      // associations are `type: expr` after each top-level comma; `default` is no type to tree-sitter
      for (let p = topLevelComma(src, open + 1, close - 1); p >= 0; p = topLevelComma(src, p + 1, close - 1)) {
        const d = /^\s*default\s*:/.exec(src.slice(p + 1, Math.min(close - 1, p + 40)));
        if (d) { const at = p + 1 + d[0].indexOf('default'); hole('default', at, at + 7, []); }
      }
      // the operands are read with the rest of the snippet; the holes above come in text order with what they find
      continue;
    }
    const inner: [number, number] = [open + 1, close - 1];
    if (TYPEOF.has(word)) hole('typeof', start, close, [inner]);
    else if (ALIGNOF.has(word)) hole('alignof', start, close, [inner]);
    else {
      const comma = topLevelComma(src, inner[0], inner[1]);
      if (comma < 0) continue;
      hole(OFFSETOF.has(word) ? 'offsetof' : 'compat', start, close, [[inner[0], comma], [comma + 1, inner[1]]]);
    }
    SCAN.lastIndex = close;
  }
  if (!edits.length) return { text: src, holes };
  edits.sort((x, y) => x[0] - y[0]);
  let text = '', at = 0;
  for (const [a, b, r] of edits) {
    if (a < at) continue;
    text += src.slice(at, a) + r;
    at = b;
  }
  return { text: text + src.slice(at), holes };
}
