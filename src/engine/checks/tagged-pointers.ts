// Tagged pointers: netmem_ref carries a struct page * or a struct net_iov *,
// told apart by the pointer's LSB (NET_IOV). Pointers can only carry a tag
// bit that alignment keeps zero, so _Alignof each tagged type must exceed the
// mask. The scheme is read from the header's own code, parsed with tree-sitter
// before expansion (so the tag macro is still a name):
//   (struct X *)(v & ~TAG)        X is tagged with TAG; v's type is the carrier
//   (CARRIER)(p | TAG)            the same, seen from the other side
//   struct Y *f(CARRIER v) { return (struct Y *)v; }    Y travels in the carrier too
//   CARRIER f(struct Y *p) { return (CARRIER)p; }
import type { Node, Tree } from 'web-tree-sitter';
import { splitDeclarations } from '../parse/declarations';
import { changedRange } from '../preprocess';
import { Finding, RULES } from './findings';
import { SourcePosition } from './layout-view';

export interface TaggedScheme {
  tag: string;
  carrier: string;
  /** struct tags whose pointers travel in the carrier, with where that was seen */
  structs: Map<string, SourcePosition>;
  at: SourcePosition;
}

const norm = (s: string) => s.replace(/\b(const|volatile|__force)\b/g, '').replace(/\s+/g, ' ').replace(/\s*\*\s*/g, ' *').trim();

function unwrap(n: Node | null): Node | null {
  while (n && (n.type === 'parenthesized_expression' || n.type === 'cast_expression')) {
    n = n.type === 'cast_expression' ? n.childForFieldName('value') : n.namedChild(0);
  }
  return n;
}

/** v & ~TAG, v | TAG → { operand: v, tag }; anything else → undefined */
function tagOp(n: Node | null): { operand: Node | null; tag: string; op: string } | undefined {
  n = unwrap(n);
  if (!n || n.type !== 'binary_expression') return undefined;
  const op = n.childForFieldName('operator')?.type ?? '';
  const l = n.childForFieldName('left');
  let r = n.childForFieldName('right');
  if (op === '&' && r?.type === 'unary_expression' && r.childForFieldName('operator')?.type === '~') {
    r = unwrap(r.childForFieldName('argument'));
    if (r?.type === 'identifier') return { operand: l, tag: r.text, op };
  }
  if (op === '|' && r?.type === 'identifier' && /^[A-Z_][A-Z0-9_]*$/.test(r.text)) return { operand: l, tag: r.text, op };
  return undefined;
}

/** The identifier an expression reduces to once casts, parentheses and tag ops are peeled. */
function baseIdentifier(n: Node | null): string | undefined {
  for (let i = 0; i < 8 && n; i++) {
    n = unwrap(n);
    const t = tagOp(n);
    if (t) { n = t.operand; continue; }
    return n?.type === 'identifier' ? n.text : undefined;
  }
  return undefined;
}

interface FunctionShape {
  node: Node;
  returnType: string;
  params: Array<{ name: string; type: string }>;
  /** file line of the tree's first row, less one (a declaration parsed on its own) */
  rowBase: number;
}

function pos(file: string, n: Node, f: FunctionShape): SourcePosition {
  return { file, line: f.rowBase + n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

function functionsOf(tree: Tree, rowBase = 0): FunctionShape[] {
  const out: FunctionShape[] = [];
  for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
    if (!fn) continue;
    let d = fn.childForFieldName('declarator');
    let stars = '';
    while (d && d.type === 'pointer_declarator') { stars += ' *'; d = d.childForFieldName('declarator'); }
    if (!d || d.type !== 'function_declarator') continue;
    const params: FunctionShape['params'] = [];
    for (const p of d.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p || p.type !== 'parameter_declaration') continue;
      let pd = p.childForFieldName('declarator');
      let pstars = '';
      while (pd && pd.type === 'pointer_declarator') { pstars += ' *'; pd = pd.childForFieldName('declarator'); }
      if (pd?.type !== 'identifier') continue;
      params.push({ name: pd.text, type: norm((p.childForFieldName('type')?.text ?? '') + pstars) });
    }
    out.push({ node: fn, returnType: norm((fn.childForFieldName('type')?.text ?? '') + stars), params, rowBase });
  }
  return out;
}

/** Finds tagged-pointer schemes in one header's unexpanded source. */
export function findTaggedSchemes(file: string, tree: Tree): TaggedScheme[] {
  return schemesIn(file, functionsOf(tree), () => []);
}

/**
 * A declaration that may hold a tag op the scan reads: a cast whose parenthesized operand ends in `& ~TAG`
 * or `| TAG` (tagOp's two forms, after casts and parentheses). `flags | GFP_ZERO` in a call or `x & ~MASK`
 * in a condition is not one: most functions of a .c file have such a mask and need no parse.
 */
const TAG_OP = /\)\s*\([^;{}]*?(?:&\s*~[\s(]*[A-Za-z_]\w*[\s)]*|\|\s*[A-Z_][A-Z0-9_]*\s*)\)/;

/**
 * What one scan of a file read: the declarations it parsed, keyed by their
 * text and place, and what it found. The next scan of an edited text whose
 * declarations with tag ops (and those naming the carriers) are the same
 * answers from it without a parse: an edit in a struct re-parses nothing.
 */
export interface SchemeScan {
  readonly first: string;
  readonly word?: RegExp;
  readonly more: string;
  readonly schemes: TaggedScheme[];
  /** the text scanned and its top-level declarations, for the next scan of an edit of it */
  readonly text: string;
  readonly starts: number[];
  readonly ends: number[];
}

/**
 * The last scan, still true of `text`, without splitting it again: when the
 * edit lies inside one declaration that neither had nor has a tag op or a
 * carrier's name, stays one declaration, and moves no line or column of any
 * other (a keystroke in a struct body). Undefined when any of that is not so.
 */
function unchangedScan(last: SchemeScan, text: string): SchemeScan | undefined {
  const old = last.text;
  const [edit] = changedRange(old, text);
  if (!edit) return last;
  const { oldStart: pc, oldEnd } = edit;
  const newEnd = pc + edit.newText.length, delta = text.length - old.length;
  // the one declaration holding the change strictly inside it (its first and last tokens untouched)
  const { starts, ends } = last;
  let lo = 0, hi = starts.length - 1, k = -1;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] < pc) { k = mid; lo = mid + 1; } else hi = mid - 1; }
  if (k < 0 || oldEnd >= ends[k]) return undefined;
  const newlines = (t: string, from: number, to: number) => { let n = 0; for (let i = t.indexOf('\n', from); i >= 0 && i < to; i = t.indexOf('\n', i + 1)) n++; return n; };
  if (newlines(old, pc, oldEnd) !== newlines(text, pc, newEnd)) return undefined;
  // a declaration after it on the same line would move sideways
  if (k + 1 < starts.length && newlines(old, ends[k], starts[k + 1]) === 0) return undefined;
  const before = old.slice(starts[k], ends[k]), after = text.slice(starts[k], ends[k] + delta);
  const takesPart = (d: string) => TAG_OP.test(d) || (last.word !== undefined && last.word.test(d));
  if (takesPart(before) || takesPart(after)) return undefined;
  const alone = splitDeclarations(after);
  if (alone.starts.length !== 1 || alone.starts[0] !== 0 || alone.ends[0] !== after.length) return undefined;
  const move = (xs: number[], from: number) => xs.map((x, i) => (i >= from ? x + delta : x));
  return { ...last, text, starts: move(starts, k + 1), ends: move(ends, k) };
}

/**
 * The same, from a file's text, parsing only its top-level declarations
 * that could take part: those with a tag op, then those that mention a
 * carrier type found there (a .c file of 10 000 lines has a handful).
 */
export function findTaggedSchemesInText(file: string, text: string, parse: (text: string) => Tree, last?: SchemeScan): SchemeScan {
  if (last?.text === text) return last;
  const kept = last && unchangedScan(last, text);
  if (kept) return kept;
  const list = splitDeclarations(text);
  const scanned = { text, starts: list.starts, ends: list.ends };
  const trees: Tree[] = [];
  const parsed = new Set<number>();
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const rowOf = (start: number): number => {
    let row = 0;
    for (let lo = 0, hi = lineStarts.length - 1; lo <= hi;) { const mid = (lo + hi) >> 1; if (lineStarts[mid] <= start) { row = mid; lo = mid + 1; } else hi = mid - 1; }
    return row;
  };
  // a declaration as a parse sees it: its text, and its line and column (positions are reported from them)
  const keyOf = (k: number): string => { const row = rowOf(list.starts[k]); return `${row}:${list.starts[k] - lineStarts[row]}:${text.slice(list.starts[k], list.ends[k])}`; };
  const firstDecls: number[] = [];
  for (let k = 0; k < list.starts.length; k++) if (TAG_OP.test(text.slice(list.starts[k], list.ends[k]))) firstDecls.push(k);
  const first = firstDecls.map(keyOf).join('\u0001');
  /** The declarations not in `skip` that name a carrier (`word`): the second round of a scan. */
  const naming = (word: RegExp, skip: Set<number>): number[] => {
    const out: number[] = [];
    for (let k = 0; k < list.starts.length; k++) if (!skip.has(k) && word.test(text.slice(list.starts[k], list.ends[k]))) out.push(k);
    return out;
  };
  const moreKey = (word: RegExp | undefined): string => (word ? naming(word, new Set(firstDecls)).map(keyOf).join('\u0001') : '');
  if (last && last.first === first && last.more === moreKey(last.word)) return { ...last, ...scanned };
  const shapesOf = (k: number): FunctionShape[] => {
    if (parsed.has(k)) return [];
    parsed.add(k);
    const start = list.starts[k];
    const row = rowOf(start);
    // columns stay right on the declaration's first line
    const tree = parse(' '.repeat(start - lineStarts[row]) + text.slice(start, list.ends[k]));
    trees.push(tree);
    return functionsOf(tree, row);
  };
  try {
    const fns: FunctionShape[] = [];
    for (const k of firstDecls) fns.push(...shapesOf(k));
    let word: RegExp | undefined;
    const moreKeys: string[] = [];
    const schemes = schemesIn(file, fns, (carriers) => {
      const more: FunctionShape[] = [];
      word = new RegExp(`\\b(${carriers.map((c) => c.replace(/[^\w]/g, '')).filter(Boolean).join('|')})\\b`);
      // the declarations moreKey() finds with this word next time (only those with tag ops are parsed yet)
      for (const k of naming(word, parsed)) { moreKeys.push(keyOf(k)); more.push(...shapesOf(k)); }
      return more;
    });
    return { first, word, more: moreKeys.join('\u0001'), schemes, ...scanned };
  } finally {
    for (const t of trees) t.delete();
  }
}

/** `more(carriers)`: functions beyond `fns` that may convert to or from those carriers. */
function schemesIn(file: string, fns: FunctionShape[], more: (carriers: string[]) => FunctionShape[]): TaggedScheme[] {
  const schemes = new Map<string, TaggedScheme>();
  const structOf = (t: string) => /^struct ([A-Za-z_]\w*) \*$/.exec(t)?.[1];

  for (const f of fns) {
    for (const c of f.node.descendantsOfType('cast_expression')) {
      if (!c) continue;
      const castTo = norm(c.childForFieldName('type')?.text ?? '');
      const t = tagOp(c.childForFieldName('value'));
      if (!t) continue;
      const v = baseIdentifier(t.operand);
      const param = f.params.find((p) => p.name === v);
      if (!param) continue;
      // (struct X *)(carrier & ~TAG) or (carrier)((...)structX | TAG)
      const [carrier, st] = t.op === '&' ? [param.type, structOf(castTo)] : [castTo, structOf(param.type)];
      if (!st || structOf(carrier)) continue;
      let s = schemes.get(t.tag);
      if (!s) schemes.set(t.tag, (s = { tag: t.tag, carrier, structs: new Map(), at: pos(file, c, f) }));
      if (!s.structs.has(st)) s.structs.set(st, pos(file, c, f));
    }
  }
  // Plain conversions between the carrier and other struct pointers.
  const all = schemes.size ? [...fns, ...more([...new Set([...schemes.values()].map((s) => s.carrier))])] : fns;
  for (const s of schemes.values()) {
    for (const f of all) {
      if (f.params.length !== 1) continue;
      const p = f.params[0];
      let st: string | undefined;
      let target: string;
      if (p.type === s.carrier && structOf(f.returnType)) { st = structOf(f.returnType); target = f.returnType; }
      else if (f.returnType === s.carrier && structOf(p.type)) { st = structOf(p.type); target = s.carrier; }
      else continue;
      if (!st || s.structs.has(st)) continue;
      for (const r of f.node.descendantsOfType('return_statement')) {
        const c = r?.namedChild(0);
        if (c?.type === 'cast_expression' && norm(c.childForFieldName('type')?.text ?? '') === target && baseIdentifier(c) === p.name) {
          s.structs.set(st, pos(file, c, f));
          break;
        }
      }
    }
  }
  return [...schemes.values()];
}

export interface TagAlignmentInput {
  scheme: TaggedScheme;
  /** the tag macro's value (NET_IOV → 1), or why it is not known */
  mask: bigint | { reason: string };
  alignOf(struct: string): number | { reason: string };
  declOf(struct: string): SourcePosition | undefined;
}

export interface TagAlignmentResult {
  struct: string;
  align?: number;
  mask?: bigint;
  ok?: boolean;
  reason?: string;
}

/** The key of a tag-alignment finding (one per tag and struct). */
export const tagKey = (tag: string, struct: string) => `tag:${tag}:${struct}`;

export function checkTagAlignment(input: TagAlignmentInput): { results: TagAlignmentResult[]; findings: Finding[] } {
  const results: TagAlignmentResult[] = [];
  const findings: Finding[] = [];
  const { scheme } = input;
  for (const [st, seen] of scheme.structs) {
    if (typeof input.mask !== 'bigint') { results.push({ struct: st, reason: `value of ${scheme.tag} unknown: ${input.mask.reason}` }); continue; }
    const al = input.alignOf(st);
    if (typeof al !== 'number') { results.push({ struct: st, mask: input.mask, reason: al.reason }); continue; }
    // Every bit of the mask must be below the alignment: (align - 1) covers the mask.
    const ok = (BigInt(al - 1) & input.mask) === input.mask;
    results.push({ struct: st, align: al, mask: input.mask, ok });
    if (!ok) {
      const at = input.declOf(st) ?? seen;
      findings.push({
        rule: RULES.taggedAlign.id, severity: RULES.taggedAlign.severity, file: at.file, line: at.line, column: at.column,
        key: tagKey(scheme.tag, st),
        message: `struct ${st} pointers carry the tag ${scheme.tag} (mask 0x${input.mask.toString(16)}) in ${scheme.carrier}, but _Alignof(struct ${st}) is ${al}: an aligned pointer may already have the tag bit set`,
        related: [{ ...seen, message: `struct ${st} * converted to/from ${scheme.carrier} here` }, { ...scheme.at, message: `${scheme.tag} used as a tag here` }],
      });
    }
  }
  return { results, findings };
}
