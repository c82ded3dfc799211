// "Overlay Lens: Show Overlay Map": the mirror maps of the active file in a
// webview, drawn anew after every check of that file (the edits as they are
// typed, or of a header it includes); a field clicked there is revealed in
// its source.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { OverlayDiagnostics, revealPlace } from './diagnostics';
import { WireMirror, WirePlace } from './protocol';
import { webviewHtml } from './webview-html';

interface MapData { mirrors: WireMirror[]; note: string }

/** Every declaration a map links to: the only places the view may ask to reveal. */
function placesIn(d: MapData): Set<string> {
  const out = new Set<string>();
  const add = (p: WirePlace | null | undefined) => { if (p) out.add(`${p.file}\0${p.line}\0${p.column}`); };
  for (const m of d.mirrors) {
    for (const r of m.rows) { add(r.at); for (const p of r.overlayAt ?? []) add(p); }
    for (const f of m.aFields ?? []) add(f.at);
  }
  return out;
}

/** A reveal request from the view, if it is exactly one of the places the view was given. */
function revealOf(m: unknown, places: Set<string>): WirePlace | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const { type, file, line, column } = m as Record<string, unknown>;
  if (type !== 'reveal' || typeof file !== 'string' || !Number.isInteger(line) || !Number.isInteger(column)) return undefined;
  return places.has(`${file}\0${line}\0${column}`) ? { file, line: line as number, column: column as number } : undefined;
}

export function activateOverlayView(context: vscode.ExtensionContext, ctx: Ctx, diags: OverlayDiagnostics): void {
  let panel: vscode.WebviewPanel | undefined;
  /** the file whose maps the panel shows, and what it may reveal */
  let shown: vscode.Uri | undefined;
  let places = new Set<string>();

  // the maps in full, from the engine's last check of the file (a check's own answer carries only their rows)
  const dataFor = async (uri: vscode.Uri): Promise<MapData> => {
    const checked = diags.results.has(uri.fsPath);
    const mirrors = checked ? await ctx.engine.request('overlayMaps', { files: [uri.fsPath] }) : [];
    return { mirrors, note: checked ? `No overlay pairs found in ${vscode.workspace.asRelativePath(uri)}.` : 'The check has not run.' };
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('overlayLens.showOverlay', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || !ctx.inTree(doc)) { void vscode.window.showInformationMessage('Overlay Lens: open a header of the kernel tree first.'); return; }
      await diags.check(doc);
      const data = await dataFor(doc.uri);
      if (!panel) {
        panel = vscode.window.createWebviewPanel('overlayLens.overlay', 'Overlay Map', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] });
        panel.onDidDispose(() => { panel = undefined; shown = undefined; });
        panel.webview.onDidReceiveMessage((m: unknown) => {
          const at = revealOf(m, places);
          if (at) void revealPlace(at.file, at.line, at.column);
        });
      }
      shown = doc.uri;
      places = placesIn(data);
      panel.title = `Overlay Map: ${vscode.workspace.asRelativePath(doc.uri)}`;
      panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'overlay-view.js', 'Overlay Map', data);
    }),
    // live: the shown file was checked again (an edit of it, or of a header it includes)
    diags.onDidCheck(async (file) => {
      if (!panel || !shown || shown.fsPath !== file) return;
      const data = await dataFor(shown).catch(() => undefined);
      if (!data || !panel || shown?.fsPath !== file) return;
      places = placesIn(data);
      void panel.webview.postMessage({ type: 'update', data });
    }),
  );
}
