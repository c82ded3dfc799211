// The change between two texts as one range, shared by the readers of one
// keystroke: the preprocessor's re-run and the tagged-pointer scan ask for
// the same pair of file texts (49 KB of mm_types.h); the declaration re-parse
// uses it for its own, smaller pair.

/** One changed range of the expanded text, in the shape tree-sitter's Tree.edit() wants. */
export interface TextEdit {
  /** offsets in the old text */
  oldStart: number;
  oldEnd: number;
  /** what replaces old[oldStart, oldEnd) */
  newText: string;
}

const BLOCK = 1024;

let last: { a: string; b: string; edits: readonly TextEdit[] } | undefined;

/** The smallest single range that turns `a` into `b` (common prefix and suffix trimmed); the last pair's answer is kept. */
export function changedRange(a: string, b: string): readonly TextEdit[] {
  if (a === b) return [];
  if (last && last.a === a && last.b === b) return last.edits;
  const n = Math.min(a.length, b.length);
  // a block at a time first: V8 compares two slices' characters natively, ~30x a charCodeAt loop
  let p = 0;
  while (p + BLOCK <= n && a.slice(p, p + BLOCK) === b.slice(p, p + BLOCK)) p += BLOCK;
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s + BLOCK <= n - p && a.slice(a.length - s - BLOCK, a.length - s) === b.slice(b.length - s - BLOCK, b.length - s)) s += BLOCK;
  while (s < n - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  const edits = [{ oldStart: p, oldEnd: a.length - s, newText: b.slice(p, b.length - s) }];
  last = { a, b, edits };
  return edits;
}
