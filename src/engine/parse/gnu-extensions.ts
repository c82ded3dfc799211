// tree-sitter-c parses ISO C with some GNU additions, but not every place GCC
// accepts __attribute__ (between a typedef's type and its name, say), nor
// file-scope _Static_assert. Before parsing, those constructs are replaced by
// spaces of the same length — offsets stay valid for the origin map and for
// incremental edits — and remembered here, so the type table can still apply
// aligned/packed by position.
import { matchParen } from '../checks/assert-sites';
import { topLevelComma } from './snippet-holes';

export interface AttributeGroup {
  start: number;
  end: number;
  /** the attributes inside __attribute__((a, b(1))): names without underscores, raw argument text */
  items: Array<{ name: string; args: string | undefined }>;
}

export interface Blanked {
  /** the text tree-sitter parses */
  text: string;
  attributes: AttributeGroup[];
}

const PATTERN = /\b(__builtin_offsetof|__attribute__|__attribute|_Static_assert|__extension__|asm|__asm__|__asm|__restrict__|__restrict|__volatile__|__inline__|__inline|__signed__|__const__|__const)\b/g;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '"') { const j = s.indexOf('"', i + 1); cur += s.slice(i, j + 1); i = j; continue; }
    if (c === ',' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function parseItems(inner: string): AttributeGroup['items'] {
  return splitTopLevel(inner).map((item) => {
    const m = /^\s*([A-Za-z_]\w*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(item);
    if (!m) return { name: item.trim(), args: undefined };
    return { name: m[1].replace(/^__(.+)__$/, '$1'), args: m[2] };
  });
}

export function blankGnuExtensions(src: string): Blanked {
  const chars = src.split('');
  const blank = (a: number, b: number) => { for (let i = a; i < b; i++) if (chars[i] !== '\n') chars[i] = ' '; };
  const attributes: AttributeGroup[] = [];
  PATTERN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PATTERN.exec(src))) {
    const word = m[1];
    const start = m.index;
    switch (word) {
      case '__attribute__': case '__attribute': {
        let p = start + word.length;
        while (p < src.length && /\s/.test(src[p])) p++;
        if (src[p] !== '(') continue;
        const end = matchParen(src, p);
        if (end < 0) continue;
        // __attribute__((inner))
        const body = src.slice(p + 1, end - 1).trim();
        const inner = body.startsWith('(') && body.endsWith(')') ? body.slice(1, -1) : body;
        attributes.push({ start, end, items: parseItems(inner) });
        blank(start, end);
        PATTERN.lastIndex = end;
        break;
      }
      case '_Static_assert': case 'asm': case '__asm__': case '__asm': {
        let p = start + word.length;
        while (p < src.length && /[\s]/.test(src[p])) p++;
        // asm volatile goto (...)
        while (/^(volatile|__volatile__|goto|inline)\b/.test(src.slice(p, p + 12))) {
          p += /^(volatile|__volatile__|goto|inline)/.exec(src.slice(p))![0].length;
          while (p < src.length && /\s/.test(src[p])) p++;
        }
        if (src[p] !== '(') continue;
        const end = matchParen(src, p);
        if (end < 0) continue;
        let stop = end;
        // a file-scope _Static_assert(...); goes with its semicolon
        if (word === '_Static_assert') { let q = end; while (q < src.length && /\s/.test(src[q])) q++; if (src[q] === ';') stop = q + 1; }
        blank(start, stop);
        PATTERN.lastIndex = stop;
        break;
      }
      case '__builtin_offsetof': {
        // tree-sitter-c knows offsetof(type, member) as an expression, with one member name: a chain
        // (`halg . base`, crypto's `char head[offsetof(struct ahash_alg, halg.base)]`) is written as
        // one identifier, its dots as `$` (no kernel name has one; from-syntax.ts splits it back)
        chars.splice(start, word.length, ...('offsetof' + ' '.repeat(word.length - 8)).split(''));
        let p = start + word.length;
        while (p < src.length && /\s/.test(src[p])) p++;
        const end = src[p] === '(' ? matchParen(src, p) : -1;
        const comma = end > 0 ? topLevelComma(src, p + 1, end - 1) : -1;
        if (comma > 0) {
          const chain = src.slice(comma + 1, end - 1);
          if (/^\s*[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)+\s*$/.test(chain)) {
            const joined = chain.replace(/\s+/g, '').replace(/\./g, '$');
            chars.splice(comma + 1, chain.length, ...(' ' + joined + ' '.repeat(chain.length - joined.length - 1)).split(''));
          }
        }
        break;
      }
      case '__signed__':
        chars.splice(start, word.length, ...'signed    '.split(''));
        break;
      case '__const__': case '__const':
        chars.splice(start, word.length, ...('const' + ' '.repeat(word.length - 5)).split(''));
        break;
      case '__volatile__':
        chars.splice(start, word.length, ...'volatile    '.split(''));
        break;
      case '__inline__': case '__inline':
        chars.splice(start, word.length, ...('inline' + ' '.repeat(word.length - 6)).split(''));
        break;
      default: // __extension__, __restrict
        blank(start, start + word.length);
    }
  }
  blankStraySemicolons(chars);
  return { text: chars.join(''), attributes };
}

/**
 * `struct s { seqcount_t seqcount; ; }` — a member macro that expanded to
 * nothing leaves an empty declaration GCC accepts and tree-sitter does not.
 * Outside parentheses (so `for (;;)` stays), a `;` right after `{` or `;` goes.
 */
function blankStraySemicolons(chars: string[]): void {
  let depth = 0;
  let prev = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '"' || c === "'") {
      for (i++; i < chars.length && chars[i] !== c && chars[i] !== '\n'; i++) if (chars[i] === '\\') i++;
      prev = c;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\t') continue;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0 && (prev === ';' || prev === '{')) { chars[i] = ' '; continue; }
    prev = c;
  }
}
