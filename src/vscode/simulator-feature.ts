// The page_pool simulator in the editor: "Overlay Lens: Run Page Pool
// Simulation…" (scenario or trace file → a webview with charts and stat
// bars, exportable), and hovers on page_pool API names and PP_* macros that
// run the default scenario with the parameters as the code has them, and
// with the hovered value doubled.
import * as vscode from 'vscode';
import { Ctx } from './context';
import { webviewHtml } from './webview-html';
import { SCENARIOS } from '../engine/simulator/scenarios';

interface SimOut {
  scenario?: string;
  stats: { alloc: Record<string, number>; recycle: Record<string, number> };
  hold_cnt: number; release_cnt: number; inflight: number; cache: number; ring: number;
  memory: Record<string, unknown>;
  timeline: Array<Record<string, number>>;
}

const TUNABLE: Record<string, string> = { PP_ALLOC_CACHE_SIZE: 'PP_ALLOC_CACHE_SIZE', PP_ALLOC_CACHE_REFILL: 'PP_ALLOC_CACHE_REFILL', pool_size: 'pool_size' };

export function activateSimulator(context: vscode.ExtensionContext, ctx: Ctx): void {
  context.subscriptions.push(vscode.commands.registerCommand('overlayLens.runPagePoolSimulation', async (scenarioArg?: string) => {
    let scenario = scenarioArg;
    let traceFile: string | undefined;
    if (!scenario) {
      const pick = await vscode.window.showQuickPick([
        ...SCENARIOS.map((s) => ({ label: s.name, detail: s.summary })),
        { label: '$(file) Trace file…', detail: 'a JSON trace (schemas/page-pool-trace.schema.json)' },
      ], { title: 'Run Page Pool Simulation', ignoreFocusOut: true });
      if (!pick) return;
      if (pick.label.startsWith('$(file)')) {
        const f = await vscode.window.showOpenDialog({ filters: { 'page_pool trace': ['json'] }, canSelectMany: false });
        if (!f?.[0]) return;
        traceFile = f[0].fsPath;
        scenario = 'trace';
      } else scenario = pick.label;
    }
    await ctx.ready().catch(() => undefined);
    let result: SimOut;
    try {
      result = await ctx.engine.request('simulate', { scenario, traceFile }) as SimOut;
    } catch (e) {
      void vscode.window.showErrorMessage(`Overlay Lens: simulation failed: ${(e as Error).message}`);
      return;
    }
    const panel = vscode.window.createWebviewPanel('overlayLens.simulation', `page_pool: ${scenario}`, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] });
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'simulator-view.js', `page_pool: ${scenario}`, result);
    panel.webview.onDidReceiveMessage(async (m: unknown) => {
      // Only the two messages the view may send, checked before anything is written.
      if (!m || typeof m !== 'object' || (m as { type?: unknown }).type !== 'export') return;
      const format = (m as { format?: unknown }).format;
      if (format !== 'json' && format !== 'csv') return;
      const uri = await vscode.window.showSaveDialog({ filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] } });
      if (!uri) return;
      const body = format === 'json' ? JSON.stringify(result, null, 1) : csv(result.timeline);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(body));
    });
  }));

  context.subscriptions.push(vscode.languages.registerHoverProvider([{ language: 'c' }, { language: 'cpp' }], {
    async provideHover(doc, pos) {
      const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_]\w*/);
      if (!range) return undefined;
      const word = doc.getText(range);
      if (!/^(PP_[A-Z_]+|page_pool_\w+)$/.test(word)) return undefined;
      await ctx.ready().catch(() => undefined);
      // the parameters as the code stands now, unsaved text included
      if (ctx.inTree(doc)) await ctx.engine.request('setFileText', { file: doc.uri.fsPath, text: doc.isDirty ? doc.getText() : undefined }).catch(() => undefined);
      const base = await ctx.engine.request('simParams', {}).catch(() => undefined);
      const params = base?.params ?? {};
      const now = await ctx.engine.request('simulate', { scenario: 'steady-rx', rounds: 2000, overrides: params as Record<string, number | boolean> }) as SimOut;
      const key = TUNABLE[word];
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**page_pool preview** — steady RX, 2000 NAPI polls, parameters as the code has them${base?.fromTree.length ? ` (${base.fromTree.join(', ')})` : ''}\n\n`);
      let doubled: SimOut | undefined;
      if (key && typeof params[key] === 'number') {
        doubled = await ctx.engine.request('simulate', { scenario: 'steady-rx', rounds: 2000, overrides: { ...(params as Record<string, number | boolean>), [key]: (params[key] as number) * 2 } }) as SimOut;
      }
      md.appendMarkdown(`| stat | now |${doubled ? ` ${key} × 2 |` : ''}\n|---|---:|${doubled ? '---:|' : ''}\n`);
      const rows: Array<[string, number, number | undefined]> = [];
      for (const [k, v] of Object.entries(now.stats.alloc)) rows.push([`alloc ${k}`, v, doubled?.stats.alloc[k]]);
      for (const [k, v] of Object.entries(now.stats.recycle)) rows.push([`recycle ${k}`, v, doubled?.stats.recycle[k]]);
      rows.push(['hold_cnt', now.hold_cnt, doubled?.hold_cnt], ['inflight', now.inflight, doubled?.inflight]);
      for (const [k, v, d] of rows) md.appendMarkdown(`| ${k} | ${v} |${doubled ? ` ${d}${d !== v ? ' ◀' : ''} |` : ''}\n`);
      md.appendMarkdown(`\n[Run a simulation…](command:overlayLens.runPagePoolSimulation)`);
      md.isTrusted = { enabledCommands: ['overlayLens.runPagePoolSimulation'] };
      return new vscode.Hover(md, range);
    },
  }));
}

function csv(timeline: Array<Record<string, number>>): string {
  if (!timeline.length) return '';
  const keys = Object.keys(timeline[0]);
  return [keys.join(','), ...timeline.map((t) => keys.map((k) => t[k]).join(','))].join('\n') + '\n';
}
