// The mirror map of an overlay pair: every field of B with its byte range, the
// fields of A it overlays under the current config, and a status. Findings
// come only from layouts and assert values the engine is sure of.
import { Finding, Fix, Move, Related, RULES, RuleInfo } from './findings';
import { AssertResult, macroCall } from './asserts';
import { MemberView, StructView, ancestry, byteRange, findMember, namedMembers, SourcePosition } from './layout-view';
import { MirrorAssert, OverlayPair } from './overlay-pairs';

export type MirrorStatus =
  | 'asserted'          // asserted, assert passes, same size
  | 'assert-fails'
  | 'assert-unknown'
  | 'size-differs'      // asserted at the same offset, narrower than the mirrored field
  | 'type-differs'      // same offset and size, different type
  | 'unasserted'        // overlays A's fields without an assert
  | 'outside-region'    // reaches A bytes outside the region it mirrors
  | 'padding'           // a padding/unused field: overlaying is its job
  | 'whole'             // a whole struct A placed in B (folio's `struct page page`)
  | 'own'               // past the one struct A that B starts with: B's own bytes (net_iov after its netmem_desc)
  | 'group'             // A's struct_group_tagged() group, embedded by its tag at the same offset
  | 'group-moved';      // the same, at another offset

export interface OverlaidField {
  path: string;
  type: string;
  /** byte range within the A it belongs to */
  start: number;
  end: number;
}

export interface MirrorRow {
  field: MemberView;
  /** byte range within B */
  start: number;
  end: number;
  /** which struct A of an array (folio's tail pages), 0 for a single one */
  k: number;
  overlays: OverlaidField[];
  status: MirrorStatus;
  asserts: MirrorAssert[];
  note?: string;
}

export interface Region {
  k: number;
  /** byte range within B (k * sizeof(A) added) */
  start: number;
  end: number;
  /** "anonymous struct in union at 8" / "all of struct page" */
  label: string;
  member?: MemberView;
}

/** What a failing mirror assert adds to its finding (reported at the assert's own line): both fields, and where B's must go. */
export interface FailingMirror {
  result: AssertResult;
  related: Related[];
  move: Move;
}

export interface MirrorMap {
  pair: OverlayPair;
  a: StructView;
  b: StructView;
  regions: Region[];
  rows: MirrorRow[];
  findings: Finding[];
  failing: FailingMirror[];
}

export interface MirrorOptions {
  /** names of fields whose job is to pad (never reported as unasserted) */
  isPadding?(name: string): boolean;
  /** the exact assert line to insert for an unasserted field, if the project can write one */
  fixFor?(pair: OverlayPair, aPath: string, bPath: string): Fix | undefined;
  /** where to report findings about B as a whole */
  fallbackPosition?: SourcePosition;
}

const PADDING = /^_*(unused|pad|padding|reserved|filler|rsvd)(_|\d|$)|_pad(_?\d+)?$|^__filler$/i;

export function isPaddingName(name: string): boolean {
  return PADDING.test(name);
}

function isScalar(m: MemberView): boolean {
  return !m.children && !/^(struct|union)\b/.test(m.type);
}

function describeMember(view: StructView, m: MemberView): string {
  const chain = ancestry(view, m).filter((x) => x.name === null).map((x) => `anonymous ${x.aggregate ?? 'struct'}`);
  return chain.length ? ` (in ${chain.join(' > ')})` : '';
}

/** The deepest member containing every asserted A field: the sub-struct B is meant to mirror. */
function regionFor(a: StructView, asserted: MemberView[], k: number): Region {
  const whole: Region = { k, start: k * a.size, end: (k + 1) * a.size, label: `all of struct ${a.name}` };
  if (asserted.length === 0) return whole;
  const chains = asserted.map((m) => ancestry(a, m));
  let common: MemberView | undefined;
  for (let i = 0; ; i++) {
    const cand = chains[0][i];
    if (!cand || !chains.every((c) => c[i] === cand)) break;
    common = cand;
  }
  // A union is not a region: its alternatives are what differ. Use the struct inside it.
  if (!common || common.aggregate === 'union') {
    const unionMember = common;
    if (!unionMember) return whole;
    const [s, e] = byteRange(unionMember);
    return { k, start: k * a.size + s, end: k * a.size + e, label: `${unionMember.name ?? 'anonymous union'} at ${s}`, member: unionMember };
  }
  const [s, e] = byteRange(common);
  const label = common.name === null ? `anonymous ${common.aggregate ?? 'struct'} at ${s}..${e}` : `${common.path} at ${s}..${e}`;
  return { k, start: k * a.size + s, end: k * a.size + e, label, member: common };
}

/** A's fields a byte range overlays, looking inside the region's sub-struct when there is one. */
/** The fields of A a region is made of, as C names them: the region's sub-struct's, else all of A's. */
function regionPool(a: StructView, region: Region | undefined): MemberView[] {
  return region?.member?.children ? namedMembers(region.member.children) : namedMembers(a.members);
}

function overlaidFields(a: StructView, region: Region | undefined, start: number, end: number): OverlaidField[] {
  const pool = regionPool(a, region);
  const out: OverlaidField[] = [];
  const visit = (ms: MemberView[]) => {
    for (const m of ms) {
      const [s, e] = byteRange(m);
      if (s < end && e > start) {
        // An anonymous union/struct's members are what the user names.
        if (m.name === null && m.children) visit(m.children);
        else out.push({ path: m.path, type: m.type, start: s, end: e });
      }
    }
  };
  visit(pool);
  return out;
}

/** What a field overlays, for a message: A's fields, or its bytes when it overlays none. */
function overlaid(a: StructView, overlays: OverlaidField[], s: number, e: number): string {
  return overlays.length ? overlays.map((o) => `${a.name}.${o.path}`).join(', ') : `bytes ${s}..${e} of struct ${a.name}`;
}

/** A region of A as messages name it: its label and bytes, counted from the A at `base`. */
function regionText(a: StructView, region: Region, base: number): string {
  return `${region.label}, bytes ${region.start - base}..${region.end - base} of struct ${a.name}`;
}

/** What every finding of a pair's mirror map is keyed under (a field's path follows). */
export const pairKey = (pair: { a: string; b: string }) => `${pair.a}:${pair.b}:`;

function finding(rule: RuleInfo, pos: SourcePosition, message: string, key: string, fix?: Fix, related: Related[] = []): Finding {
  return { rule: rule.id, severity: rule.severity, file: pos.file, line: pos.line, column: pos.column, message, key, ...(fix ? { fix } : {}), ...(related.length ? { related } : {}) };
}

/** A member's declaration as a related location ("page._pp_mapping_pad, offset 24, 8 bytes"), when its place is known. */
function declared(view: StructView, m: MemberView | undefined, what = ''): Related[] {
  if (!m?.decl) return [];
  const [s, e] = byteRange(m);
  const name = m.name === null ? `the anonymous ${m.aggregate ?? 'struct'} of struct ${view.name}` : `${view.name}.${m.path}`;
  return [{ ...m.decl, message: `${what}${name} (offset ${s}, ${e - s} bytes)` }];
}

/** The assert sites of a pair's mirrors, as related locations. */
function assertedAt(asserts: MirrorAssert[], what: string): Related[] {
  return asserts.map((m) => ({ ...m.result.site.at, message: `${what}${macroCall(m.result.site) ?? m.result.site.text}` }));
}

export function mirrorMap(pair: OverlayPair, a: StructView, b: StructView, opts: MirrorOptions = {}): MirrorMap {
  const isPad = opts.isPadding ?? isPaddingName;
  const findings: Finding[] = [];
  const byK = new Map<number, MemberView[]>();
  for (const m of pair.asserts) {
    const am = findMember(a, m.aPath);
    if (!am) continue;
    if (!byK.has(m.k)) byK.set(m.k, []);
    byK.get(m.k)!.push(am);
  }
  // a shared group mirrors A's group field for field: the group is what B's fields are meant to line up with
  const groupA = pair.group && findMember(a, pair.group.aPath);
  const groupB = pair.group && findMember(b, pair.group.bPath);
  if (groupA) { if (!byK.has(0)) byK.set(0, []); byK.get(0)!.push(groupA); }
  // B starts with a whole A and nothing puts another A after it (no whole A there, no assert with
  // `+ k * sizeof(struct A)`): B extends A, as net_iov does with the netmem_desc in its first union
  // (6.17). Its bytes past sizeof(A) are its own, not the next A's: folio is an array of pages, net_iov
  // is not an array of netmem_descs.
  const members = namedMembers(b.members);
  const isWhole = (f: MemberView) => f.type === `struct ${a.name}` && f.offsetBits % 8 === 0 && f.sizeBits === a.size * 8;
  const extendsA = a.size > 0 && members.some((f) => isWhole(f) && f.offsetBits === 0)
    && !members.some((f) => isWhole(f) && f.offsetBits >= a.size * 8) && pair.asserts.every((m) => m.k === 0);

  const regions = new Map<number, Region>();
  if (byK.size === 0) {
    for (let k = 0; k * a.size < b.size && (k === 0 || !extendsA); k++) regions.set(k, regionFor(a, [], k));
  } else {
    for (const [k, ms] of byK) regions.set(k, regionFor(a, ms, k));
  }
  const fallback = opts.fallbackPosition ?? b.decl ?? pair.asserts[0]?.result.site.at;
  // where an unasserted field's finding points for the asserts: the pair's last, where the fix goes after
  const lastAssert = [...pair.asserts].sort((x, y) => x.result.site.at.line - y.result.site.at.line).slice(-1);

  const rows: MirrorRow[] = [];
  for (const f of members) {
    const [s, e] = byteRange(f);
    const k = a.size > 0 ? Math.floor(s / a.size) : 0;
    const base = k * a.size;
    const region = regions.get(k);
    const asserts = pair.asserts.filter((m) => m.bPath === f.path || m.bPath.startsWith(f.path + '.'));
    const row: MirrorRow = { field: f, start: s, end: e, k, overlays: overlaidFields(a, region, s - base, e - base), status: 'unasserted', asserts };
    rows.push(row);
    const pos = f.decl ?? fallback;
    const where = `${b.name}.${f.path} (offset ${s}, ${e - s} bytes)`;
    const key = `${pairKey(pair)}${f.path}`;

    if (isWhole(f) && s % a.size === 0) {
      row.status = 'whole';
      continue;
    }
    if (groupA && groupB && (groupB === f || groupB.path.startsWith(f.path + '.'))) {
      const ob = groupB.offsetBits / 8, oa = groupA.offsetBits / 8;
      row.note = `struct ${pair.group!.tag}, the group ${a.name}.${groupA.path}`;
      if (ob === oa) { row.status = 'group'; continue; }
      row.status = 'group-moved';
      findings.push(finding(RULES.groupOffset, (groupB.decl ?? pos)!,
        `${b.name}.${groupB.path} is struct ${pair.group!.tag}, the group ${a.name}.${groupA.path} (offset ${oa}), but starts at offset ${ob}: each of its fields lies ${Math.abs(ob - oa)} bytes ${ob > oa ? 'past' : 'before'} the ${a.name} field it mirrors`, `${key}:group`, undefined, declared(a, groupA, 'the group: ')));
      continue;
    }
    if (asserts.length > 0) {
      const fails = asserts.filter((m) => m.result.status === 'fail');
      const passes = asserts.filter((m) => m.result.status === 'pass');
      if (fails.length) {
        row.status = 'assert-fails';
        continue; // the assert itself is reported at its line
      }
      if (!passes.length) {
        row.status = 'assert-unknown';
        row.note = asserts[0].result.reason;
        continue;
      }
      const mirrored = passes.map((m) => findMember(a, m.aPath)).filter((x): x is MemberView => !!x);
      const sizes = mirrored.map((m) => m.sizeBits);
      if (mirrored.length && !sizes.includes(f.sizeBits)) {
        const widest = mirrored.reduce((x, y) => (y.sizeBits > x.sizeBits ? y : x));
        const narrower = f.sizeBits < widest.sizeBits;
        if (narrower || (isScalar(f) && isScalar(widest))) {
          row.status = 'size-differs';
          row.note = `${f.type} (${f.sizeBits / 8} bytes) mirrors ${a.name}.${widest.path}: ${widest.type} (${widest.sizeBits / 8} bytes)`;
          findings.push(finding(RULES.mirrorSize, pos!,
            `${where} mirrors struct ${a.name}.${widest.path} at the same offset, but is ${f.type} (${f.sizeBits / 8} bytes) where ${a.name} has ${widest.type} (${widest.sizeBits / 8} bytes)`, key,
            undefined, [...declared(a, widest, `${widest.type}: `), ...assertedAt(passes, 'asserted by ')]));
          continue;
        }
      }
      const sameSize = mirrored.filter((m) => m.sizeBits === f.sizeBits);
      if (sameSize.length && !sameSize.some((m) => m.type === f.type) && sameSize.every((m) => isScalar(m) === isScalar(f))) {
        row.status = 'type-differs';
        row.note = `${f.type} over ${sameSize[0].type}`;
        findings.push(finding(RULES.mirrorType, pos!, `${where} is ${f.type}; the mirrored ${a.name}.${sameSize[0].path} is ${sameSize[0].type}`, key,
          undefined, [...declared(a, sameSize[0], `${sameSize[0].type}: `), ...assertedAt(passes, 'asserted by ')]));
        continue;
      }
      row.status = 'asserted';
      continue;
    }
    if (extendsA && s >= a.size) {
      row.status = 'own';
      row.overlays = [];
      row.k = 0;
      row.note = `${b.name}'s own: past the struct ${a.name} it starts with`;
      continue;
    }
    if (isPad(f.name ?? '')) {
      row.status = 'padding';
      continue;
    }
    const inRegion = region && s >= region.start && e <= region.end;
    // outside the region, what it overlays is any of A's fields, not the region's
    if (!inRegion && region?.member) row.overlays = overlaidFields(a, undefined, s - base, e - base);
    // Wholly in front of the mirrored sub-struct (page.flags, before the first union): where every
    // net_iov keeps a first word of its own (padding in 6.12, `type` in 6.13-6.16), outside the part
    // its asserts say it mirrors. Said, as info and with no assert to add; spilling past the region's
    // end (into _mapcount, _refcount) is the mistake outside-region is for.
    if (!inRegion && region && e <= region.start) {
      row.status = 'unasserted';
      row.note = `in front of the region it mirrors (${region.label})`;
      const over = overlaid(a, row.overlays, s - base, e - base);
      findings.push(finding({ ...RULES.unasserted, severity: 'info' }, pos!,
        `${where} overlays ${over}, in front of the region it mirrors (${regionText(a, region, base)}), with no assert`, key, undefined,
        overlaidDecls(a, row.overlays)));
      continue;
    }
    if (!inRegion) {
      row.status = 'outside-region';
      const what = region ? `the region it mirrors (${regionText(a, region, base)})` : `any part of struct ${a.name} that has asserts`;
      const over = row.overlays.length ? `; it overlays ${row.overlays.map((o) => `${a.name}.${o.path}`).join(', ')}` : '';
      findings.push(finding(RULES.spills, pos!, `${where} lies outside ${what}${over}`, key, undefined,
        [...declared(a, region?.member, 'the region it mirrors: '), ...overlaidDecls(a, row.overlays)]));
      continue;
    }
    row.status = 'unasserted';
    const same = row.overlays.find((o) => o.start === s - base && o.end === e - base) ?? row.overlays.find((o) => o.start === s - base);
    const fix = same && opts.fixFor?.(pair, same.path, f.path);
    const over = overlaid(a, row.overlays, s - base, e - base);
    // A descriptor that owns all of struct A (slab, ptdesc, folio's tail pages) reuses A's fields by
    // design; one that mirrors a sub-struct (net_iov in 6.12), or spells A's fields again beside the
    // whole A it starts with (net_iov's netmem_desc in 6.17), must assert every field.
    const rule = region?.member || extendsA ? RULES.unasserted : { ...RULES.unasserted, severity: 'info' as const };
    findings.push(finding(rule, pos!,
      `${where} overlays ${over}${same ? describeMember(a, findMember(a, same.path)!) : ''} but no assert ties them${fix ? `; add: ${fix.text.trim()}` : ''}`, key, fix || undefined,
      [...overlaidDecls(a, same ? [same] : row.overlays), ...assertedAt(lastAssert, `the pair's ${pair.asserts.length > 1 ? 'last ' : ''}assert: `)]));
  }

  const maxEnd = Math.max(...[...regions.values()].map((r) => r.end));
  if (b.size > maxEnd && !extendsA && !rows.some((r) => r.status === 'outside-region' && r.end > maxEnd) && fallback) {
    const last = [...regions.values()].find((r) => r.end === maxEnd);
    findings.push(finding(RULES.tooLarge, fallback,
      `sizeof(struct ${b.name}) is ${b.size} bytes but the region it overlays in struct ${a.name} ends at byte ${maxEnd}`, `${pairKey(pair)}size`, undefined, declared(a, last?.member, 'the region it overlays: ')));
  }
  return { pair, a, b, regions: [...regions.values()].sort((x, y) => x.start - y.start), rows, findings, failing: failingMirrors(pair, a, b) };
}

/** The A fields a row overlays, at their declarations: the first few (a union's alternatives can be a dozen). */
function overlaidDecls(a: StructView, overlays: OverlaidField[], most = 3): Related[] {
  return overlays.slice(0, most).flatMap((o) => declared(a, findMember(a, o.path), 'overlays '));
}

/**
 * For each failing mirror assert: both fields at their declarations, and where B's field must go to mirror
 * A's (A's offset, plus k structs A for folio's tail pages): the B member that now starts there, else the
 * last one before it (the field goes after it).
 */
function failingMirrors(pair: OverlayPair, a: StructView, b: StructView): FailingMirror[] {
  const out: FailingMirror[] = [];
  const members = namedMembers(b.members);
  for (const m of pair.asserts) {
    if (m.result.status !== 'fail') continue;
    const am = findMember(a, m.aPath), bm = findMember(b, m.bPath);
    if (!am || !bm || am.offsetBits % 8 || bm.offsetBits % 8) continue;
    const to = am.offsetBits / 8 + m.k * a.size, from = bm.offsetBits / 8;
    if (to === from) continue;
    const there = members.find((x) => x !== bm && byteRange(x)[0] === to);
    const before = there ? undefined : members.filter((x) => x !== bm && byteRange(x)[0] < to).pop();
    const at = (there ?? before)?.decl;
    const move: Move = { struct: b.name, field: m.bPath, from, to };
    if (at) move.at = { ...at, member: (there ?? before)!.path, place: there ? 'at' : 'after' };
    out.push({ result: m.result, related: [...declared(a, am, 'the field mirrored: '), ...declared(b, bm, 'the mirror: ')], move });
  }
  return out;
}

/** A field of struct A inside a region B mirrors, in B's byte coordinates (k structs A added): what a map of A beside B draws. */
export interface RegionField {
  path: string;
  type: string;
  start: number;
  end: number;
  decl?: SourcePosition;
}

/**
 * A's fields within each region of the map, named as C names them (anonymous aggregates folded in, so a
 * union's alternatives overlap), offset into B's coordinates: the left side of a side-by-side byte map.
 */
export function regionFields(map: MirrorMap): RegionField[] {
  const out: RegionField[] = [];
  for (const r of map.regions) {
    const base = r.k * map.a.size;
    for (const m of regionPool(map.a, r)) {
      const [s, e] = byteRange(m);
      if (base + s < r.start || base + e > r.end) continue;
      out.push({ path: m.path, type: m.type, start: base + s, end: base + e, ...(m.decl ? { decl: m.decl } : {}) });
    }
  }
  return out;
}
