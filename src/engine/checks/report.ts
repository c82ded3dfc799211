// The result of `check`, and its three printed forms: text for a terminal,
// the JSON the issue specifies, and SARIF 2.1.0 for code-scanning uploads.
import * as path from 'node:path';
import { AssertClass, AssertResult, macroCall, summarize } from './asserts';
import { Finding, Move, RULES, Severity } from './findings';
import { MirrorMap } from './mirror-map';
import { Overhead, formatOverhead } from './overhead';

export interface CheckReport {
  /** the tree's source dir: file paths in output are made relative to it */
  root: string;
  configLabel: string;
  asserts: AssertResult[];
  findings: Finding[];
  mirrors: MirrorMap[];
  overheads: Overhead[];
  /** things that could not be checked, with why (a struct not found, a header unreadable) */
  notes: string[];
  /** sweep: the configurations checked */
  sweep?: string[];
  /**
   * Keys (or key prefixes, a pair's `A:B:`) of findings this run could not decide either way: an
   * overlay pair it could not lay out, a tag check whose alignment is unknown. A sweep reads a
   * finding's absence from such a run as unknown, not as "not under" it.
   */
  undecided?: string[];
  /** the files checked, the unit that read each, and whether kbuild compiles it under this configuration */
  files?: CheckedFile[];
}

export interface CheckedFile {
  file: string;
  /** the .c file whose unit read this header, or the file itself */
  via: string;
  kbuild?: { built: 'y' | 'm' | 'n'; why: string };
  asserts: number;
}

const CLASS_ORDER: AssertClass[] = ['layout', 'constant', 'type-check', 'runtime', 'path'];

/** pass/fail/unknown per class of assert (what kind of property it states). */
export function classSummary(asserts: AssertResult[]): Record<string, { pass: number; fail: number; unknown: number }> {
  const out: Record<string, { pass: number; fail: number; unknown: number }> = {};
  for (const c of CLASS_ORDER) if (asserts.some((a) => a.class === c)) out[c] = summarize(asserts.filter((a) => a.class === c));
  if (asserts.some((a) => !a.class)) out.unclassified = summarize(asserts.filter((a) => !a.class));
  return out;
}

/** The reason with names and numbers taken out, so asserts unknown for one cause group together. */
export function reasonKey(reason: string): string {
  return reason.replace(/'[^']*'/g, "'…'").replace(/\b(struct|union|enum) (?!(?:definition|defined|is|has|of|in|with)\b)\w+/g, '$1 X').replace(/\b\d+\b/g, 'N').slice(0, 140);
}

/** Unknown asserts grouped by class and reason, biggest group first. */
export function unknownGroups(asserts: AssertResult[]): Array<{ cls: string; reason: string; count: number; example: AssertResult }> {
  const groups = new Map<string, { cls: string; reason: string; count: number; example: AssertResult }>();
  for (const a of asserts) {
    if (a.status !== 'unknown') continue;
    const cls = a.class ?? 'unclassified';
    const reason = reasonKey(a.reason ?? 'no reason given');
    const k = `${cls}\0${reason}`;
    const g = groups.get(k);
    if (g) g.count++;
    else groups.set(k, { cls, reason, count: 1, example: a });
  }
  return [...groups.values()].sort((x, y) => y.count - x.count || (x.cls < y.cls ? -1 : 1));
}

export function failed(report: CheckReport): boolean {
  return report.findings.some((f) => f.severity === 'error') || report.asserts.some((a) => a.status === 'fail');
}

/** "net_iov.pp_magic must be at offset 8, not 16: where net_iov.pp is now (netmem.h:13)" */
export function moveText(m: Move, file: (f: string) => string = (f) => f): string {
  const where = m.at ? `: ${m.at.place === 'at' ? `where ${m.struct}.${m.at.member} is now` : `after ${m.struct}.${m.at.member}`} (${file(m.at.file)}:${m.at.line})` : '';
  return `${m.struct}.${m.field} must be at offset ${m.to}, not ${m.from}${where}`;
}

/** The key of a failing assert's finding (one per site and condition). */
export function assertKey(a: AssertResult): string {
  return `assert:${a.site.at.file}:${a.site.text}`;
}

/** Failing asserts are findings too (rule overlay/assert-fails), reported at the assert's line. */
export function assertFindings(asserts: AssertResult[]): Finding[] {
  return asserts.filter((a) => a.status === 'fail').map((a) => ({
    rule: RULES.assertFails.id, severity: RULES.assertFails.severity,
    file: a.site.at.file, line: a.site.at.line, column: a.site.at.column,
    key: assertKey(a),
    message: `${a.site.macro ? `${macroCall(a.site)}: ` : ''}${a.site.text} is false` +
      (a.lhs !== undefined && a.rhs !== undefined ? ` (${a.lhs} ${a.op ?? 'vs'} ${a.rhs})` : '') +
      (a.terms.length ? `: ${a.terms.map((t) => `${t.text} = ${t.value}`).join(', ')}` : ''),
  }));
}

const rel = (root: string, f: string) => (path.isAbsolute(f) ? path.relative(root, f) || f : f);

export function toJson(report: CheckReport): object {
  return {
    config: report.configLabel,
    ...(report.sweep ? { sweep: report.sweep } : {}),
    asserts: report.asserts.map((a) => ({
      file: rel(report.root, a.site.at.file), line: a.site.at.line, expr: a.site.text,
      ...(a.site.macro ? { macro: macroCall(a.site) } : {}),
      status: a.status, lhs: a.lhs ?? null, rhs: a.rhs ?? null, reason: a.reason ?? null,
      terms: a.terms,
      ...(a.class ? { class: a.class } : {}),
    })),
    findings: report.findings.map((f) => ({
      rule: f.rule, severity: f.severity, file: rel(report.root, f.file), line: f.line, column: f.column, message: f.message,
      fix: f.fix ? { ...f.fix, file: rel(report.root, f.fix.file) } : null,
      ...(f.move ? { move: { ...f.move, ...(f.move.at ? { at: { ...f.move.at, file: rel(report.root, f.move.at.file) } } : {}) } } : {}),
      ...(f.related?.length ? { related: f.related.map((r) => ({ ...r, file: rel(report.root, r.file) })) } : {}),
      ...(f.onlyUnder ? { onlyUnder: f.onlyUnder } : {}),
    })),
    mirrors: report.mirrors.map((m) => ({
      a: m.a.name, b: m.b.name, regions: m.regions.map((r) => ({ k: r.k, start: r.start, end: r.end, label: r.label })),
      rows: m.rows.map((r) => ({ field: r.field.path, type: r.field.type, start: r.start, end: r.end, overlays: r.overlays.map((o) => o.path), status: r.status, ...(r.note ? { note: r.note } : {}) })),
    })),
    overheads: report.overheads,
    notes: report.notes,
    ...(report.files ? { files: report.files.map((f) => ({ file: rel(report.root, f.file), via: rel(report.root, f.via), asserts: f.asserts, ...(f.kbuild ? { kbuild: f.kbuild } : {}) })) } : {}),
    summary: summarize(report.asserts),
    ...(report.asserts.some((a) => a.class) ? { byClass: classSummary(report.asserts) } : {}),
  };
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(report: CheckReport, toolVersion: string): object {
  const rules = Object.values(RULES);
  const uri = (f: string) => rel(report.root, f).split(path.sep).join('/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'overlay-lens',
          version: toolVersion,
          rules: rules.map((r) => ({
            id: r.id, name: r.title.replace(/(^|\s)(\w)/g, (_m, _s, c: string) => c.toUpperCase()).replace(/\W/g, ''),
            shortDescription: { text: r.title }, fullDescription: { text: r.help },
            defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: 'file://' + path.resolve(report.root).split(path.sep).join('/') + '/' } },
      results: report.findings.map((f) => ({
        ruleId: f.rule,
        ruleIndex: rules.findIndex((r) => r.id === f.rule),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: 'SRCROOT' }, region: { startLine: f.line, startColumn: Math.max(1, f.column) } } }],
        partialFingerprints: { overlayKey: f.key },
        ...(f.related?.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: 'SRCROOT' }, region: { startLine: r.line, startColumn: Math.max(1, r.column) } } })) } : {}),
        ...(f.fix ? {
          fixes: [{
            description: { text: f.fix.description },
            artifactChanges: [{
              artifactLocation: { uri: uri(f.fix.file), uriBaseId: 'SRCROOT' },
              replacements: [{ deletedRegion: { startLine: f.fix.insertBeforeLine, startColumn: 1, endLine: f.fix.insertBeforeLine, endColumn: 1 }, insertedContent: { text: f.fix.text + '\n' } }],
            }],
          }],
        } : {}),
      })),
    }],
  };
}

export function toText(report: CheckReport): string {
  const lines: string[] = [];
  const s = summarize(report.asserts);
  lines.push(`overlay-lens check · ${report.configLabel}${report.sweep ? ` · sweep: ${report.sweep.join(', ')}` : ''}`);
  for (const f of [...report.findings].sort((x, y) => (x.file === y.file ? x.line - y.line : x.file < y.file ? -1 : 1))) {
    lines.push(`${rel(report.root, f.file)}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.rule}]`);
    if (f.fix) lines.push(`    fix: insert before ${rel(report.root, f.fix.file)}:${f.fix.insertBeforeLine}: ${f.fix.text}`);
    if (f.move) lines.push(`    move: ${moveText(f.move, (x) => rel(report.root, x))}`);
    for (const r of f.related ?? []) lines.push(`    see ${rel(report.root, r.file)}:${r.line}: ${r.message}`);
  }
  const unknown = report.asserts.filter((a) => a.status === 'unknown');
  if (unknown.length && unknown.length <= 50) {
    lines.push('', `unknown asserts (${unknown.length}): the engine could not decide these, so it reports nothing about them`);
    for (const a of unknown) lines.push(`  ${rel(report.root, a.site.at.file)}:${a.site.at.line}: ${a.site.macro?.name ?? a.site.kind}${a.class ? ` [${a.class}]` : ''}: ${a.reason}`);
  } else if (unknown.length) {
    const groups = unknownGroups(report.asserts);
    lines.push('', `unknown asserts (${unknown.length}) by class and reason: the engine could not decide these, so it reports nothing about them (--format json lists each)`);
    for (const g of groups.slice(0, 40)) lines.push(`  ${String(g.count).padStart(5)} ${g.cls}: ${g.reason}  (e.g. ${rel(report.root, g.example.site.at.file)}:${g.example.site.at.line})`);
    if (groups.length > 40) lines.push(`  ... ${groups.length - 40} more reasons`);
  }
  for (const m of report.mirrors) {
    const counts = new Map<string, number>();
    for (const r of m.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    lines.push(`overlay struct ${m.a.name} ◀ struct ${m.b.name}: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`);
  }
  for (const o of report.overheads) lines.push(formatOverhead(o));
  for (const n of report.notes) lines.push(`note: ${n}`);
  if (report.files && report.files.length > 1) {
    const notBuilt = report.files.filter((f) => f.kbuild?.built === 'n');
    lines.push(`files: ${report.files.length} checked (${report.files.filter((f) => f.file.endsWith('.c')).length} .c, ${report.files.filter((f) => !f.file.endsWith('.c')).length} headers, ${report.files.filter((f) => !f.file.endsWith('.c') && f.via !== f.file).length} of them read from a .c unit that includes them)${notBuilt.length ? `; ${notBuilt.length} .c files are not compiled under this configuration (their ${notBuilt.reduce((n, f) => n + f.asserts, 0)} asserts are reported all the same)` : ''}`);
  }
  const classes = classSummary(report.asserts);
  if (Object.keys(classes).length > 1 || !classes.unclassified) lines.push(`by class: ${Object.entries(classes).map(([c, v]) => `${c} ${v.pass}/${v.fail}/${v.unknown}`).join(', ')} (pass/fail/unknown)`);
  lines.push(`asserts: ${s.pass} pass, ${s.fail} fail, ${s.unknown} unknown · findings: ${report.findings.filter((f) => f.severity === 'error').length} errors, ${report.findings.filter((f) => f.severity === 'warning').length} warnings, ${report.findings.filter((f) => f.severity === 'info').length} info`);
  return lines.join('\n') + '\n';
}

/** The side-by-side mirror map of `overlay-lens overlay A B`: one row per byte range. */
export function mirrorTable(m: MirrorMap): string {
  const out: string[] = [];
  out.push(`struct ${m.b.name} (${m.b.size} bytes) over struct ${m.a.name} (${m.a.size} bytes)`);
  for (const r of m.regions) out.push(`  mirrored region${m.regions.length > 1 ? ` #${r.k}` : ''}: ${r.label} (bytes ${r.start}..${r.end} of ${m.b.name})`);
  const rows = m.rows.map((r) => [
    `${String(r.start).padStart(5)} ${String(r.end - r.start).padStart(4)}`,
    `${r.field.type} ${r.field.path}`,
    r.overlays.length ? r.overlays.map((o) => `${o.type} ${o.path}${m.regions.length > 1 || r.k ? ` [#${r.k}]` : ''}`).join(' | ') : '—',
    r.status + (r.note ? ` (${r.note})` : ''),
  ]);
  const head = ['/* offset size */', `struct ${m.b.name}`, `struct ${m.a.name}`, 'status'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  out.push(fmt(head), fmt(w.map((n) => '-'.repeat(n))));
  for (const r of rows) out.push(fmt(r));
  for (const f of m.findings) out.push(`${f.severity}: ${f.message} [${f.rule}]${f.fix ? `\n    fix: ${f.fix.text}` : ''}`);
  return out.join('\n') + '\n';
}
