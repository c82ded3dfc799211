// Hovers: on a struct member, its offset, size and cacheline as pahole would
// print them, the hole after it, and what it overlays in a mirrored struct; on
// a struct's name, its layout and, for an overlay pair's struct, what it costs
// per page of memory; on an assert's line, both sides and the terms behind them.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { OverlayDiagnostics } from './diagnostics';
import { WireAssert, WireMember, WireOverhead, WireStruct } from './protocol';

export class StructCache {
  private readonly cache = new Map<string, { version: number; structs: Promise<WireStruct[]> }>();
  /** `before`: what to let finish first (the document's pending diagnostics check) */
  constructor(private readonly ctx: Ctx, private readonly before: (doc: vscode.TextDocument) => Promise<void> = async () => {}) {
    // another config or arch (or a restarted engine): the same document version has other layouts
    ctx.onDidOpenTree(() => this.cache.clear());
  }

  structs(doc: vscode.TextDocument): Promise<WireStruct[]> {
    const key = doc.uri.fsPath;
    const have = this.cache.get(key);
    if (have && have.version === doc.version) return have.structs;
    const structs = (async () => {
      await this.ctx.ready();
      await this.before(doc);
      await this.ctx.engine.request('setFileText', { file: key, text: doc.isDirty ? doc.getText() : undefined });
      return this.ctx.engine.request('structsInFile', { file: key });
    })();
    this.cache.set(key, { version: doc.version, structs });
    return structs;
  }
}

function findMember(ms: WireMember[] | undefined, line: number, word: string): WireMember | undefined {
  for (const m of ms ?? []) {
    if (m.name === word && m.line === line) return m;
    const inner = findMember(m.children, line, word);
    if (inner) return inner;
  }
  return undefined;
}

/** `__builtin_offsetof ( struct page , pp )` as a reader writes it: `offsetof(struct page, pp)`. */
export function tidyC(text: string): string {
  return text.replace(/__builtin_offsetof/g, 'offsetof').replace(/\s*\(\s*/g, '(').replace(/\s+\)/g, ')').replace(/\s*,\s*/g, ', ').replace(/\s+/g, ' ').trim();
}

/** An assert's verdict with both sides and the offsetof/sizeof terms behind them. */
function assertMarkdown(md: vscode.MarkdownString, a: WireAssert): void {
  const verdict = a.status === 'pass' ? 'holds' : a.status === 'fail' ? '**fails**' : 'unknown';
  md.appendMarkdown(`**${a.macro ?? 'static assert'}** — ${verdict}\n\n`);
  md.appendCodeblock(tidyC(a.text), 'c');
  if (a.lhs !== undefined && a.rhs !== undefined) md.appendMarkdown(`\n\n${a.lhs} ${a.op ?? 'vs'} ${a.rhs}${a.status === 'fail' ? ' is false' : ''}`);
  for (const t of a.terms ?? []) md.appendMarkdown(`\n\n\`${tidyC(t.text)}\` = ${t.value}`);
  if (a.status === 'unknown' && a.reason) md.appendMarkdown(`\n\nunknown, because ${a.reason}`);
}

const sizeText = (bytes: number) => (bytes % (1 << 30) === 0 ? `${bytes / (1 << 30)} GiB` : bytes % (1 << 20) === 0 ? `${bytes / (1 << 20)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);

/** "48 B per 4096 B page = 1.17%; a 10 MiB region: 2560 descriptors, a 120 KiB array = 30 pages; ..." */
function overheadMarkdown(md: vscode.MarkdownString, o: WireOverhead): void {
  md.appendMarkdown(`\n\n**Memory overhead**: ${o.descriptorBytes} B per ${o.pageSize} B page = ${Number(o.percent.toFixed(4))}% of the memory it describes`);
  for (const r of o.regions) md.appendMarkdown(`\n\n- a ${sizeText(r.bytes)} region: ${r.descriptors} descriptors, a ${sizeText(r.arrayBytes)} array = ${r.arrayPages} pages`);
}

export class LayoutHover implements vscode.HoverProvider {
  constructor(private readonly ctx: Ctx, private readonly structs: StructCache, private readonly diags: OverlayDiagnostics) {}

  /** The asserts the last checks found on a line of `file` (a macro line can hold one, a BUILD_BUG_ON block several). */
  private assertsOn(file: string, line: number): WireAssert[] {
    const out = new Map<string, WireAssert>();
    for (const r of this.diags.results.values()) for (const a of r.asserts) if (a.file === file && a.line === line) out.set(`${a.column}\0${a.text}`, a);
    return [...out.values()];
  }

  private overheadOf(struct: string): WireOverhead | undefined {
    for (const r of this.diags.results.values()) for (const o of r.overheads ?? []) if (o.struct === struct) return o;
    return undefined;
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.ctx.inTree(doc)) return undefined;
    const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_]\w*/);
    if (!range) return undefined;
    const word = doc.getText(range);
    const line = pos.line + 1;
    const all = await this.structs.structs(doc);
    const asserts = this.assertsOn(doc.uri.fsPath, line);
    if (asserts.length) {
      const md = new vscode.MarkdownString();
      asserts.forEach((a, i) => { if (i) md.appendMarkdown('\n\n---\n\n'); assertMarkdown(md, a); });
      return new vscode.Hover(md, range);
    }
    const s = all.find((x) => line >= x.line && line <= x.endLine && x.members);
    if (!s) {
      const named = all.find((x) => x.name === word && x.line === line);
      if (named?.error) return new vscode.Hover(new vscode.MarkdownString(`**${named.kind} ${named.name}**: layout unknown, because ${named.error}`), range);
      return undefined;
    }
    const md = new vscode.MarkdownString();
    if (word === s.name && line === s.line) {
      md.appendMarkdown(`**${s.kind} ${s.name}** · size ${s.size} · align ${s.align} · ${Math.ceil((s.size ?? 0) / 64)} cacheline(s) · ${s.holes} hole(s)\n`);
      if (s.readAs) md.appendMarkdown(`\n\nas \`${s.readAs}\` includes this header (alone, it leans on what its includers bring first)\n`);
      else if (s.readAfter) md.appendMarkdown(`\n\nread after ${s.readAfter.map((h) => `\`<${h}>\``).join(', ')} (alone, this header leans on what its includers bring first)\n`);
      md.appendCodeblock(s.pahole ?? '', 'c');
      const o = this.overheadOf(s.name);
      if (o) overheadMarkdown(md, o);
      return new vscode.Hover(md, range);
    }
    const m = findMember(s.members, line, word);
    if (!m) return undefined;
    const where = m.bitfield ? `offset ${m.offset}:${m.bitOffset} (bit-field :${m.bitfield})` : `offset ${m.offset}`;
    md.appendMarkdown(`**${s.name}.${m.path}** — \`${m.type}\`\n\n${where} · size ${m.size}${m.align ? ` · align ${m.align}` : ''} · cacheline ${Math.floor(m.offset / 64)}`);
    if (m.holeAfter) md.appendMarkdown(` · **${m.holeAfter}-byte hole after it**`);
    md.appendMarkdown(`\n\n\`/* ${String(m.offset).padStart(5)} ${String(m.size).padStart(5)} */\``);
    for (const r of this.diags.results.values()) {
      for (const mirror of r.mirrors) {
        if (mirror.b !== s.name) continue;
        const row = mirror.rows.find((x) => x.field === m.path);
        if (row) md.appendMarkdown(`\n\nover **struct ${mirror.a}**: ${row.overlays.length ? row.overlays.map((o) => `\`${o}\``).join(', ') : 'nothing'} — *${row.status}*${row.note ? ` (${row.note})` : ''}`);
      }
    }
    return new vscode.Hover(md, range);
  }
}

/** A lens above each struct: size, cachelines, holes, and the overlay it takes part in. */
export class StructLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** per checked file, what its last check said that lenses show (the mirrors' statuses) */
  private readonly shown = new Map<string, string>();

  constructor(private readonly ctx: Ctx, private readonly structs: StructCache, private readonly diags: OverlayDiagnostics) {
    // VS Code asks for lenses again after every edit by itself (with the structs' new sizes); a check
    // refreshes them only when a mirror's status moved, not on every keystroke
    ctx.onDidOpenTree(() => { this.shown.clear(); this.changed.fire(); });
    diags.onDidCheck((file) => {
      const mirrors = diags.results.get(file)?.mirrors ?? [];
      const now = mirrors.map((m) => `${m.a}<${m.b}:${m.rows.map((r) => r.status).join(',')}`).join(';');
      if (this.shown.get(file) === now) return;
      this.shown.set(file, now);
      this.changed.fire();
    });
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.ctx.inTree(doc) || !this.ctx.settings().codeLens) return [];
    const all = await this.structs.structs(doc);
    const mirrors = [...this.diags.results.values()].flatMap((r) => r.mirrors);
    return all.filter((s) => s.line > 0).map((s) => {
      const range = new vscode.Range(s.line - 1, 0, s.line - 1, 0);
      if (s.error) return new vscode.CodeLens(range, { title: `layout unknown: ${s.error.slice(0, 80)}`, command: 'overlayLens.showLayout', arguments: [s.name, s.kind] });
      let title = `${s.kind} ${s.name}: ${s.size} bytes · ${Math.ceil((s.size ?? 0) / 64)} cacheline(s) · ${s.holes} hole(s)`;
      const m = mirrors.find((x) => x.b === s.name);
      if (m) {
        const count = (st: string) => m.rows.filter((r) => r.status === st).length;
        const bad = m.rows.filter((r) => /fails|differs|outside|moved/.test(r.status)).length;
        title += ` · over struct ${m.a}: ${count('asserted') + count('group')} mirrors ok · ${count('unasserted')} unasserted${bad ? ` · ${bad} failing` : ''}`;
        return new vscode.CodeLens(range, { title, command: 'overlayLens.showOverlay' });
      }
      return new vscode.CodeLens(range, { title, command: 'overlayLens.showLayout', arguments: [s.name, s.kind] });
    });
  }
}
