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
.padding, .whole { color: var(--vscode-descriptionForeground); }
.grid { display: grid; grid-template-columns: repeat(8, 1fr); gap: 1px; max-width: 720px; margin: 8px 0; }
.byte { font-size: 10px; padding: 2px; background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-panel-border); overflow: hidden; white-space: nowrap; }
.bar { height: 10px; background: var(--vscode-progressBar-background); }
canvas { width: 100%; max-width: 900px; height: 180px; border: 1px solid var(--vscode-panel-border); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; margin-right: 6px; cursor: pointer; }
</style></head>
<body><div id="root"></div>
<script id="data" type="application/json" nonce="${nonce}">${json}</script>
<script nonce="${nonce}" src="${src}"></script>
</body></html>`;
}
