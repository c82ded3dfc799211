// Preprocessing tokens (C11 6.4): one pass over a file's text, line splices
// and comments removed, every token keeping its line and column. The
// preprocessor lexes as it reads (Lexer); lex() makes a whole array.

export const enum TokKind {
  Ident = 1,
  Number,
  String,
  Char,
  Punct,
  Other,
  /** end of a logical line (directives end here) */
  Newline,
}

export interface Token {
  kind: TokKind;
  text: string;
  /** 1-based line and column in the file the token was spelled in */
  line: number;
  col: number;
  /** index into the preprocessor's file table */
  file: number;
  /** whitespace (or a comment) before the token on the same line */
  space: boolean;
  /** an identifier that must never be expanded again (C11 6.10.3.4p2, "painted blue") */
  noexpand: boolean;
  /** index of the outermost macro invocation this token came from, -1 for file text */
  exp: number;
  /** spelled in a macro body (so shown at the invocation, not where it was spelled) */
  body: boolean;
  /** a ## operator from a macro body */
  paste: boolean;
}

/** Tokens are copied on every expansion: one fixed shape keeps that fast. */
export function makeToken(kind: TokKind, text: string, line: number, col: number, file: number, space: boolean, noexpand: boolean, exp: number, body: boolean, paste: boolean): Token {
  return { kind, text, line, col, file, space, noexpand, exp, body, paste };
}

export function copyToken(t: Token, exp: number, space: boolean, body: boolean): Token {
  return { kind: t.kind, text: t.text, line: t.line, col: t.col, file: t.file, space, noexpand: t.noexpand, exp, body, paste: t.paste };
}

export function retoken(t: Token, kind: TokKind, text: string, noexpand: boolean): Token {
  return { kind, text, line: t.line, col: t.col, file: t.file, space: t.space, noexpand, exp: t.exp, body: t.body, paste: false };
}


function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export interface LexResult {
  tokens: Token[];
  /** problems worth a diagnostic: unterminated comment/literal, NUL bytes */
  problems: LexProblem[];
}

export interface LexProblem {
  line: number;
  col: number;
  message: string;
}

/**
 * Identifier spellings, one string per distinct name across every file and
 * run: no slice per identifier token, and the macro table's lookups reuse the
 * hash each string caches.
 */
class NameTable {
  private keys: Array<string | undefined> = new Array(1 << 16);
  private hashes = new Int32Array(1 << 16);
  private count = 0;

  intern(text: string, start: number, end: number, hash: number): string {
    const keys = this.keys;
    const mask = keys.length - 1;
    const len = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) {
        const s = text.slice(start, end);
        keys[i] = s;
        this.hashes[i] = hash;
        if (++this.count * 2 > keys.length) this.grow();
        return s;
      }
      if (this.hashes[i] === hash && k.length === len && text.startsWith(k, start)) return k;
    }
  }

  private grow(): void {
    const oldKeys = this.keys, oldHashes = this.hashes;
    this.keys = new Array(oldKeys.length * 2);
    this.hashes = new Int32Array(oldKeys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === undefined) continue;
      let i = oldHashes[j] & mask;
      while (this.keys[i] !== undefined) i = (i + 1) & mask;
      this.keys[i] = k;
      this.hashes[i] = oldHashes[j];
    }
  }
}

const NAMES = new NameTable();

/** Single-character punctuators share one string each. */
const ONE_CHAR: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/**
 * Tokens of one text, one at a time: a Newline token ends each logical line
 * (a line splice continues it; a comment spanning lines does too), and one
 * more ends the text if it does not end with a newline. The preprocessor
 * lexes as it reads and keeps no token arrays: tokens of file text die
 * young, and lines it skips (false #if groups, elided function bodies) are
 * stepped over without making tokens at all.
 */
export class Lexer {
  /** offset of the next character */
  i: number;
  /** physical line of `i`, and the offset that line starts at */
  line: number;
  lineStart: number;
  readonly problems: LexProblem[] = [];
  private space = false;
  private lastWasNewline = true;
  private ended = false;

  constructor(readonly text: string, readonly file: number, start = 0, line = 1) {
    this.i = start;
    this.line = line;
    this.lineStart = start;
  }

  /** True between logical lines: the next token starts one. */
  get atLineStart(): boolean {
    return this.lastWasNewline;
  }

  next(): Token | undefined {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    for (;;) {
      if (i >= n) {
        this.i = i;
        if (this.lastWasNewline || this.ended) { this.ended = true; return undefined; }
        this.ended = true;
        this.lastWasNewline = true;
        return makeToken(TokKind.Newline, '\n', this.line, i - this.lineStart + 1, this.file, false, false, -1, false, false);
      }
      const c = text.charCodeAt(i);
      if (c === 10) {
        const t = makeToken(TokKind.Newline, '\n', this.line, i - this.lineStart + 1, this.file, false, false, -1, false, false);
        i++; this.line++; this.lineStart = i; this.space = false;
        this.i = i;
        this.lastWasNewline = true;
        return t;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; this.space = true; continue; }
      // A line splice joins two physical lines into one logical line: no Newline token.
      if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
        i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
        this.line++; this.lineStart = i;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 42) { i = this.blockComment(i); this.space = true; continue; }
      if (c === 47 && text.charCodeAt(i + 1) === 47) { // //
        while (i < n && text.charCodeAt(i) !== 10) i++;
        this.space = true;
        continue;
      }
      const start = i;
      let kind: TokKind;
      if (isIdStart(c)) {
        let h = c;
        i++;
        for (let d = text.charCodeAt(i); i < n && isIdChar(d); d = text.charCodeAt(++i)) h = (Math.imul(h, 31) + d) | 0;
        if (prefixesLiteral(text, start, i)) {
          const q = text.charCodeAt(i);
          i = literalEnd(text, i, q);
          kind = q === 34 ? TokKind.String : TokKind.Char;
        } else {
          const t = makeToken(TokKind.Ident, NAMES.intern(text, start, i, h), this.line, start - this.lineStart + 1, this.file, this.space, false, -1, false, false);
          this.space = false;
          this.i = i;
          this.lastWasNewline = false;
          return t;
        }
      } else if (startsNumber(text, i, c)) {
        i = ppNumberEnd(text, i);
        kind = TokKind.Number;
      } else if (c === 34 || c === 39) {
        i = this.literal(i, c);
        kind = c === 34 ? TokKind.String : TokKind.Char;
      } else if (c === 0) {
        this.problem(i, 'NUL byte in source (binary file?)');
        i++;
        continue;
      } else {
        i += punctuatorLength(text, i, c);
        kind = i - start === 1 && !PUNCT1[c] ? TokKind.Other : TokKind.Punct;
      }
      const t = makeToken(kind, i - start === 1 && c < 128 ? ONE_CHAR[c] : text.slice(start, i), this.line, start - this.lineStart + 1, this.file, this.space, false, -1, false, false);
      this.space = false;
      this.i = i;
      this.lastWasNewline = false;
      return t;
    }
  }

  /**
   * Steps over the rest of the current logical line without making tokens
   * (a false #if group), up to and past its end. Comments and literals are
   * stepped over whole, so a `/*` in the line still hides what it hides.
   */
  skipLine(): void {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) { i++; this.line++; this.lineStart = i; break; }
      const j = this.spliceOrComment(i, c);
      if (j !== i) { i = j; continue; }
      if (c === 34 || c === 39) { i = Math.min(literalEnd(text, i, c), n); continue; }
      i++;
    }
    this.i = i;
    this.space = false;
    this.lastWasNewline = true;
    if (i >= n) this.ended = true;
  }

  /**
   * Inside a function body being elided: steps over text, counting braces
   * in `depth`, until the brace that closes the body (left unread: the next
   * token), a directive line (left unread), or the end. Nothing inside a
   * body is expanded, so nothing there needs a token.
   */
  skipBody(depth: { value: number }): void {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    let lineStart = this.lastWasNewline;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) { i++; this.line++; this.lineStart = i; lineStart = true; continue; }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
      const j = this.spliceOrComment(i, c);
      if (j !== i) { i = j; continue; }
      if (lineStart && (c === 35 || (c === 37 && text.charCodeAt(i + 1) === 58))) break; // # or %: opens a directive
      lineStart = false;
      if (c === 34 || c === 39) { i = Math.min(literalEnd(text, i, c), n); continue; }
      if (c === 123) depth.value++;
      else if (c === 125) {
        if (depth.value <= 1) break;
        depth.value--;
      } else if (isIdStart(c)) {
        // skip whole identifiers and numbers: u8'x' and the like stay literals
        i = identifierEnd(text, i);
        continue;
      } else if (isDigit(c)) {
        i++;
        while (i < n && (isIdChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46 || (text.charCodeAt(i) === 39 && isIdChar(text.charCodeAt(i + 1))))) i++;
        continue;
      }
      i++;
    }
    this.i = i;
    this.space = true;
    this.lastWasNewline = lineStart;
  }

  /**
   * Steps over the rest of the current logical line as next() would read it, making no tokens
   * (a #define's replacement list, lexed when the macro is first expanded), up to and past its
   * end; returns where the line's text ends (its newline, or the text's end). Unterminated
   * literals and NUL bytes are reported as next() reports them.
   */
  skipRestOfLine(): number {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    let end = n;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) { end = i; i++; this.line++; this.lineStart = i; break; }
      const j = this.spliceOrComment(i, c);
      if (j !== i) { i = j; continue; }
      if (c === 34 || c === 39) i = this.literal(i, c);
      // whole identifiers (L'x' and u8"x" stay literals: next() checks no prefixed one) and pp-numbers (1'000 holds no character literal)
      else if (isIdStart(c)) i = identifierEnd(text, i);
      else if (startsNumber(text, i, c)) i = ppNumberEnd(text, i);
      else {
        if (c === 0) this.problem(i, 'NUL byte in source (binary file?)');
        i++;
      }
    }
    this.i = i;
    this.space = false;
    this.lastWasNewline = true;
    if (i >= n) this.ended = true;
    return end;
  }

  /** Past the string or character literal opening at i (quote q), reporting one left open. */
  private literal(i: number, q: number): number {
    const text = this.text;
    const end = literalEnd(text, i, q);
    if (end > text.length || text.charCodeAt(end - 1) !== q) this.problem(i, `unterminated ${q === 34 ? 'string' : 'character'} literal`);
    return Math.min(end, text.length);
  }

  /** Past a line splice or a comment at i (lines counted), or i itself when there is none. */
  private spliceOrComment(i: number, c: number): number {
    const text = this.text;
    const d = text.charCodeAt(i + 1);
    if (c === 92 && (d === 10 || (d === 13 && text.charCodeAt(i + 2) === 10))) {
      i += d === 10 ? 2 : 3;
      this.line++; this.lineStart = i;
      return i;
    }
    if (c === 47 && d === 42) return this.blockComment(i);
    if (c === 47 && d === 47) { while (i < text.length && text.charCodeAt(i) !== 10) i++; return i; }
    return i;
  }

  private blockComment(i: number): number {
    const text = this.text;
    const end = text.indexOf('*/', i + 2);
    const stop = end < 0 ? text.length : end + 2;
    if (end < 0) this.problem(i, 'unterminated comment');
    for (let j = text.indexOf('\n', i); j !== -1 && j < stop; j = text.indexOf('\n', j + 1)) { this.line++; this.lineStart = j + 1; }
    return stop;
  }

  private problem(i: number, message: string): void {
    if (this.problems.length < 20) this.problems.push({ line: this.line, col: i - this.lineStart + 1, message });
  }
}

/** Lexes a whole text (macro definitions from the command line, pasted tokens, tests). */
export function lex(src: string, file: number): LexResult {
  const lx = new Lexer(src, file);
  const tokens: Token[] = [];
  for (let t = lx.next(); t; t = lx.next()) tokens.push(t);
  return { tokens, problems: lx.problems };
}

const PUNCT1: boolean[] = [];
for (const ch of '[](){}.&*+-~!/%<>^|?:;=,#') PUNCT1[ch.charCodeAt(0)] = true;

/** Length of the punctuator at i (1 for a character that is not one: TokKind.Other). */
function punctuatorLength(text: string, i: number, c: number): number {
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 46: return d === 46 && text.charCodeAt(i + 2) === 46 ? 3 : 1; // ...
    case 60: // < <= << <<= <: <%
      if (d === 60) return text.charCodeAt(i + 2) === 61 ? 3 : 2;
      return d === 61 || d === 58 || d === 37 ? 2 : 1;
    case 62: // > >= >> >>=
      if (d === 62) return text.charCodeAt(i + 2) === 61 ? 3 : 2;
      return d === 61 ? 2 : 1;
    case 37: // % %= %> %: %:%
      if (d === 58) return text.charCodeAt(i + 2) === 37 ? 3 : 2;
      return d === 61 || d === 62 ? 2 : 1;
    case 45: return d === 62 || d === 45 || d === 61 ? 2 : 1; // -> -- -=
    case 43: return d === 43 || d === 61 ? 2 : 1; // ++ +=
    case 38: return d === 38 || d === 61 ? 2 : 1; // && &=
    case 124: return d === 124 || d === 61 ? 2 : 1; // || |=
    case 61: case 33: case 42: case 47: case 94: return d === 61 ? 2 : 1; // == != *= /= ^=
    case 35: return d === 35 ? 2 : 1; // ##
    case 58: return d === 62 ? 2 : 1; // :>
    default: return 1;
  }
}

/** End (exclusive) of a string/char literal starting at the quote `i`; stops at end of line. */
/** text[start, end) is a string/char literal prefix (L, u, U, u8) and a quote follows it. */
function prefixesLiteral(text: string, start: number, end: number): boolean {
  const q = text.charCodeAt(end), c = text.charCodeAt(start);
  return (q === 34 || q === 39) && (end - start === 1 ? c === 76 || c === 117 || c === 85 : end - start === 2 && c === 117 && text.charCodeAt(start + 1) === 56);
}

/** Past the identifier at i, and the literal it prefixes if it is one (u8'x'), without a token. */
function identifierEnd(text: string, i: number): number {
  const start = i++;
  while (i < text.length && isIdChar(text.charCodeAt(i))) i++;
  return prefixesLiteral(text, start, i) ? Math.min(literalEnd(text, i, text.charCodeAt(i)), text.length) : i;
}

function startsNumber(text: string, i: number, c: number): boolean {
  return isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)));
}

/** Past the pp-number at i: digit or .digit, then [0-9a-zA-Z_.], e+ e- p+ p-, and ' between digits. */
function ppNumberEnd(text: string, i: number): number {
  const n = text.length;
  i++;
  while (i < n) {
    const d = text.charCodeAt(i);
    if (d === 43 || d === 45) {
      const e = text.charCodeAt(i - 1);
      if (e === 101 || e === 69 || e === 112 || e === 80) { i++; continue; }
      break;
    }
    if (isIdChar(d) || d === 46 || (d === 39 && isIdChar(text.charCodeAt(i + 1)))) { i++; continue; }
    break;
  }
  return i;
}

function literalEnd(text: string, i: number, q: number): number {
  let j = i + 1;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 92) { j += 2; continue; }
    if (d === q) return j + 1;
    if (d === 10) return j;
    j++;
  }
  return j;
}

/** Spelling of a token sequence as #-stringification and diagnostics need it. */
export function spell(tokens: Token[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === TokKind.Newline) continue;
    if (i > 0 && t.space && s.length) s += ' ';
    s += t.text;
  }
  return s;
}
