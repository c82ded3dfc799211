// The page_pool simulation view: stat bars in the kernel's names and charts
// over time (cache and ring occupancy, inflight, allocations by path) drawn
// on canvas from a downsampled timeline; export goes through the extension.
export {}; // a module: each view script has a scope of its own
interface Snap { op: number; cache: number; ring: number; inflight: number; fast: number; slow: number; refill: number; cached: number; recycled_ring: number; released: number }
interface Result { scenario?: string; summary?: string; stats: { alloc: Record<string, number>; recycle: Record<string, number> }; hold_cnt: number; release_cnt: number; inflight: number; cache: number; ring: number; memory: Record<string, unknown>; timeline: Snap[]; notes?: string[] }

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscodeApi = acquireVsCodeApi();
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

const r = JSON.parse(document.getElementById('data')!.textContent ?? '{}') as Result;
const root = document.getElementById('root')!;
root.append(el('h2', `page_pool simulation${r.scenario ? `: ${r.scenario}` : ''}`));
if (r.summary) root.append(el('p', r.summary));
for (const n of r.notes ?? []) root.append(el('p', n));

const css = getComputedStyle(document.body);
const color = (v: string, fallback: string) => css.getPropertyValue(v).trim() || fallback;
const series: Array<[string, (s: Snap) => number, string]> = [
  ['cache', (s) => s.cache, color('--vscode-charts-blue', '#3794ff')],
  ['ring', (s) => s.ring, color('--vscode-charts-orange', '#d18616')],
  ['inflight', (s) => s.inflight, color('--vscode-charts-green', '#89d185')],
];
const rates: Array<[string, (s: Snap) => number, string]> = [
  ['alloc fast', (s) => s.fast, color('--vscode-charts-blue', '#3794ff')],
  ['alloc slow', (s) => s.slow, color('--vscode-charts-red', '#f14c4c')],
  ['recycle cached', (s) => s.cached, color('--vscode-charts-green', '#89d185')],
  ['recycle ring', (s) => s.recycled_ring, color('--vscode-charts-orange', '#d18616')],
];

/** At most `max` points: keep each bucket's last sample (counters are cumulative). */
function downsample(t: Snap[], max: number): Snap[] {
  if (t.length <= max) return t;
  const step = t.length / max;
  const out: Snap[] = [];
  for (let i = 1; i <= max; i++) out.push(t[Math.min(t.length - 1, Math.floor(i * step) - 1)]);
  return out;
}

function chart(title: string, lines: typeof series, delta: boolean): void {
  root.append(el('h3', title));
  const legend = el('div');
  for (const [name, , c] of lines) { const s = el('span', `■ ${name}  `); s.style.color = c; legend.append(s); }
  root.append(legend);
  const canvas = el('canvas');
  root.append(canvas);
  const draw = () => {
    const w = (canvas.width = canvas.clientWidth * devicePixelRatio);
    const h = (canvas.height = canvas.clientHeight * devicePixelRatio);
    const g = canvas.getContext('2d')!;
    const pts = downsample(r.timeline ?? [], Math.max(50, Math.floor(w / 2)));
    const values = lines.map(([, f]) => pts.map((p, i) => (delta ? f(p) - (i ? f(pts[i - 1]) : 0) : f(p))));
    const max = Math.max(1, ...values.flat());
    g.clearRect(0, 0, w, h);
    values.forEach((vs, k) => {
      g.strokeStyle = lines[k][2];
      g.lineWidth = devicePixelRatio;
      g.beginPath();
      vs.forEach((v, i) => { const x = (i / Math.max(1, vs.length - 1)) * w; const y = h - (v / max) * (h - 4) - 2; if (i) g.lineTo(x, y); else g.moveTo(x, y); });
      g.stroke();
    });
  };
  draw();
  new ResizeObserver(draw).observe(canvas);
}
chart('occupancy over time', series, false);
chart('allocations and recycling per interval', rates, true);

function bars(title: string, stats: Record<string, number>): void {
  root.append(el('h3', title));
  const table = el('table');
  const max = Math.max(1, ...Object.values(stats));
  for (const [k, v] of Object.entries(stats)) {
    const tr = el('tr');
    const bar = el('div', undefined, 'bar');
    bar.style.width = `${(300 * v) / max}px`;
    const td = el('td');
    td.append(bar);
    tr.append(el('td', k), el('td', String(v)), td);
    table.append(tr);
  }
  root.append(table);
}
bars('alloc', r.stats.alloc);
bars('recycle', r.stats.recycle);
bars('state', { hold_cnt: r.hold_cnt, release_cnt: r.release_cnt, inflight: r.inflight, cache: r.cache, ring: r.ring });
root.append(el('p', `memory: ${Object.entries(r.memory).map(([k, v]) => `${k} ${v}`).join(', ')}`));
const exportJson = el('button', 'Export JSON');
const exportCsv = el('button', 'Export CSV');
exportJson.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'json' }));
exportCsv.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'csv' }));
root.append(exportJson, exportCsv);
