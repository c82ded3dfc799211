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
const RESPELL = new Map([['__signed__', 'signed'], ['__signed', 'signed'], ['__const__', 'const'], ['__const', 'const'], ['__volatile__', 'volatile'], ['__volatile', 'volatile']]);
const ATTRIBUTE = new Set(['__attribute__', '__attribute']);

const HOLE_PREFIX: Record<HoleKind, string> = { typeof: '__olT', offsetof: '__olO', compat: '__olC', alignof: '__olA', default: '__olD' };

const isWord = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;

/** The first comma of [from, to) outside parentheses, brackets, braces and literals. */
function topLevelComma(text: string, from: number, to: number): number {
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

export function prepareSnippet(src: string): Prepared {
  const chars = src.split('');
  const holes: Hole[] = [];
  /** writes `s` over [a, b), padded with `pad` */
  const fill = (a: number, b: number, s: string, pad: string) => { for (let i = a; i < b; i++) chars[i] = i - a < s.length ? s[i - a] : pad; };
  const blank = (a: number, b: number) => { for (let i = a; i < b; i++) if (chars[i] !== '\n') chars[i] = ' '; };
  const openAfter = (p: number) => { while (p < src.length && /\s/.test(src[p])) p++; return src[p] === '(' ? p : -1; };
  const hole = (kind: HoleKind, start: number, end: number, args: Array<[number, number]>) => {
    holes.push({ kind, start, end, args });
    fill(start, end, HOLE_PREFIX[kind], '_');
  };
  const n = src.length;
  for (let i = 0; i < n;) {
    const c = src.charCodeAt(i);
    if (c === 34 || c === 39) {
      for (i++; i < n && src.charCodeAt(i) !== c; i++) if (src.charCodeAt(i) === 92) i++;
      i++;
      continue;
    }
    if (!isWord(c)) { i++; continue; }
    const start = i;
    while (i < n && isWord(src.charCodeAt(i))) i++;
    const word = src.slice(start, i);
    if (BLANK.has(word)) { blank(start, i); continue; }
    const respelled = RESPELL.get(word);
    if (respelled) { fill(start, i, respelled, ' '); continue; }
    const isTypeof = TYPEOF.has(word), isAlign = ALIGNOF.has(word), isOffset = OFFSETOF.has(word);
    const isCompat = word === '__builtin_types_compatible_p', isAttr = ATTRIBUTE.has(word), isGeneric = word === '_Generic';
    if (!isTypeof && !isAlign && !isOffset && !isCompat && !isAttr && !isGeneric) continue;
    const open = openAfter(i);
    const close = open < 0 ? -1 : matchParen(src, open);
    if (close < 0) continue;
    if (isAttr) { blank(start, close); i = close; continue; }
    if (isGeneric) {
      // associations are `type: expr` after each top-level comma; `default` is no type to tree-sitter
      for (let p = topLevelComma(src, open + 1, close - 1); p >= 0; p = topLevelComma(src, p + 1, close - 1)) {
        const m = /^\s*default\s*:/.exec(src.slice(p + 1, close - 1));
        if (m) { const at = p + 1 + m[0].indexOf('default'); hole('default', at, at + 7, []); }
      }
      // the operands are read with the rest of the snippet
      i = open + 1;
      continue;
    }
    const inner: [number, number] = [open + 1, close - 1];
    if (isTypeof) hole('typeof', start, close, [inner]);
    else if (isAlign) hole('alignof', start, close, [inner]);
    else {
      const comma = topLevelComma(src, inner[0], inner[1]);
      if (comma < 0) continue;
      hole(isOffset ? 'offsetof' : 'compat', start, close, [[inner[0], comma], [comma + 1, inner[1]]]);
    }
    i = close;
  }
  return { text: chars.join(''), holes };
}
