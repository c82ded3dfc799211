// Driver script for the fixture-tree session (runs in the extension host):
// when Overlay Lens has opened the tree, and what the API says about
// netmem.h once the UI has opened it — the cross-check of what the
// Problems panel shows.
import * as path from 'node:path';
import { DriverScript, until } from '../../support/driver-api';

export const run: DriverScript = async (vscode, step) => {
  const t0 = Date.now();
  const ext = vscode.extensions.getExtension<{ ctx: { ready(): Promise<void> } }>('overlay-lens.overlay-lens');
  if (!ext) throw new Error('Overlay Lens is not installed');
  const api = await ext.activate();
  step('activated', { ok: ext.isActive });
  await api.ctx.ready();
  step('ready', { ms: Date.now() - t0 });
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const netmem = vscode.Uri.file(path.join(root, 'include/net/netmem.h'));
  const w = await until('the unasserted-field warning on netmem.h', () => vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/unasserted-field'), 240000, 100);
  const related = (w.value.relatedInformation ?? []).map((r) => ({ file: path.relative(root, r.location.uri.fsPath), line: r.location.range.start.line + 1, message: r.message }));
  step('warning', { message: w.value.message, line: w.value.range.start.line + 1, severity: w.value.severity, related });
};
