// Runs inside the real extension host of code-server, beside Overlay Lens,
// and asks VS Code's own API what a user would see: diagnostics, hovers,
// code lenses, the webview tab. Writes what it saw to OVERLAY_LENS_E2E_OUT.
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
const text = (h) => h.flatMap((x) => x.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');

async function run(out) {
  const results = { steps: [] };
  const step = (name, data) => { results.steps.push({ name, ...data }); fs.writeFileSync(out, JSON.stringify(results, null, 1)); };
  try {
    const ext = vscode.extensions.getExtension('overlay-lens.overlay-lens');
    if (!ext) throw new Error('Overlay Lens is not installed');
    await ext.activate();
    step('activated', { ok: ext.isActive });
    const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const netmem = vscode.Uri.file(path.join(root, 'include/net/netmem.h'));
    const doc = await vscode.workspace.openTextDocument(netmem);
    const editor = await vscode.window.showTextDocument(doc);
    step('language', { languageId: doc.languageId });
    const warn = await until('the unasserted-field warning', () => vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/unasserted-field'), 60000);
    step('warning', { message: warn.value.message, line: warn.value.range.start.line + 1, severity: warn.value.severity, ms: warn.ms });

    const lines = doc.getText().split('\n');
    const refLine = lines.findIndex((l) => /atomic_long_t pp_ref_count;/.test(l));
    const hover = await until('a hover on pp_ref_count', async () => {
      const h = await vscode.commands.executeCommand('vscode.executeHoverProvider', netmem, new vscode.Position(refLine, lines[refLine].indexOf('pp_ref_count') + 2));
      const t = text(h || []);
      return /offset/.test(t) ? t : undefined;
    }, 20000);
    step('hover', { text: hover.value });

    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', netmem, 10);
    step('codelens', { titles: (lenses || []).map((l) => l.command && l.command.title).filter(Boolean) });

    // Break the mirror: swap pp_magic and pp, unsaved, as a user typing would.
    const a = lines.findIndex((l) => /unsigned long pp_magic;/.test(l));
    const b = lines.findIndex((l) => /struct page_pool \*pp;/.test(l));
    const t0 = Date.now();
    await editor.edit((e) => {
      e.replace(new vscode.Range(a, 0, a, lines[a].length), lines[b]);
      e.replace(new vscode.Range(b, 0, b, lines[b].length), lines[a]);
    });
    const err = await until('an assert-fails error', () => vscode.languages.getDiagnostics(netmem).find((d) => d.code === 'overlay/assert-fails' && d.severity === vscode.DiagnosticSeverity.Error), 20000);
    step('broken', { message: err.value.message, line: err.value.range.start.line + 1, ms: Date.now() - t0 });
    const t1 = Date.now();
    await vscode.commands.executeCommand('undo');
    await until('the error to go away', () => !vscode.languages.getDiagnostics(netmem).some((d) => d.severity === vscode.DiagnosticSeverity.Error), 20000);
    step('fixed', { ms: Date.now() - t1, dirty: doc.isDirty });

    await vscode.commands.executeCommand('overlayLens.showOverlay');
    const tab = await until('the overlay webview tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Overlay Map/.test(t.label)), 20000);
    step('overlay-view', { label: tab.value.label });

    const pp = vscode.Uri.file(path.join(root, 'include/net/page_pool/types.h'));
    const ppDoc = await vscode.workspace.openTextDocument(pp);
    await vscode.window.showTextDocument(ppDoc);
    const ppLines = ppDoc.getText().split('\n');
    const macroLine = ppLines.findIndex((l) => /#define PP_ALLOC_CACHE_SIZE/.test(l));
    const simHover = await until('the simulator hover', async () => {
      const h = await vscode.commands.executeCommand('vscode.executeHoverProvider', pp, new vscode.Position(macroLine, ppLines[macroLine].indexOf('PP_ALLOC_CACHE_SIZE') + 3));
      const t = text(h || []);
      return /page_pool preview/.test(t) ? t : undefined;
    }, 30000);
    step('sim-hover', { text: simHover.value });
    await vscode.commands.executeCommand('overlayLens.runPagePoolSimulation', 'steady-rx');
    const simTab = await until('the simulation webview tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /page_pool: steady-rx/.test(t.label)), 20000);
    step('sim-view', { label: simTab.value.label });
    // leave netmem.h in front with its problems for the UI checks and the screenshot
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    step('done', { ok: true });
  } catch (e) {
    step('error', { message: String(e && e.stack || e) });
  }
}

exports.activate = () => {
  const out = process.env.OVERLAY_LENS_E2E_OUT;
  if (out) void run(out);
};
