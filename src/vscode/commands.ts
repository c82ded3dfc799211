// Palette commands that are not a feature of their own.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { diagnosticsByFile, OverlayDiagnostics } from './diagnostics';
import { sweepSpecs } from './config';

/** Read-only documents holding pahole-style layouts: overlay-lens-layout:/struct page.pahole */
export const LAYOUT_SCHEME = 'overlay-lens-layout';

async function pahole(ctx: Ctx, name: string, kind?: 'struct' | 'union'): Promise<string> {
  const m = /^(struct|union)\s+(\w+)$/.exec(name.trim());
  await ctx.ready();
  const s = await ctx.engine.request('layout', { name: m ? m[2] : name.trim(), kind: (m?.[1] as 'struct' | 'union') ?? kind ?? 'struct' });
  return s.error ? `/* ${s.kind} ${s.name}: unknown, because ${s.error} */\n` : s.pahole ?? '';
}

// ignoreFocusOut: a webview that finishes loading just after (the Overlay Map) takes focus, which would close the prompt
const askName = () => vscode.window.showInputBox({ prompt: 'struct name (page, net_iov, union foo)', placeHolder: 'page', ignoreFocusOut: true });

export function activateCommands(context: vscode.ExtensionContext, ctx: Ctx, diags: OverlayDiagnostics, reopen: () => Promise<void>): void {
  // findings of the last Check Workspace's sweep (overlayLens.sweepConfigs), apart from the per-file checks that replace theirs on every edit
  const sweepDiagnostics = vscode.languages.createDiagnosticCollection('overlay-lens-sweep');
  context.subscriptions.push(
    // they were true of the text as it was: an edit makes them stale (the next Check Workspace sweeps again)
    // (delete() tells VS Code of a change even for a file it holds nothing for: only files it holds)
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length && sweepDiagnostics.has(e.document.uri)) sweepDiagnostics.delete(e.document.uri); }),
    vscode.workspace.registerTextDocumentContentProvider(LAYOUT_SCHEME, {
      provideTextDocumentContent: (uri) => {
        const [kind, name] = decodeURIComponent(uri.path).replace(/^\//, '').replace(/\.pahole$/, '').split(' ');
        return pahole(ctx, name, kind as 'struct' | 'union');
      },
    }),
    vscode.commands.registerCommand('overlayLens.showLayout', async (name?: string, kind?: 'struct' | 'union') => {
      name ??= await askName();
      if (!name) return;
      const m = /^(struct|union)\s+(\w+)$/.exec(name.trim());
      const uri = vscode.Uri.from({ scheme: LAYOUT_SCHEME, path: `/${m ? m[1] : kind ?? 'struct'} ${m ? m[2] : name.trim()}.pahole` });
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'pahole-layout');
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('overlayLens.copyLayout', async (name?: string) => {
      name ??= await askName();
      if (!name) return;
      await vscode.env.clipboard.writeText(await pahole(ctx, name));
      void vscode.window.setStatusBarMessage(`Overlay Lens: layout of ${name} copied`, 3000);
    }),
    sweepDiagnostics,
    vscode.commands.registerCommand('overlayLens.checkWorkspace', async () => {
      const root = ctx.treeRoot();
      if (!root) return;
      const files = ['include/linux/mm_types.h', 'include/net/netmem.h', 'mm/slab.h'].map((f) => vscode.Uri.joinPath(vscode.Uri.file(root), f));
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
      const { specs: sweep, dropped } = folder ? sweepSpecs(folder, ctx.settings()) : { specs: [], dropped: [] };
      if (dropped.length) ctx.log(`sweep: not run under ${dropped.join(', ')}: a build dir outside the workspace, which is not trusted`);
      const steps = files.length + (sweep.length ? 1 : 0);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Overlay Lens: checking the overlay headers', cancellable: true }, async (progress, token) => {
        const found: string[] = [];
        for (const uri of files) {
          if (token.isCancellationRequested) return;
          progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / steps });
          try { await diags.check(await vscode.workspace.openTextDocument(uri)); found.push(uri.fsPath); } catch { /* a file the tree does not have */ }
        }
        if (!sweep.length || token.isCancellationRequested) return;
        // overlayLens.sweepConfigs: what only some configurations break, kept apart from the as-you-type diagnostics
        progress.report({ message: `under ${sweep.join(', ')}`, increment: 100 / steps });
        sweepDiagnostics.clear();
        try {
          const r = await ctx.engine.request('sweep', { files: found, specs: sweep });
          for (const [f, ds] of diagnosticsByFile(r.findings.filter((x) => x.onlyUnder))) sweepDiagnostics.set(vscode.Uri.file(f), ds);
          ctx.log(`sweep over ${r.labels.join(', ')}: ${r.findings.filter((x) => x.onlyUnder).length} finding(s) only some configurations have`);
        } catch (e) {
          ctx.log(`sweep failed: ${(e as Error).message}`);
          void vscode.window.showErrorMessage(`Overlay Lens: ${(e as Error).message}`);
        }
      });
    }),
    vscode.commands.registerCommand('overlayLens.selectArch', async () => {
      const arch = await vscode.window.showQuickPick(['(from the config)', 'x86_64', 'i386', 'arm64', 'arm', 'riscv64'], { title: 'Overlay Lens: lay out for which architecture?', ignoreFocusOut: true });
      if (!arch) return;
      await vscode.workspace.getConfiguration('overlayLens').update('arch', arch.startsWith('(') ? undefined : arch, vscode.ConfigurationTarget.Workspace);
    }),
    // the status bar item's click: the two things it names that can be changed
    vscode.commands.registerCommand('overlayLens.configure', async () => {
      const s = ctx.settings();
      const items = [
        { label: '$(chip) Select Architecture…', description: s.arch ?? 'from the config', command: 'overlayLens.selectArch' },
        { label: '$(settings) Select .config…', description: s.configFile ?? (s.buildDir ? `${s.buildDir}/.config` : 'the tree\'s'), command: 'overlayLens.selectConfig' },
        { label: '$(output) Show the Log', description: 'what was indexed, assumed and how long it took', command: 'overlayLens.showLog' },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Overlay Lens', ignoreFocusOut: true });
      if (pick) await vscode.commands.executeCommand(pick.command);
    }),
    vscode.commands.registerCommand('overlayLens.selectConfig', async () => {
      const f = await vscode.window.showOpenDialog({ title: 'A .config, auto.conf or autoconf.h', canSelectMany: false });
      if (!f?.[0]) return;
      await vscode.workspace.getConfiguration('overlayLens').update('configFile', f[0].fsPath, vscode.ConfigurationTarget.Workspace);
    }),
    // as rust-analyzer's Restart Server: a fresh engine process, then the tree opened and the open files checked again
    vscode.commands.registerCommand('overlayLens.restart', async () => {
      await ctx.engine.restart();
      ctx.log('engine restarted');
      await reopen();
    }),
  );
}
