// The HTML shell every webview of ours uses: a strict CSP with a nonce, the
// bundled script from dist/webview, and the data as a JSON island read with
// JSON.parse (never interpolated into markup).
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string, data: unknown): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const src = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', script));
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<>&"]/g, '')}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px; }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); }
td, th { padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
.asserted, .group { color: var(--vscode-testing-iconPassed); } .unasserted { color: var(--vscode-editorWarning-foreground); }
.assert-fails, .size-differs, .outside-region, .group-moved { color: var(--vscode-editorError-foreground); font-weight: bold; }
.padding, .whole, .own { color: var(--vscode-descriptionForeground); }
.link { cursor: pointer; text-decoration: underline dotted; } .link:hover { color: var(--vscode-textLink-activeForeground); }
.maps { max-width: 960px; margin: 8px 0 12px; }
.map-row { display: flex; align-items: flex-start; margin: 2px 0; }
.map-label { width: 130px; flex: none; font-family: var(--vscode-editor-font-family); font-size: 11px; padding-top: 3px; }
.strip { position: relative; flex: 1; min-height: 20px; background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-panel-border); }
.strip.scale { background: none; border: none; height: 14px; }
.tick { position: absolute; font-size: 9px; color: var(--vscode-descriptionForeground); transform: translateX(-50%); }
.seg { position: absolute; height: 19px; box-sizing: border-box; font-size: 10px; line-height: 19px; padding: 0 3px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; border-right: 1px solid var(--vscode-editor-background); cursor: pointer; color: var(--vscode-foreground); }
.cacheline { position: absolute; top: -4px; bottom: -4px; border-left: 2px dashed var(--vscode-editorRuler-foreground, var(--vscode-panel-border)); z-index: 1; pointer-events: none; }
.seg.asserted, .seg.group, .chip.asserted { background: color-mix(in srgb, var(--vscode-testing-iconPassed) 40%, transparent); }
.seg.unasserted, .chip.unasserted { background: color-mix(in srgb, var(--vscode-editorWarning-foreground) 45%, transparent); }
.seg.assert-fails, .seg.size-differs, .seg.outside-region, .seg.group-moved, .chip.assert-fails { background: color-mix(in srgb, var(--vscode-editorError-foreground) 55%, transparent); }
.seg.type-differs, .seg.assert-unknown { background: color-mix(in srgb, var(--vscode-editorInfo-foreground) 40%, transparent); }
.seg.padding, .seg.whole, .seg.own, .seg.free, .chip.padding, .chip.own { background: color-mix(in srgb, var(--vscode-descriptionForeground) 25%, transparent); }
.seg.hole, .chip.hole { background: repeating-linear-gradient(45deg, transparent 0 3px, var(--vscode-panel-border) 3px 5px); cursor: default; }
.chip { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 3px; font-size: 11px; }
.cacheline-row td { color: var(--vscode-descriptionForeground); font-style: italic; border-bottom: 2px dashed var(--vscode-editorRuler-foreground, var(--vscode-panel-border)); }
.hole-text { color: var(--vscode-descriptionForeground); font-style: italic; }
.type { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.bar { height: 10px; background: var(--vscode-progressBar-background); }
canvas { width: 100%; max-width: 900px; height: 180px; border: 1px solid var(--vscode-panel-border); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; margin-right: 6px; cursor: pointer; }
</style></head>
<body><div id="root"></div>
<script id="data" type="application/json" nonce="${nonce}">${json}</script>
<script nonce="${nonce}" src="${src}"></script>
</body></html>`;
}
