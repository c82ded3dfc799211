// Preprocessing tokens (C11 6.4): one pass over a file's text, line splices
// and comments removed, every token keeping its line and column. Lexed once
// per file content and cached by the preprocessor.

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

const PUNCT3 = new Set(['...', '<<=', '>>=', '%:%']);
const PUNCT2 = new Set(['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##', '<:', ':>', '<%', '%>', '%:']);

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
  problems: Array<{ line: number; col: number; message: string }>;
}

/** Single-character punctuators share one string each. */
const ONE_CHAR: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/**
 * Lexes `src`. A line splice (backslash-newline) between tokens continues the
 * logical line; one inside an identifier is not supported (the kernel has none).
 */
export function lex(src: string, file: number): LexResult {
  const text = src;
  const tokens: Token[] = [];
  const problems: LexResult['problems'] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let space = false;
  const physLine = () => line;
  const push = (kind: TokKind, start: number, end: number) => {
    tokens.push(makeToken(kind, end - start === 1 && kind === TokKind.Punct ? ONE_CHAR[text.charCodeAt(start)] : text.slice(start, end), line, start - lineStart + 1, file, space, false, -1, false, false));
    space = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      tokens.push(makeToken(TokKind.Newline, '\n', line, i - lineStart + 1, file, false, false, -1, false, false));
      i++; line++; lineStart = i; space = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; space = true; continue; }
    // A line splice joins two physical lines into one logical line: no Newline token.
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
      line++; lineStart = i;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { // /* */
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      if (end < 0) problems.push({ line: physLine(), col: i - lineStart + 1, message: 'unterminated comment' });
      for (let j = i; j < stop; j++) if (text.charCodeAt(j) === 10) { line++; lineStart = j + 1; }
      i = stop; space = true;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) { // //
      while (i < n && text.charCodeAt(i) !== 10) i++;
      space = true;
      continue;
    }
    const start = i;
    if (isIdStart(c)) {
      i++;
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      // String/char literal prefixes: L"", u8"", u'', U''
      const q = text.charCodeAt(i);
      if ((q === 34 || q === 39) && /^(L|u|U|u8)$/.test(text.slice(start, i))) {
        i = literalEnd(text, i, q);
        push(q === 34 ? TokKind.String : TokKind.Char, start, i);
        continue;
      }
      push(TokKind.Ident, start, i);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      // pp-number: digit or .digit, then [0-9a-zA-Z_.] and e+ e- p+ p-
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1])) { i++; continue; }
        if (isIdChar(d) || d === 46 || (d === 39 && isIdChar(text.charCodeAt(i + 1)))) { i++; continue; }
        break;
      }
      push(TokKind.Number, start, i);
      continue;
    }
    if (c === 34 || c === 39) {
      const end = literalEnd(text, i, c);
      if (end > n || text.charCodeAt(end - 1) !== c) problems.push({ line: physLine(), col: i - lineStart + 1, message: `unterminated ${c === 34 ? 'string' : 'character'} literal` });
      i = Math.min(end, n);
      push(c === 34 ? TokKind.String : TokKind.Char, start, i);
      continue;
    }
    if (c === 0) {
      problems.push({ line: physLine(), col: i - lineStart + 1, message: 'NUL byte in source (binary file?)' });
      i++;
      continue;
    }
    const three = text.substr(i, 3);
    if (PUNCT3.has(three)) { i += 3; push(TokKind.Punct, start, i); continue; }
    const two = text.substr(i, 2);
    if (PUNCT2.has(two)) { i += 2; push(TokKind.Punct, start, i); continue; }
    if ('[](){}.&*+-~!/%<>^|?:;=,#'.includes(text[i])) { i++; push(TokKind.Punct, start, i); continue; }
    i++;
    push(TokKind.Other, start, i);
  }
  if (tokens.length === 0 || tokens[tokens.length - 1].kind !== TokKind.Newline) {
    tokens.push(makeToken(TokKind.Newline, '\n', line, i - lineStart + 1, file, false, false, -1, false, false));
  }
  return { tokens, problems };
}

/** End (exclusive) of a string/char literal starting at the quote `i`; stops at end of line. */
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
