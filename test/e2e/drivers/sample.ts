// Driver script for the sample-tree session (runs in the extension host):
// asks VS Code's own API what a user would see — diagnostics, hovers, code
// lenses — and breaks and restores a mirror through the editor API. The UI
// tests take over once it reports 'done' (it leaves netmem.h unchanged).
import * as path from 'node:path';
import type { CodeAction, CodeLens, Hover, InlayHint } from 'vscode';
import { DriverScript, hoverText, until } from '../../support/driver-api';
import type { OverlayLensApi } from '../../../src/vscode/extension';

export const run: DriverScript = async (vscode, step) => {
  const ext = vscode.extensions.getExtension('overlay-lens.overlay-lens');
  if (!ext) throw new Error('Overlay Lens is not installed');
  await ext.activate();
  step('activated', { ok: ext.isActive });
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const netmem = vscode.Uri.file(path.join(root, 'include/net/netmem.h'));
  const doc = await vscode.workspace.openTextDocument(netmem);
  const editor = await vscode.window.showTextDocument(doc);
  step('language', { languageId: doc.languageId });
  const warn = await until('the unasserted-field warning', () => vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/unasserted-field'), 60000);
  const placeOf = (r: { location: { uri: { fsPath: string }; range: { start: { line: number } } }; message: string }) => ({ file: path.relative(root, r.location.uri.fsPath), line: r.location.range.start.line + 1, message: r.message });
  step('warning', { message: warn.value.message, line: warn.value.range.start.line + 1, severity: warn.value.severity, ms: warn.ms, related: (warn.value.relatedInformation ?? []).map(placeOf) });

  const lines = doc.getText().split('\n');
  const refLine = lines.findIndex((l) => /atomic_long_t pp_ref_count;/.test(l));
  const hover = await until('a hover on pp_ref_count', async () => {
    const t = hoverText(await vscode.commands.executeCommand<Hover[]>('vscode.executeHoverProvider', netmem, new vscode.Position(refLine, lines[refLine].indexOf('pp_ref_count') + 2)));
    return /offset/.test(t) ? t : undefined;
  }, 20000);
  step('hover', { text: hover.value });

  // an assert's line: both sides and the terms behind them
  const refAssert = lines.findIndex((l) => /^NET_IOV_ASSERT_OFFSET\(pp_ref_count, pp_ref_count\)/.test(l));
  const assertHover = hoverText(await vscode.commands.executeCommand<Hover[]>('vscode.executeHoverProvider', netmem, new vscode.Position(refAssert, 3)));
  step('assert-hover', { text: assertHover, line: refAssert + 1 });
  // the struct's name: its layout, and what net_iov costs per page of the memory it describes
  const iovLine = lines.findIndex((l) => /^struct net_iov \{/.test(l));
  const nameHover = hoverText(await vscode.commands.executeCommand<Hover[]>('vscode.executeHoverProvider', netmem, new vscode.Position(iovLine, 'struct net_iov'.length - 2)));
  step('name-hover', { text: nameHover });

  // inlay hints: none while the setting is off (its default), each member's offset and size once it is on
  const cfg0 = vscode.workspace.getConfiguration('overlayLens');
  const whole = new vscode.Range(0, 0, doc.lineCount, 0);
  const hintsNow = async () => ((await vscode.commands.executeCommand<InlayHint[]>('vscode.executeInlayHintProvider', netmem, whole)) ?? [])
    .map((h) => ({ line: h.position.line + 1, character: h.position.character, label: typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('') }));
  const off = await hintsNow();
  await cfg0.update('inlayHints', true, vscode.ConfigurationTarget.Workspace);
  const on = await until('inlay hints once the setting is on', async () => { const h = await hintsNow(); return h.length ? h : undefined; }, 20000, 200);
  await cfg0.update('inlayHints', undefined, vscode.ConfigurationTarget.Workspace);
  const offAgain = await until('no inlay hints once the setting is off again', async () => ((await hintsNow()).length === 0 ? true : undefined), 20000, 200);
  step('inlay', { off: off.length, on: on.value, offAgain: offAgain.value, lineLengths: on.value.map((h) => lines[h.line - 1].length) });

  const lenses = await vscode.commands.executeCommand<CodeLens[]>('vscode.executeCodeLensProvider', netmem, 10);
  step('codelens', { titles: (lenses ?? []).map((l) => l.command?.title).filter(Boolean) });

  // Break the mirror through the API: swap pp_magic and pp, unsaved.
  const a = lines.findIndex((l) => /unsigned long pp_magic;/.test(l));
  const b = lines.findIndex((l) => /struct page_pool \*pp;/.test(l));
  const t0 = Date.now();
  await editor.edit((e) => {
    e.replace(new vscode.Range(a, 0, a, lines[a].length), lines[b]);
    e.replace(new vscode.Range(b, 0, b, lines[b].length), lines[a]);
  });
  const err = await until('an assert-fails error', () => vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/assert-fails' && d.severity === vscode.DiagnosticSeverity.Error), 20000);
  step('broken', { message: err.value.message, line: err.value.range.start.line + 1, ms: Date.now() - t0 });
  // the failing assert points at both fields, and its quick fix shows where net_iov's field must go
  const magicAssert = vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/assert-fails' && /NET_IOV_ASSERT_OFFSET\(pp_magic, pp_magic\)/.test(d.message))!;
  const actions = (await vscode.commands.executeCommand<CodeAction[]>('vscode.executeCodeActionProvider', netmem, magicAssert.range)) ?? [];
  const showWhere = actions.find((x) => /^Show where/.test(x.title));
  if (showWhere?.command) await vscode.commands.executeCommand(showWhere.command.command, ...(showWhere.command.arguments ?? []));
  const sel = vscode.window.activeTextEditor;
  step('move', {
    related: (magicAssert.relatedInformation ?? []).map(placeOf), actions: actions.map((x) => x.title),
    revealed: sel && sel.document.uri.fsPath === netmem.fsPath ? sel.selection.active.line + 1 : -1, ppLine: a + 1, magicLine: b + 1,
  });
  const t1 = Date.now();
  await vscode.commands.executeCommand('undo');
  await until('the error to go away', () => !vscode.languages.getDiagnostics(netmem).some((d) => d.severity === vscode.DiagnosticSeverity.Error), 20000);
  step('fixed', { ms: Date.now() - t1, dirty: doc.isDirty, restored: doc.getText() === lines.join('\n') });

  // an edit that changes no finding (a space after a comment): the check publishes, but sets nothing anew
  const apiNow = ext.exports as OverlayLensApi;
  const comment = lines.findIndex((l) => /^\s*\/\*.*\*\/\s*$/.test(l) || /^\/\*/.test(l));
  const changes: string[] = [];
  const subChange = vscode.languages.onDidChangeDiagnostics((e) => { for (const u of e.uris) changes.push(u.fsPath); });
  const published: number[] = [];
  const subPub = apiNow.diagnostics.onDidPublish((p) => { if (p.file === netmem.fsPath) published.push(Date.now()); });
  await editor.edit((e) => e.insert(new vscode.Position(comment, lines[comment].length), ' '));
  await until('the check after a space in a comment', () => published.length > 0, 20000);
  await new Promise((r) => setTimeout(r, 300)); // VS Code holds diagnostics events for 50 ms
  await vscode.commands.executeCommand('undo');
  await until('the check after its undo', () => published.length > 1, 20000);
  await new Promise((r) => setTimeout(r, 300));
  subChange.dispose(); subPub.dispose();
  step('unchanged', { published: published.length, changed: changes.filter((f) => f === netmem.fsPath).length, line: comment + 1, restored: doc.getText() === lines.join('\n') });

  // Restart the engine with the mirror broken again, unsaved: the fresh engine process re-checks netmem.h from the
  // editor's text (not the disk's, where the mirror holds), so the error is published again by it.
  const api = ext.exports as OverlayLensApi;
  await editor.edit((e) => {
    e.replace(new vscode.Range(a, 0, a, lines[a].length), lines[b]);
    e.replace(new vscode.Range(b, 0, b, lines[b].length), lines[a]);
  });
  await until('the assert-fails error before the restart', () => vscode.languages.getDiagnostics(netmem).some((d) => d.code === 'overlay/assert-fails'), 20000);
  const republished: number[] = [];
  const sub = api.diagnostics.onDidPublish((p) => { if (p.file === netmem.fsPath) republished.push(Date.now()); });
  const pidBefore = (await api.ctx.engine.request('memory', {})).pid;
  const t2 = Date.now();
  await vscode.commands.executeCommand('overlayLens.restart');
  await until('netmem.h checked by the restarted engine', () => republished.length > 0, 60000);
  sub.dispose();
  const pidAfter = (await api.ctx.engine.request('memory', {})).pid;
  // the old engine process is gone: signal 0 to a pid that exited throws ESRCH
  let oldAlive = false;
  try { if (pidBefore) { process.kill(pidBefore, 0); oldAlive = true; } } catch { oldAlive = false; }
  const afterRestart = vscode.languages.getDiagnostics(netmem).filter((d) => d.code === 'overlay/assert-fails').length;
  await vscode.commands.executeCommand('undo');
  await until('the error to go away after the restart', () => !vscode.languages.getDiagnostics(netmem).some((d) => d.severity === vscode.DiagnosticSeverity.Error), 20000);
  step('restarted', { ms: republished[0] - t2, failingAfterRestart: afterRestart, restored: doc.getText() === lines.join('\n'), pidBefore, pidAfter, hostPid: process.pid, oldAlive });

  // Restart with netmem.h as on disk: the fresh engine answers its first check from the answer this session's
  // first check kept (every file it was made from unchanged), then checks for real; the diagnostics stay the same.
  const shown = () => vscode.languages.getDiagnostics(netmem).map((d) => `${d.code}@${d.range.start.line}:${d.severity}`).sort().join(' ');
  const before = shown();
  const keptAt: number[] = [];
  const sub2 = api.diagnostics.onDidPublish((p) => { if (p.file === netmem.fsPath) keptAt.push(Date.now()); });
  const t3 = Date.now();
  await vscode.commands.executeCommand('overlayLens.restart');
  await until('netmem.h answered by the engine restarted with the file as on disk', () => keptAt.length > 0, 60000);
  sub2.dispose();
  const answer = api.diagnostics.results.get(netmem.fsPath);
  // the real check after it: a layout request waits for it (same thread), and nothing is published again
  await vscode.commands.executeCommand<CodeLens[]>('vscode.executeCodeLensProvider', netmem, 10);
  step('kept', { ms: keptAt[0] - t3, kept: answer?.kept === true, before, after: shown(), publishes: keptAt.length, dirty: doc.isDirty });

  // The dependants rule: with netmem.h open, an edit of mm_types.h (which netmem.h includes) re-checks netmem.h.
  // Twice: from the second check on, an answer leaves out an unchanged includes list, and the rule must still hold.
  const mm = vscode.Uri.file(path.join(root, 'include/linux/mm_types.h'));
  const mmDoc = await vscode.workspace.openTextDocument(mm);
  const mmEditor = await vscode.window.showTextDocument(mmDoc, { preview: false });
  await until('mm_types.h checked', () => api.diagnostics.results.has(mm.fsPath), 30000);
  const mmLines = mmDoc.getText().split('\n');
  const magic = mmLines.findIndex((l) => /^\t\t\tunsigned long pp_magic;/.test(l));
  if (magic < 0) throw new Error('no pp_magic line in struct page of the sample mm_types.h');
  const failingIn = (u: typeof netmem) => vscode.languages.getDiagnostics(u).some((d) => d.code === 'overlay/assert-fails');
  const dependant: number[] = [];
  for (let round = 0; round < 2; round++) {
    const t = Date.now();
    await mmEditor.edit((e) => e.insert(new vscode.Position(magic, 0), '\t\t\tunsigned long inserted;\n'));
    await until(`netmem.h's mirror failing after mm_types.h grew (round ${round + 1})`, () => failingIn(netmem), 20000);
    dependant.push(Date.now() - t);
    await vscode.commands.executeCommand('undo');
    await until(`netmem.h clean again after the undo (round ${round + 1})`, () => !failingIn(netmem), 20000);
  }
  step('dependant', { ms: dependant, restored: mmDoc.getText() === mmLines.join('\n'), includes: api.diagnostics.results.get(netmem.fsPath)?.includes?.length ?? 0 });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

  const pp = vscode.Uri.file(path.join(root, 'include/net/page_pool/types.h'));
  const ppDoc = await vscode.workspace.openTextDocument(pp);
  await vscode.window.showTextDocument(ppDoc);
  const ppLines = ppDoc.getText().split('\n');
  const macroLine = ppLines.findIndex((l) => /#define PP_ALLOC_CACHE_SIZE/.test(l));
  const simHover = await until('the simulator hover', async () => {
    const t = hoverText(await vscode.commands.executeCommand<Hover[]>('vscode.executeHoverProvider', pp, new vscode.Position(macroLine, ppLines[macroLine].indexOf('PP_ALLOC_CACHE_SIZE') + 3)));
    return /page_pool preview/.test(t) ? t : undefined;
  }, 30000);
  step('sim-hover', { text: simHover.value, macroLine: ppLines[macroLine] });
  // Another architecture: the tree reopens and the lens over struct net_iov gives that target's size (layouts
  // kept by document version alone would still say x86_64's), then back.
  const cfg = vscode.workspace.getConfiguration('overlayLens');
  const iovLens = async () => ((await vscode.commands.executeCommand<CodeLens[]>('vscode.executeCodeLensProvider', netmem, 10)) ?? []).map((l) => l.command?.title ?? '').find((t) => t.startsWith('struct net_iov:'));
  const x86_64 = await iovLens();
  await cfg.update('arch', 'i386', vscode.ConfigurationTarget.Workspace);
  const i386 = await until('the net_iov lens under i386', async () => { const t = await iovLens(); return t && t !== x86_64 ? t : undefined; }, 60000, 200);
  await cfg.update('arch', undefined, vscode.ConfigurationTarget.Workspace);
  await until('the net_iov lens back on x86_64', async () => ((await iovLens()) === x86_64 ? true : undefined), 60000, 200);
  step('arch-lens', { x86_64, i386: i386.value });

  // Check Workspace with overlayLens.sweepConfigs: a member only i386 has (unsaved) breaks the mirrors there
  // alone, which the sweep reports as config-dependent, naming i386; the as-you-type check (x86_64) stays clean
  const netmemEditor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const magicLine = doc.getText().split('\n').findIndex((l) => /^\tunsigned long pp_magic;/.test(l));
  await cfg.update('sweepConfigs', ['tree', 'i386'], vscode.ConfigurationTarget.Workspace);
  await netmemEditor.edit((e) => e.insert(new vscode.Position(magicLine, 0), '#ifdef __i386__\n\tunsigned long only_on_i386;\n#endif\n'));
  await vscode.commands.executeCommand('overlayLens.checkWorkspace');
  const sweepShown = vscode.languages.getDiagnostics(netmem).filter((d) => d.code === 'overlay/config-dependent').map((d) => ({ message: d.message, line: d.range.start.line + 1, severity: d.severity }));
  const failingHere = vscode.languages.getDiagnostics(netmem).filter((d) => d.code === 'overlay/assert-fails').length;
  await vscode.commands.executeCommand('undo');
  await cfg.update('sweepConfigs', undefined, vscode.ConfigurationTarget.Workspace);
  const staleLeft = vscode.languages.getDiagnostics(netmem).filter((d) => d.code === 'overlay/config-dependent').length;
  step('sweep', { shown: sweepShown, failingHere, staleLeft, restored: doc.getText() === lines.join('\n') });
  // leave netmem.h in front for the UI tests
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
};
