// Finding assert sites in the preprocessed text of a translation unit.
// After expansion every flavour has a fixed spelling:
//   static_assert(c, ...)   → _Static_assert(c, "msg")
//   BUILD_BUG_ON(c)         → ... if (!(!(c))) __compiletime_assert_N(); ...
//   BUILD_BUG_ON_MSG(c, m)  → the same compiletime_assert shape
// Conditions are cut out of the text by balanced parentheses (skipping string
// and character literals); parsing them into expressions is the caller's job
// (tree-sitter, via the layout engine), so this file never guesses at C syntax.
import type { TextSource } from '../preprocess/piece-text';
import { AssertKind, AssertSite } from './asserts';
import { SourcePosition } from './layout-view';
import { Expr } from '../eval/expr';

export interface RawAssert {
  kind: AssertKind;
  /** offset of the first character of the construct in the expanded text */
  offset: number;
  condStart: number;
  condEnd: number;
  message?: string;
}

/** Index just past the parenthesis matching the one at `open`, or -1. */
export function matchParen(text: string, open: number, limit = text.length): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) { if (--depth === 0) return i + 1; }
    else if (c === 34 /* " */ || c === 39 /* ' */) {
      for (i++; i < limit && text.charCodeAt(i) !== c; i++) if (text.charCodeAt(i) === 92) i++;
    }
  }
  return -1;
}

/** The top-level comma positions inside [start, end). */
function topLevelCommas(text: string, start: number, end: number): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '"' || c === "'") { for (i++; i < end && text[i] !== c; i++) if (text[i] === '\\') i++; }
    else if (c === ',' && depth === 0) out.push(i);
  }
  return out;
}

function stringValue(lit: string): string {
  let s = '';
  for (const m of lit.matchAll(/"((?:[^"\\]|\\.)*)"/g)) s += m[1].replace(/\\(.)/g, '$1');
  return s;
}

const STATIC = /\b_Static_assert\s*\(/g;
const COMPILETIME = /\bif\s*\(\s*!\s*\(/g;

export function findRawAsserts(text: string): RawAssert[] {
  const out: RawAssert[] = [];
  STATIC.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = STATIC.exec(text))) {
    const open = m.index + m[0].length - 1;
    const close = matchParen(text, open);
    if (close < 0) { out.push({ kind: 'static_assert', offset: m.index, condStart: open + 1, condEnd: -1 }); break; }
    const commas = topLevelCommas(text, open + 1, close - 1);
    const condEnd = commas.length ? commas[0] : close - 1;
    out.push({ kind: 'static_assert', offset: m.index, condStart: open + 1, condEnd, message: commas.length ? stringValue(text.slice(commas[0] + 1, close - 1)) : undefined });
  }
  COMPILETIME.lastIndex = 0;
  while ((m = COMPILETIME.exec(text))) {
    // if (!(COND)) __compiletime_assert_N();
    const inner = m.index + m[0].length - 1;
    const innerEnd = matchParen(text, inner);
    if (innerEnd < 0) continue;
    const after = /^\s*\)\s*(__compiletime_assert_\d+)\s*\(\s*\)/.exec(text.slice(innerEnd, innerEnd + 80));
    if (!after) continue;
    // The message is in the __error__ attribute of the declaration just before.
    const decl = text.lastIndexOf(after[1], m.index);
    let message: string | undefined;
    if (decl >= 0) {
      const err = /__error__\s*\(/.exec(text.slice(decl, m.index));
      if (err) {
        const o = decl + err.index + err[0].length - 1;
        const c = matchParen(text, o, m.index);
        if (c > 0) message = stringValue(text.slice(o + 1, c - 1));
      }
    }
    // BUILD_BUG_ON(c) is compiletime_assert(!(c), ...): the condition here must hold.
    out.push({ kind: 'BUILD_BUG_ON', offset: decl >= 0 ? decl : m.index, condStart: inner + 1, condEnd: innerEnd - 1, message });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export interface SiteContext {
  /** where a user sees offset `o` of the expanded text: the outermost macro invocation if any */
  position(o: number): SourcePosition & { macro?: { name: string; args: string[] } };
  /** the condition text (starting at offset `at` of the expanded text) → an Expr, or why it cannot be read */
  parseCondition(text: string, at: number): Expr | { reason: string };
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** `raws`: findRawAsserts(text), when the caller reads one text for several files. */
export function assertSites(text: TextSource, ctx: SiteContext, filter?: (at: SourcePosition) => boolean, raws: RawAssert[] = findRawAsserts(String(text))): AssertSite[] {
  const out: AssertSite[] = [];
  for (const raw of raws) {
    const pos = ctx.position(raw.offset);
    if (filter && !filter(pos)) continue;
    // compiletime_assert also guards READ_ONCE & co. on variables: only BUILD_BUG_ON* are asserts about layouts.
    if (raw.kind === 'BUILD_BUG_ON' && !/^BUILD_BUG_ON/.test(pos.macro?.name ?? '') && !/^BUILD_BUG_ON failed/.test(raw.message ?? '')) continue;
    const { macro, ...at } = pos;
    const offsets = { offset: raw.offset, condOffset: raw.condStart };
    if (raw.condEnd < 0) {
      out.push({ kind: raw.kind, at, macro, text: squash(text.slice(raw.condStart, raw.condStart + 120)), cond: { k: 'unknown', reason: 'unbalanced parentheses' }, unreadable: 'the assert is not closed (unbalanced parentheses)', ...offsets });
      continue;
    }
    const condText = squash(text.slice(raw.condStart, raw.condEnd));
    if (condText === '') {
      out.push({ kind: raw.kind, at, macro, text: condText, cond: { k: 'unknown', reason: 'empty' }, unreadable: 'the condition is empty (a macro expanded to nothing?)', ...offsets });
      continue;
    }
    const parsed = ctx.parseCondition(condText, raw.condStart);
    if ('reason' in parsed && !('k' in parsed)) out.push({ kind: raw.kind, at, macro, text: condText, cond: { k: 'unknown', reason: parsed.reason }, unreadable: parsed.reason, message: raw.message, ...offsets });
    else out.push({ kind: raw.kind, at, macro, text: condText, cond: parsed as Expr, message: raw.message, ...offsets });
  }
  return out;
}
