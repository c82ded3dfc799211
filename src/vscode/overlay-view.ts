// "Overlay Lens: Show Overlay Map": the mirror maps of the active file in a webview.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { OverlayDiagnostics } from './diagnostics';
import { webviewHtml } from './webview-html';

export function activateOverlayView(context: vscode.ExtensionContext, ctx: Ctx, diags: OverlayDiagnostics): void {
  let panel: vscode.WebviewPanel | undefined;
  context.subscriptions.push(vscode.commands.registerCommand('overlayLens.showOverlay', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !ctx.inTree(doc)) { void vscode.window.showInformationMessage('Overlay Lens: open a header of the kernel tree first.'); return; }
    await diags.check(doc);
    const r = diags.results.get(doc.uri.fsPath);
    panel ??= vscode.window.createWebviewPanel('overlayLens.overlay', 'Overlay Map', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] });
    panel.onDidDispose(() => { panel = undefined; });
    panel.title = `Overlay Map: ${vscode.workspace.asRelativePath(doc.uri)}`;
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'overlay-view.js', 'Overlay Map', { mirrors: r?.mirrors ?? [], note: r ? `No overlay pairs found in ${vscode.workspace.asRelativePath(doc.uri)}.` : 'The check has not run.' });
  }));
}
