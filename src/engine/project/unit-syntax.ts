// A unit's syntax as the checks walk it: the node at any offset of the
// expanded text (its declaration parsed on demand) and the top-level
// declarations with what they are. Node offsets are relative to their
// declaration's tree; `base` turns them into offsets of the unit's text.
import type { Node } from 'web-tree-sitter';
import { DeclarationSource } from '../parse/declaration-parses';
import { DeclKind } from '../parse/declarations';

export interface UnitSyntax {
  /** the innermost node at unit offset `offset`, and the unit offset its tree starts at */
  nodeAt(offset: number): { node: Node; base: number } | undefined;
  /** unit offsets and kinds of the top-level declarations */
  topLevel(): { starts: number[]; ends: number[]; kinds: DeclKind[] };
}

export function unitSyntax(source: DeclarationSource): UnitSyntax {
  const { starts, ends, declKinds } = source.list;
  return {
    nodeAt(offset) {
      let lo = 0, hi = starts.length - 1, k = -1;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] <= offset) { k = mid; lo = mid + 1; } else hi = mid - 1; }
      if (k < 0 || offset >= ends[k]) return undefined;
      const base = starts[k];
      const node = source.parse(k).tree.rootNode.descendantForIndex(offset - base);
      return node ? { node, base } : undefined;
    },
    topLevel: () => ({ starts, ends, kinds: declKinds }),
  };
}
