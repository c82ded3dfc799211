// The overlay view: struct A and struct B side by side as byte maps (A's
// fields above, in lanes where a union's alternatives overlap; B's below),
// cacheline lines every 64 bytes, B's holes, colours by mirror status; then a
// row per byte range. A field's name is a link to its declaration. The
// extension posts a new map after every check of the file, so the view
// follows the edits. DOM built with elements and textContent only; sizes set
// through the CSSOM (the CSP allows no style attributes).
export {}; // a module: each view script has a scope of its own
interface Place { file: string; line: number; column: number }
interface Row { field: string; type: string; start: number; end: number; overlays: string[]; status: string; note?: string; at?: Place; overlayAt?: Array<Place | null> }
interface AField { path: string; type: string; start: number; end: number; at?: Place }
interface Mirror { a: string; b: string; aSize: number; bSize: number; regions: Array<{ start: number; end: number; label: string }>; rows: Row[]; aFields?: AField[] }
interface Data { mirrors: Mirror[]; note?: string }

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscode = acquireVsCodeApi();

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

/** A click on `e` opens `at` in the editor (the extension checks the place is one it sent). */
function revealsOnClick(e: HTMLElement, at: Place | null | undefined): void {
  if (at) e.addEventListener('click', () => vscode.postMessage({ type: 'reveal', file: at.file, line: at.line, column: at.column }));
}

/** A name that opens its declaration when clicked. */
function link(text: string, at: Place | null | undefined, cls = ''): HTMLElement {
  const a = el('span', text, `${cls} ${at ? 'link' : ''}`.trim());
  if (at) a.title = `${text}: ${at.file.split('/').slice(-2).join('/')}:${at.line}`;
  revealsOnClick(a, at);
  return a;
}

const CACHELINE = 64;

/** A segment of a strip: [start, end) of `total` bytes, placed by percentages. */
function segment(start: number, end: number, total: number, text: string, cls: string, lane = 0): HTMLElement {
  const s = el('div', text, `seg ${cls}`);
  s.style.left = `${(start / total) * 100}%`;
  s.style.width = `${((end - start) / total) * 100}%`;
  s.style.top = `${lane * 20}px`;
  return s;
}

/** Greedy lanes: each field in the first lane where it overlaps nothing (a union's alternatives stack). */
function lanes<T extends { start: number; end: number }>(xs: T[]): Array<{ x: T; lane: number }> {
  const ends: number[] = [];
  return [...xs].sort((p, q) => p.start - q.start || q.end - p.end).map((x) => {
    let lane = ends.findIndex((e) => e <= x.start);
    if (lane < 0) { lane = ends.length; ends.push(0); }
    ends[lane] = x.end;
    return { x, lane };
  });
}

function holesOf(rows: Row[], size: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let at = 0;
  for (const r of [...rows].sort((p, q) => p.start - q.start)) {
    if (r.start > at) out.push({ start: at, end: r.start });
    at = Math.max(at, r.end);
  }
  if (size > at) out.push({ start: at, end: size });
  return out;
}

function strip(label: string, total: number, parts: HTMLElement[], laneCount: number): HTMLElement {
  const row = el('div', undefined, 'map-row');
  row.append(el('div', label, 'map-label'));
  const body = el('div', undefined, 'strip');
  body.style.height = `${Math.max(1, laneCount) * 20}px`;
  for (let off = CACHELINE; off < total; off += CACHELINE) {
    const line = el('div', undefined, 'cacheline');
    line.style.left = `${(off / total) * 100}%`;
    body.append(line);
  }
  body.append(...parts);
  row.append(body);
  return row;
}

function render(data: Data): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  if (!data.mirrors || data.mirrors.length === 0) { root.append(el('p', data.note ?? 'No overlay pairs in this file.')); return; }
  const legend = el('p', undefined, 'legend');
  const chips = [['asserted', 'asserted'], ['unasserted', 'overlays, no assert'], ['assert-fails', 'failing'], ['padding', 'padding'], ['hole', 'hole']];
  // a descriptor that starts with a whole struct A and goes on past it (net_iov after its netmem_desc)
  if (data.mirrors.some((m) => m.rows.some((r) => r.status === 'own'))) chips.push(['own', 'its own, past the A it starts with']);
  for (const [cls, text] of chips) legend.append(el('span', text, `chip ${cls}`));
  root.append(legend);
  for (const m of data.mirrors) {
    root.append(el('h2', `struct ${m.b} (${m.bSize} bytes) over struct ${m.a} (${m.aSize} bytes)`));
    for (const r of m.regions) root.append(el('p', `mirrored region: ${r.label} (bytes ${r.start}..${r.end})`));
    const holes = holesOf(m.rows, m.bSize);
    const aFields = m.aFields ?? [];
    const total = Math.max(m.bSize, ...m.rows.map((r) => r.end), ...aFields.map((f) => f.end), 1);
    // what covers each A field: the status of the B row over it (the worst when several)
    const rank = (s: string) => (/fails|differs|outside|moved/.test(s) ? 3 : s === 'unasserted' ? 2 : s === 'asserted' || s === 'group' ? 1 : 0);
    const over = (f: AField) => m.rows.filter((r) => r.start < f.end && r.end > f.start).map((r) => r.status).sort((p, q) => rank(q) - rank(p))[0] ?? 'free';
    const placedA = lanes(aFields);
    const aParts = placedA.map(({ x, lane }) => {
      const s = segment(x.start, x.end, total, x.path, `${over(x)} a-field`, lane);
      s.title = `struct ${m.a}.${x.path}: ${x.type}, bytes ${x.start}..${x.end}`;
      revealsOnClick(s, x.at);
      return s;
    });
    const bParts = [
      ...m.rows.map((r) => {
        const s = segment(r.start, r.end, total, r.field, r.status);
        s.title = `struct ${m.b}.${r.field}: ${r.type}, bytes ${r.start}..${r.end} → ${r.overlays.join(', ') || 'nothing'} (${r.status}${r.note ? `: ${r.note}` : ''})`;
        revealsOnClick(s, r.at);
        return s;
      }),
      ...holes.map((h) => { const s = segment(h.start, h.end, total, '', 'hole'); s.title = `hole: bytes ${h.start}..${h.end} (${h.end - h.start} bytes)`; return s; }),
    ];
    const maps = el('div', undefined, 'maps');
    maps.append(strip(`struct ${m.a}`, total, aParts, 1 + Math.max(0, ...placedA.map((p) => p.lane))), strip(`struct ${m.b}`, total, bParts, 1));
    const scale = el('div', undefined, 'map-row');
    scale.append(el('div', '', 'map-label'));
    const ticks = el('div', undefined, 'strip scale');
    for (let off = 0; off <= total; off += Math.max(8, CACHELINE / 2)) {
      const t = el('span', String(off), 'tick');
      t.style.left = `${(off / total) * 100}%`;
      ticks.append(t);
    }
    scale.append(ticks);
    maps.append(scale);
    root.append(maps);

    const table = el('table');
    const head = el('tr');
    for (const h of ['offset', 'size', `struct ${m.b}`, `struct ${m.a}`, 'status']) head.append(el('th', h));
    table.append(head);
    const lines: Array<{ start: number; row?: Row; hole?: { start: number; end: number } }> = [...m.rows.map((r) => ({ start: r.start, row: r })), ...holes.map((h) => ({ start: h.start, hole: h }))].sort((p, q) => p.start - q.start);
    let cacheline = 0;
    for (const x of lines) {
      while (x.start >= (cacheline + 1) * CACHELINE) {
        cacheline++;
        const sep = el('tr', undefined, 'cacheline-row');
        const td = el('td', `cacheline ${cacheline} (byte ${cacheline * CACHELINE})`);
        td.colSpan = 5;
        sep.append(td);
        table.append(sep);
      }
      const tr = el('tr');
      if (x.row) {
        const r = x.row;
        const bCell = el('td');
        bCell.append(el('span', `${r.type} `, 'type'), link(r.field, r.at));
        const aCell = el('td');
        if (!r.overlays.length) aCell.append('—');
        r.overlays.forEach((o, i) => { if (i) aCell.append(' | '); aCell.append(link(o, r.overlayAt?.[i])); });
        tr.append(el('td', String(r.start)), el('td', String(r.end - r.start)), bCell, aCell, el('td', r.status + (r.note ? ` (${r.note})` : ''), r.status));
      } else if (x.hole) {
        const h = x.hole;
        tr.append(el('td', String(h.start)), el('td', String(h.end - h.start)), el('td', `hole, ${h.end - h.start} bytes`, 'hole-text'), el('td', ''), el('td', 'hole', 'hole-text'));
      }
      table.append(tr);
    }
    root.append(table);
  }
}

render(JSON.parse(document.getElementById('data')!.textContent ?? '{}') as Data);
// a check of the file since: the map as it is now (the extension sends only what it may reveal)
window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as { type?: unknown; data?: unknown };
  if (m && m.type === 'update' && m.data && typeof m.data === 'object') render(m.data as Data);
});
