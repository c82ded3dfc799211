// Palette commands that are not a feature of their own.
import * as vscode from 'vscode';
import { Ctx } from './context';

export function activateCommands(context: vscode.ExtensionContext, ctx: Ctx, reopen: () => Promise<void>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('overlayLens.showLayout', async (name?: string, kind?: 'struct' | 'union') => {
      name ??= await vscode.window.showInputBox({ prompt: 'struct name (page, net_iov, union foo)', placeHolder: 'page' });
      if (!name) return;
      const m = /^(struct|union)\s+(\w+)$/.exec(name.trim());
      await ctx.ready();
      const s = await ctx.engine.request('layout', { name: m ? m[2] : name.trim(), kind: (m?.[1] as 'struct' | 'union') ?? kind ?? 'struct' });
      const text = s.error ? `/* ${s.kind} ${s.name}: unknown, because ${s.error} */\n` : s.pahole ?? '';
      const doc = await vscode.workspace.openTextDocument({ language: 'c', content: text });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand('overlayLens.selectArch', async () => {
      const arch = await vscode.window.showQuickPick(['(from the config)', 'x86_64', 'i386', 'arm64', 'arm', 'riscv64'], { title: 'Overlay Lens: lay out for which architecture?' });
      if (!arch) return;
      await vscode.workspace.getConfiguration('overlayLens').update('arch', arch.startsWith('(') ? undefined : arch, vscode.ConfigurationTarget.Workspace);
    }),
    vscode.commands.registerCommand('overlayLens.selectConfig', async () => {
      const f = await vscode.window.showOpenDialog({ title: 'A .config, auto.conf or autoconf.h', canSelectMany: false });
      if (!f?.[0]) return;
      await vscode.workspace.getConfiguration('overlayLens').update('configFile', f[0].fsPath, vscode.ConfigurationTarget.Workspace);
    }),
    vscode.commands.registerCommand('overlayLens.restart', () => reopen()),
  );
}
