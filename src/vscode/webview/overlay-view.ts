// The overlay view: struct B's fields over struct A, a row per byte range and
// a byte grid where overlapping fields show side by side. DOM built with
// elements and textContent only.
interface Row { field: string; type: string; start: number; end: number; overlays: string[]; status: string; note?: string }
interface Mirror { a: string; b: string; aSize: number; bSize: number; regions: Array<{ start: number; end: number; label: string }>; rows: Row[] }

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

const data = JSON.parse(document.getElementById('data')!.textContent ?? '{}') as { mirrors: Mirror[]; note?: string };
const root = document.getElementById('root')!;
if (!data.mirrors || data.mirrors.length === 0) root.append(el('p', data.note ?? 'No overlay pairs in this file.'));
for (const m of data.mirrors ?? []) {
  root.append(el('h2', `struct ${m.b} (${m.bSize} bytes) over struct ${m.a} (${m.aSize} bytes)`));
  for (const r of m.regions) root.append(el('p', `mirrored region: ${r.label} (bytes ${r.start}..${r.end})`));
  const table = el('table');
  const head = el('tr');
  for (const h of ['offset', 'size', `struct ${m.b}`, `struct ${m.a}`, 'status']) head.append(el('th', h));
  table.append(head);
  for (const r of m.rows) {
    const tr = el('tr');
    tr.append(el('td', String(r.start)), el('td', String(r.end - r.start)), el('td', `${r.type} ${r.field}`), el('td', r.overlays.join(' | ') || '—'), el('td', r.status + (r.note ? ` (${r.note})` : ''), r.status));
    table.append(tr);
  }
  root.append(table);
  const grid = el('div', undefined, 'grid');
  const bytes = Math.max(m.bSize, ...m.rows.map((r) => r.end));
  for (let off = 0; off < bytes; off += 8) {
    const row = m.rows.find((r) => off >= r.start && off < r.end);
    const cell = el('div', row ? `${off}: ${row.field}` : `${off}: —`, `byte ${row?.status ?? ''}`);
    cell.title = row ? `${row.type} ${row.field} → ${row.overlays.join(', ') || 'nothing'} (${row.status})` : 'padding';
    grid.append(cell);
  }
  root.append(grid);
}
