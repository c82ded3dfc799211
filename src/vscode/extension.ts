// Overlay Lens: wires the features together; each lives in its own file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineConfig, readSettings } from './config';
import { Ctx } from './context';
import { EngineClient } from './engine-client';
import { AssertQuickFix, OverlayDiagnostics, REVEAL_COMMAND, revealPlace } from './diagnostics';
import { OffsetInlayHints } from './inlay-hints';
import { LayoutHover, StructCache, StructLens } from './layout-hover';
import { activateOverlayView } from './overlay-view';
import { activateSimulator } from './simulator-feature';
import { activateCommands } from './commands';
import { TreeStatus } from './status-bar';

const SELECTOR: vscode.DocumentSelector = [{ language: 'c', scheme: 'file' }, { language: 'cpp', scheme: 'file' }];

function kernelFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => fs.existsSync(path.join(f.uri.fsPath, 'include')));
}

/** What activate returns to other extensions: for the e2e driver and the extension bench, not a public API. */
export interface OverlayLensApi { ctx: Ctx; diagnostics: OverlayDiagnostics }

export async function activate(context: vscode.ExtensionContext): Promise<OverlayLensApi> {
  const output = vscode.window.createOutputChannel('Overlay Lens');
  const log = (msg: string) => output.appendLine(`[${new Date().toISOString().slice(11, 23)}] ${msg}`);
  const engine = new EngineClient(context.extensionPath, log);
  const status = new TreeStatus();
  const opened = new vscode.EventEmitter<void>();
  let root: string | undefined;
  let ready: Promise<void> = Promise.reject(new Error('no kernel tree open'));
  ready.catch(() => undefined);

  const open = async () => {
    const folder = kernelFolder();
    if (!folder) {
      status.show('$(circle-slash) Overlay Lens', 'No kernel tree in this workspace (a folder with include/).');
      log('no kernel tree (a workspace folder with include/) found');
      return;
    }
    const cfg = engineConfig(folder, readSettings(folder));
    root = folder.uri.fsPath;
    const t0 = Date.now();
    ready = engine.request('open', cfg).then((r) => {
      status.show(`$(layers) ${r.arch} · ${path.basename(r.configFile ?? 'no config')}`, `Overlay Lens\ntree: ${cfg.srcDir}\nbuild: ${cfg.buildDir ?? '(in tree)'}\n${r.label}${r.assumptions.length ? `\nassuming: ${r.assumptions.join('; ')}` : ''}\nclick to change the architecture or .config`);
      log(`opened ${cfg.srcDir}: ${r.label} in ${Date.now() - t0} ms`);
      for (const a of r.assumptions) log(`assuming: ${a}`);
      // unsaved edits reach a fresh worker (a restart) before any check reads the files they change
      for (const d of vscode.workspace.textDocuments) if (d.isDirty && ctx.inTree(d)) void engine.request('setFileText', { file: d.uri.fsPath, text: d.getText() });
      opened.fire();
    }, (e: Error) => {
      status.show('$(error) Overlay Lens', `Cannot open the tree: ${e.message}`);
      log(`cannot open ${cfg.srcDir}: ${e.message}`);
      throw e;
    });
    ready.catch(() => undefined);
    await ready.catch(() => undefined);
  };

  const ctx: Ctx = {
    engine,
    log,
    settings: () => readSettings(),
    treeRoot: () => root,
    ready: () => ready,
    inTree: (doc) => !!root && (doc.languageId === 'c' || doc.languageId === 'cpp') && doc.uri.scheme === 'file' && doc.uri.fsPath.startsWith(root + path.sep) && /\.[ch]$/.test(doc.uri.fsPath),
    onDidOpenTree: opened.event,
  };

  const diagnostics = new OverlayDiagnostics(ctx);
  const structs = new StructCache(ctx, (doc) => diagnostics.idle(doc));
  const inlayHints = new OffsetInlayHints(ctx, structs);
  context.subscriptions.push(
    output, engine, status, opened, diagnostics,
    vscode.languages.registerHoverProvider(SELECTOR, new LayoutHover(ctx, structs, diagnostics)),
    vscode.languages.registerCodeLensProvider(SELECTOR, new StructLens(ctx, structs, diagnostics)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new AssertQuickFix(diagnostics), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    inlayHints,
    vscode.languages.registerInlayHintsProvider(SELECTOR, inlayHints),
    vscode.commands.registerCommand('overlayLens.showLog', () => output.show(true)),
    vscode.commands.registerCommand(REVEAL_COMMAND, (file: unknown, line: unknown, column: unknown) => {
      // reached from our own code actions; still, only a file of the open tree at a sane position
      if (typeof file !== 'string' || !root || !file.startsWith(root + path.sep) || !Number.isInteger(line)) return;
      return revealPlace(file, line as number, Number.isInteger(column) ? (column as number) : 1);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // the hints' own switch needs no new engine: they are asked for again
      if (e.affectsConfiguration('overlayLens.inlayHints')) inlayHints.refresh();
      // what the engine was opened with (and the lenses, which a reopen refreshes); the debounce and sweeps are read when used
      const reopen = ['buildDir', 'configFile', 'arch', 'extraOverlayPairs', 'keepAnswers', 'codeLens'].some((k) => e.affectsConfiguration(`overlayLens.${k}`));
      if (reopen) void open();
    }),
    vscode.workspace.onDidSaveTextDocument((d) => { if (ctx.inTree(d)) void engine.request('setFileText', { file: d.uri.fsPath, text: undefined }); }),
    engine.onStale((files) => {
      log(`a kept answer for ${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} differed from the real check: checking again`);
      for (const d of vscode.workspace.textDocuments) if (files.includes(d.uri.fsPath) && ctx.inTree(d)) void diagnostics.check(d);
    }),
  );
  activateOverlayView(context, ctx, diagnostics);
  activateSimulator(context, ctx);
  activateCommands(context, ctx, diagnostics, open);
  log(`Overlay Lens ${context.extension.packageJSON.version} activated`);
  void open();
  return { ctx, diagnostics };
}

export function deactivate(): void {
  // disposables do the work
}
