// The top-level declarations of expanded C: where each one starts and ends,
// and the names it may define. A translation unit's text is split here and
// parsed one declaration at a time, on demand: struct page needs a few dozen
// of the ~20 000 declarations in its closure, and a declaration whose text
// did not change (after an edit, or in the next unit) keeps its parse.
//
// The splitter is fed tokens (the preprocessor's output as it is written, or
// a lexed text). It only has to be right about boundaries and generous about
// names: a name listed here is a candidate that the type table confirms on
// the parse tree, so an extra candidate costs a parse, never a wrong answer.
import { lex, TokKind } from '../preprocess/lexer';

export const enum NameKind {
  Struct = 1,
  Union = 2,
  Enum = 3,
  Enumerator = 4,
  /** an identifier at file scope of a typedef declaration (the declared name among them) */
  Typedef = 5,
}

export const enum DeclKind {
  Other = 0,
  Typedef = 1,
  /** a function definition (its body, elided or not, ends it) */
  Function = 2,
}

/** Declarations in text order: [starts[i], ends[i]) is the i-th one's text, first token to last. */
export interface DeclarationList {
  starts: number[];
  ends: number[];
  /** what each declaration is, as far as its tokens tell */
  declKinds: DeclKind[];
  /** names the declarations may define: names[k] of kind kinds[k] in declaration decls[k] */
  names: string[];
  kinds: NameKind[];
  decls: number[];
}

export function emptyDeclarationList(): DeclarationList {
  return { starts: [], ends: [], declKinds: [], names: [], kinds: [], decls: [] };
}

const NOT_NAMES = new Set([
  'typedef', 'struct', 'union', 'enum', 'const', 'volatile', 'restrict', '__restrict', '__restrict__', '_Atomic', 'unsigned', 'signed',
  '__signed__', 'short', 'long', 'int', 'char', 'void', 'float', 'double', '_Bool', '__int128', 'typeof', '__typeof__', '__typeof',
  '__extension__', 'static', 'extern', 'inline', '__inline', '__inline__', '__const', '__const__', '__volatile__', '_Alignas', 'sizeof',
]);

/** The index of the first name of `list` in declaration `decl` or a later one (names are in declaration order). */
export function firstNameOf(list: DeclarationList, decl: number): number {
  const d = list.decls;
  let lo = 0, hi = d.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (d[mid] < decl) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Consumes tokens with their text offsets and builds a DeclarationList. */
export class DeclarationSplitter {
  list: DeclarationList = emptyDeclarationList();
  private depth = 0;
  private paren = 0;
  private inDecl = false;
  private declStart = 0;
  private lastEnd = 0;
  private inFunction = false;
  private prevSignificant = '';
  private sawFirst = false;
  private typedefDecl = false;
  // __attribute__((...)) and asm(...) groups are skipped: `) __attribute__((x)) {` still opens a function body
  private skipGroup = false;
  private groupParens = 0;
  private tagKeyword: NameKind | 0 = 0;
  private tagName: string | null = null;
  private enumBodyDepth = -1;
  private expectEnumerator = false;

  /** True between declarations: nothing of the next one has been seen. */
  get atBoundary(): boolean {
    return !this.inDecl;
  }

  get count(): number {
    return this.base + this.list.ends.length;
  }

  /** Declarations before this splitter's first (a re-run's list holds only its own, numbered as in the whole unit). */
  private base = 0;

  /** A splitter whose first declaration is the unit's `count`-th (an incremental re-run; its list is spliced in after). */
  static startingAt(count: number): DeclarationSplitter {
    const s = new DeclarationSplitter();
    s.base = count;
    return s;
  }

  /** Declarations split before (a replayed header inclusion, header-memo.ts), moved to `offset`; only between declarations. */
  append(starts: number[], ends: number[], declKinds: number[], names: string[], kinds: number[], decls: number[], offset: number): void {
    const l = this.list;
    const d0 = this.count;
    for (let k = 0; k < starts.length; k++) { l.starts.push(starts[k] + offset); l.ends.push(ends[k] + offset); l.declKinds.push(declKinds[k]); }
    for (let k = 0; k < names.length; k++) { l.names.push(names[k]); l.kinds.push(kinds[k]); l.decls.push(decls[k] + d0); }
    if (ends.length) this.lastEnd = ends[ends.length - 1] + offset;
  }

  token(kind: TokKind, text: string, start: number): void {
    const end = start + text.length;
    if (!this.inDecl) { this.inDecl = true; this.declStart = start; }
    this.lastEnd = end;
    if (this.skipGroup) {
      if (text === '(') { this.groupParens++; return; }
      if (this.groupParens > 0) {
        if (text === ')' && --this.groupParens === 0) this.skipGroup = false;
        return;
      }
      if (text === 'volatile' || text === '__volatile__' || text === 'goto' || text === 'inline') return; // asm volatile goto (...)
      this.skipGroup = false; // the keyword came without its parentheses
    }
    if (kind === TokKind.Ident) {
      if (text === '__attribute__' || text === '__attribute' || text === 'asm' || text === '__asm__' || text === '__asm') {
        this.skipGroup = true;
        this.groupParens = 0;
        return;
      }
      if (!this.sawFirst && text !== '__extension__') { this.sawFirst = true; this.typedefDecl = text === 'typedef'; }
      if (this.inFunction) return;
      if (this.expectEnumerator && this.depth === this.enumBodyDepth && this.paren === 0) {
        this.add(text, NameKind.Enumerator);
        this.expectEnumerator = false;
      }
      if (text === 'struct') { this.tagKeyword = NameKind.Struct; this.tagName = null; }
      else if (text === 'union') { this.tagKeyword = NameKind.Union; this.tagName = null; }
      else if (text === 'enum') { this.tagKeyword = NameKind.Enum; this.tagName = null; }
      else if (this.tagKeyword && this.tagName === null) this.tagName = text;
      else { this.tagKeyword = 0; this.tagName = null; }
      if (this.typedefDecl && this.depth === 0 && !NOT_NAMES.has(text)) this.add(text, NameKind.Typedef);
      if (this.depth === 0) this.prevSignificant = text;
      return;
    }
    if (!this.sawFirst) this.sawFirst = true;
    switch (text) {
      case '{': {
        if (this.depth === 0 && this.paren === 0 && this.prevSignificant === ')') this.inFunction = true;
        else if (!this.inFunction) {
          if (this.tagKeyword && this.tagName !== null) this.add(this.tagName, this.tagKeyword);
          if (this.tagKeyword === NameKind.Enum) { this.enumBodyDepth = this.depth + 1; this.expectEnumerator = true; }
        }
        this.tagKeyword = 0; this.tagName = null;
        this.depth++;
        break;
      }
      case '}':
        if (this.depth > 0) this.depth--;
        if (this.enumBodyDepth === this.depth + 1) { this.enumBodyDepth = -1; this.expectEnumerator = false; }
        this.tagKeyword = 0; this.tagName = null;
        if (this.depth === 0 && this.inFunction) { this.end(DeclKind.Function); return; }
        break;
      case ';':
        this.tagKeyword = 0; this.tagName = null;
        if (this.depth === 0 && this.paren === 0) { this.end(); return; }
        break;
      case '(': this.paren++; this.tagKeyword = 0; this.tagName = null; break;
      case ')': if (this.paren > 0) this.paren--; break;
      case ',':
        if (this.depth === this.enumBodyDepth && this.paren === 0) this.expectEnumerator = true;
        this.tagKeyword = 0; this.tagName = null;
        break;
      default:
        this.tagKeyword = 0; this.tagName = null;
    }
    if (this.depth === 0) this.prevSignificant = text;
  }

  /** Ends a declaration left open at the end of the text. */
  finish(): DeclarationList {
    if (this.inDecl) this.end();
    return this.list;
  }

  private add(name: string, kind: NameKind): void {
    const l = this.list;
    l.names.push(name);
    l.kinds.push(kind);
    l.decls.push(this.base + l.ends.length);
  }

  private end(kind: DeclKind = this.typedefDecl ? DeclKind.Typedef : DeclKind.Other): void {
    this.list.starts.push(this.declStart);
    this.list.ends.push(this.lastEnd);
    this.list.declKinds.push(kind);
    this.inDecl = false;
    this.depth = 0; this.paren = 0;
    this.inFunction = false;
    this.prevSignificant = '';
    this.sawFirst = false;
    this.typedefDecl = false;
    this.skipGroup = false;
    this.tagKeyword = 0; this.tagName = null;
    this.enumBodyDepth = -1; this.expectEnumerator = false;
  }
}

/**
 * Declaration numbers of a list after an edit replaced its declarations [decl, oldEnd) by [decl, newEnd):
 * the old ones before the edit, the edit's own (`replaced`, numbered in the new list), the old ones after it
 * moved by the change in count. In order when both inputs are.
 */
export function renumbered(old: Iterable<number>, decl: number, oldEnd: number, newEnd: number, replaced: Iterable<number>): number[] {
  const out: number[] = [];
  for (const d of old) if (d < decl) out.push(d);
  for (const d of replaced) out.push(d);
  const shift = newEnd - oldEnd;
  for (const d of old) if (d >= oldEnd) out.push(d + shift);
  return out;
}

/** Splits C text that did not come from our preprocessor (gcc -E output, a snippet). */
export function splitDeclarations(text: string): DeclarationList {
  const s = new DeclarationSplitter();
  // Offsets from the lexer's line/column: a running line-start table maps them back.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let lineStart = true;
  let marker = false;
  for (const t of lex(text, 0).tokens) {
    if (t.kind === TokKind.Newline) { lineStart = true; marker = false; continue; }
    // gcc -E line markers (# 1 "file") are not C
    if (lineStart && t.text === '#') marker = true;
    lineStart = false;
    if (marker) continue;
    s.token(t.kind, t.text, lineStarts[t.line - 1] + t.col - 1);
  }
  return s.finish();
}
