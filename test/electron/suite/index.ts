// Runs inside desktop VS Code when @vscode/test-electron can start one.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('overlay-lens.overlay-lens');
  assert.ok(ext);
  await ext.activate();
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const uri = vscode.Uri.file(path.join(root, 'include/net/netmem.h'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const t0 = Date.now();
  while (!vscode.languages.getDiagnostics(uri).some((d) => d.code === 'overlay/unasserted-field')) {
    if (Date.now() - t0 > 60000) throw new Error('no overlay diagnostics within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
