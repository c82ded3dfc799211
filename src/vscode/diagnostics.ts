// Overlay findings and assert results as diagnostics, re-checked (debounced)
// as the user types: the unsaved text goes to the engine first.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { CheckResult, WireFinding } from './protocol';

const SEVERITY: Record<WireFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A file's Uri, made once: a keystroke's answer names the same few files in every related location. */
const uris = new Map<string, vscode.Uri>();
function uriOf(file: string): vscode.Uri {
  let u = uris.get(file);
  if (!u) {
    if (uris.size > 4096) uris.clear();
    uris.set(file, (u = vscode.Uri.file(file)));
  }
  return u;
}

export function toDiagnostic(f: WireFinding, doc?: vscode.TextDocument): vscode.Diagnostic {
  const line = Math.max(0, f.line - 1);
  const lineText = doc && line < doc.lineCount ? doc.lineAt(line).text : '';
  const start = Math.max(0, f.column - 1);
  const end = lineText ? Math.max(start + 1, lineText.replace(/\s+$/, '').length) : start + 1;
  const d = new vscode.Diagnostic(new vscode.Range(line, start, line, end), f.message, SEVERITY[f.severity]);
  d.source = 'overlay-lens';
  d.code = f.rule;
  if (f.related?.length) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uriOf(r.file), new vscode.Position(Math.max(0, r.line - 1), Math.max(0, r.column - 1))), r.message));
  return d;
}

/** Findings as diagnostics, grouped by the file they are in (`docs`: the open documents, for the ranges' ends). */
export function diagnosticsByFile(findings: WireFinding[], docs?: Map<string, vscode.TextDocument>): Map<string, vscode.Diagnostic[]> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const f of findings) {
    if (!byFile.has(f.file)) byFile.set(f.file, []);
    byFile.get(f.file)!.push(toDiagnostic(f, docs?.get(f.file)));
  }
  return byFile;
}

/** What a file's diagnostics say and where, everything the Problems panel and the editor show of them. */
function signature(ds: vscode.Diagnostic[]): string {
  let s = '';
  for (const d of ds) {
    const r = d.range;
    s += `${d.code}\u0001${d.severity}\u0001${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\u0001${d.message}`;
    for (const x of d.relatedInformation ?? []) s += `\u0002${x.location.uri.fsPath}:${x.location.range.start.line}:${x.location.range.start.character}\u0002${x.message}`;
    s += '\u0003';
  }
  return s;
}

/** Runs fn after `ms`; with 0, once the current event's other listeners have run (a timer's floor is 1 ms). Returns a cancel. */
function later(ms: number, fn: () => void): () => void {
  if (ms <= 0) { const h = setImmediate(fn); return () => clearImmediate(h); }
  const h = setTimeout(fn, ms);
  return () => clearTimeout(h);
}

export class OverlayDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('overlay-lens');
  /** the scheduled check per file: cancels it */
  private readonly timers = new Map<string, () => void>();
  // From the edit that schedules a file's check until that check has published: layout requests (code lens,
  // hover) wait for it, so the one engine process answers the diagnostics first. Without this the code lens,
  // asked for at about the time the debounce ends, often went first and the check queued behind it.
  private readonly due = new Map<string, { done: Promise<void>; resolve: () => void }>();
  /** edited file → open files that include it, to re-check once the edited file's own check is done */
  private readonly afterCheckOf = new Map<string, Set<vscode.TextDocument>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** per file, what the diagnostics set last were (see signature) */
  private readonly shownSig = new Map<string, string>();
  /** the last result per checked file, for quick fixes and the overlay view */
  readonly results = new Map<string, CheckResult>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidCheck = this.changed.event;
  private readonly published = new vscode.EventEmitter<{ file: string; version: number }>();
  /** right after a check's diagnostics are set: the file and the document version its text was read at (tests and benches time re-checks by it) */
  readonly onDidPublish = this.published.event;

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.schedule(e.document, ctx.settings().debounceMs);
        // Open headers that include the edited one see the edit too (their units are rebuilt), once the
        // edited file's own diagnostics are up: its check does not share the worker or the cores with theirs.
        if (!ctx.inTree(e.document)) return;
        const edited = e.document.uri.fsPath;
        for (const d of vscode.workspace.textDocuments) {
          if (d === e.document || !this.results.get(d.uri.fsPath)?.files.length || !this.dependsOn(d.uri.fsPath, edited)) continue;
          this.markDue(d.uri.fsPath);
          if (!this.afterCheckOf.has(edited)) this.afterCheckOf.set(edited, new Set());
          this.afterCheckOf.get(edited)!.add(d);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (!ctx.inTree(d)) return;
        this.timers.get(d.uri.fsPath)?.();
        this.timers.delete(d.uri.fsPath);
        this.settle(d.uri.fsPath);
        this.checkDependants(d.uri.fsPath);
        void ctx.engine.request('setFileText', { file: d.uri.fsPath, text: undefined });
        this.collection.delete(d.uri);
        this.shownSig.delete(d.uri.fsPath);
        this.results.delete(d.uri.fsPath);
      }),
      // a reopened tree (a restarted engine, another config): its first answers are set even when they say the same
      ctx.onDidOpenTree(() => { this.shownSig.clear(); this.scheduleAll(); }),
    );
    this.scheduleAll();
  }

  /** Every open document, those in a visible editor first: the one worker answers in request order. */
  private scheduleAll(): void {
    const visible = new Set(vscode.window.visibleTextEditors.map((e) => e.document));
    const docs = vscode.workspace.textDocuments;
    for (const d of [...docs.filter((x) => visible.has(x)), ...docs.filter((x) => !visible.has(x))]) this.schedule(d, 0);
  }

  private dependsOn(file: string, edited: string): boolean {
    return this.results.get(file)?.includes?.includes(edited) ?? false;
  }

  /** Resolves once no check of this document is scheduled or running. */
  idle(doc: vscode.TextDocument): Promise<void> {
    return this.due.get(doc.uri.fsPath)?.done ?? Promise.resolve();
  }

  private settle(key: string): void {
    this.due.get(key)?.resolve();
    this.due.delete(key);
  }

  /** From now until its next check has published, layout requests for this file wait (see `due`). */
  private markDue(key: string): void {
    if (this.due.has(key)) return;
    let resolve = () => {};
    const done = new Promise<void>((r) => { resolve = r; });
    this.due.set(key, { done, resolve });
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.ctx.inTree(doc)) return;
    const key = doc.uri.fsPath;
    this.timers.get(key)?.();
    this.markDue(key);
    this.timers.set(key, later(delay, () => {
      this.timers.delete(key);
      // a keystroke during the check scheduled another: the file stays due until that one is done
      void this.check(doc).catch(() => undefined).finally(() => {
        if (this.timers.has(key)) return;
        this.settle(key);
        this.checkDependants(key);
      });
    }));
  }

  /** The open files that include `edited` and saw an edit of it: re-checked now that its own check is done. */
  private checkDependants(edited: string): void {
    const ds = this.afterCheckOf.get(edited);
    this.afterCheckOf.delete(edited);
    for (const d of ds ?? []) if (!d.isClosed) this.schedule(d, this.ctx.settings().debounceMs);
  }

  async check(doc: vscode.TextDocument): Promise<void> {
    await this.ctx.ready();
    const file = doc.uri.fsPath;
    const version = doc.version;
    try {
      const haveIncludes = this.results.get(file)?.includes !== undefined;
      const r = await this.ctx.engine.request('check', { files: [file], text: { file, text: doc.isDirty ? doc.getText() : undefined }, haveIncludes });
      // An answer leaves out an includes list the worker sent for this file before: the one held now (answers
      // come in request order). None held (the file was closed meanwhile): the next request asks for it again.
      r.includes ??= this.results.get(file)?.includes;
      this.results.set(file, r);
      // the open documents once per answer (the getter makes a new array each time)
      const byFile = diagnosticsByFile(r.findings, new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d] as const)));
      // Asserts the engine could not decide are shown as such, never as failures.
      for (const a of r.asserts.filter((x) => x.status === 'unknown')) {
        const d = new vscode.Diagnostic(new vscode.Range(a.line - 1, Math.max(0, a.column - 1), a.line - 1, Math.max(1, a.column)), `unknown, because ${a.reason}`, vscode.DiagnosticSeverity.Hint);
        d.source = 'overlay-lens';
        d.code = 'overlay/assert-unknown';
        if (!byFile.has(a.file)) byFile.set(a.file, []);
        byFile.get(a.file)!.push(d);
      }
      // The checked file is owned by this check even when it has no findings now.
      if (!byFile.has(file)) byFile.set(file, []);
      for (const [f, ds] of byFile) {
        // most keystrokes change no finding: the Problems panel and the editor are not asked to redraw the same ones
        const sig = signature(ds);
        if (this.shownSig.get(f) === sig && this.collection.has(uriOf(f))) continue;
        this.shownSig.set(f, sig);
        this.collection.set(uriOf(f), ds);
      }
      this.published.fire({ file, version });
      this.ctx.log(`checked ${vscode.workspace.asRelativePath(file)}: ${r.asserts.length} asserts, ${r.findings.length} findings, ${r.ms.toFixed(0)} ms${r.kept ? " (the answer an earlier session kept: every file it was made from is unchanged; checking for real next)" : ""}`);
      this.changed.fire(file);
    } catch (e) {
      this.ctx.log(`check of ${file} failed: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    for (const cancel of this.timers.values()) cancel();
    for (const key of [...this.due.keys()]) this.settle(key);
    this.collection.dispose();
    this.changed.dispose();
    this.published.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** The command a "show where" action runs: opens a file at a 1-based line and column (not in the palette). */
export const REVEAL_COMMAND = 'overlayLens.revealPlace';

export async function revealPlace(file: string, line: number, column = 1): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const at = new vscode.Position(Math.max(0, Math.min(line - 1, doc.lineCount - 1)), Math.max(0, column - 1));
  // in the group already showing the file, else the first: not over a webview that asked for it
  const column0 = vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn ?? vscode.ViewColumn.One;
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: false, viewColumn: column0 });
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * Quick fixes: an unasserted field's finding inserts the assert line; a failing mirror assert's
 * shows where the overlaying struct's field must go (the member now at that offset, or the one it follows).
 */
export class AssertQuickFix implements vscode.CodeActionProvider {
  constructor(private readonly diags: OverlayDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const r of this.diags.results.values()) {
      for (const f of r.findings) {
        if (f.file !== doc.uri.fsPath || f.line - 1 !== range.start.line) continue;
        if (f.fix) {
          const a = new vscode.CodeAction(`Add ${f.fix.text}`, vscode.CodeActionKind.QuickFix);
          a.edit = new vscode.WorkspaceEdit();
          a.edit.insert(vscode.Uri.file(f.fix.file), new vscode.Position(f.fix.insertBeforeLine - 1, 0), f.fix.text + '\n');
          a.isPreferred = true;
          out.push(a);
        }
        const m = f.move;
        if (m?.at) {
          const where = m.at.place === 'at' ? `where ${m.struct}.${m.at.member} is now` : `after ${m.struct}.${m.at.member}`;
          const a = new vscode.CodeAction(`Show where ${m.struct}.${m.field} must go: offset ${m.to}, ${where} (it is at ${m.from})`, vscode.CodeActionKind.QuickFix);
          a.command = { title: a.title, command: REVEAL_COMMAND, arguments: [m.at.file, m.at.line, m.at.column] };
          a.diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === f.rule && d.range.start.line === f.line - 1);
          out.push(a);
        }
      }
    }
    return out;
  }
}
