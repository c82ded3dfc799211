// Inlay hints (overlayLens.inlayHints, off by default): each member's offset
// and size at the end of its line, as pahole prints them in its comments.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { StructCache } from './layout-hover';
import { WireMember } from './protocol';

/** pahole's comment for a member: offset and size, a bit-field's bit offset after a colon. */
export function memberComment(m: WireMember): string {
  return m.bitfield ? `${m.offset}:${m.bitOffset} ${m.size}` : `${m.offset} ${m.size}`;
}

/** The members declared on each line (`u8 a:1, b:1;` declares two on one), outer structs' members and nested ones alike. */
function byLine(ms: WireMember[] | undefined, file: string, out = new Map<number, WireMember[]>()): Map<number, WireMember[]> {
  for (const m of ms ?? []) {
    // an anonymous struct/union member's own line holds its members' opening brace, not a member to label
    if (m.line && m.file === file && m.name !== null) {
      if (!out.has(m.line)) out.set(m.line, []);
      out.get(m.line)!.push(m);
    }
    byLine(m.children, file, out);
  }
  return out;
}

export class OffsetInlayHints implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly ctx: Ctx, private readonly structs: StructCache) {
    // another tree, config or arch: other offsets; the setting turned on or off
    ctx.onDidOpenTree(() => this.changed.fire());
  }

  /** The setting changed: VS Code asks again. */
  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    if (!this.ctx.settings().inlayHints || !this.ctx.inTree(doc)) return [];
    const structs = await this.structs.structs(doc);
    const hints: vscode.InlayHint[] = [];
    for (const s of structs) {
      if (!s.members || s.endLine - 1 < range.start.line || s.line - 1 > range.end.line) continue;
      for (const [line, ms] of byLine(s.members, doc.uri.fsPath)) {
        if (line - 1 < range.start.line || line - 1 > range.end.line || line > doc.lineCount) continue;
        const label = ms.length === 1 ? `/* ${memberComment(ms[0])} */` : `/* ${ms.map((m) => `${m.name} ${memberComment(m)}`).join(', ')} */`;
        const h = new vscode.InlayHint(doc.lineAt(line - 1).range.end, label);
        h.paddingLeft = true;
        h.tooltip = ms.map((m) => `${s.name}.${m.path}: offset ${m.offset}${m.bitfield ? ` bit ${m.bitOffset} (:${m.bitfield})` : ''}, size ${m.size}, cacheline ${Math.floor(m.offset / 64)}`).join('\n');
        hints.push(h);
      }
    }
    return hints;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
