// An edited unit's expanded text as pieces of the texts it was made from.
// An incremental update replaces one region of a 1–3 MB text; joined into a
// new string, the first slice of it flattens the whole (~5 ms here, most of
// an edit's budget, again after every keystroke). Pieces are sliced where
// they lie, and joined only when the whole text is asked for.

/** What readers of a unit's text use: a string is one. */
export interface TextSource {
  readonly length: number;
  slice(start: number, end: number): string;
  indexOf(needle: string, from?: number): number;
  charCodeAt(i: number): number;
}

interface Piece {
  /** offset of the piece in this text */
  at: number;
  s: string;
  /** where it starts in `s` */
  off: number;
  len: number;
}

/** Beyond this many pieces an update joins them (the next edit starts from one flat string again). */
const MAX_PIECES = 64;

export class PieceText implements TextSource {
  private joined: string | undefined;

  private constructor(private pieces: Piece[], readonly length: number) {}

  /** `old` with [from, to) replaced by `insert`. */
  static splice(old: string | PieceText, from: number, to: number, insert: string): string | PieceText {
    const src: Piece[] = typeof old === 'string' ? [{ at: 0, s: old, off: 0, len: old.length }] : old.pieces;
    const out: Piece[] = [];
    const push = (s: string, off: number, len: number) => {
      if (len <= 0) return;
      const at = out.length ? out[out.length - 1].at + out[out.length - 1].len : 0;
      out.push({ at, s, off, len });
    };
    for (const p of src) {
      const end = p.at + p.len;
      if (end <= from) { push(p.s, p.off, p.len); continue; }
      if (p.at < from) push(p.s, p.off, from - p.at);
    }
    push(insert, 0, insert.length);
    for (const p of src) {
      const end = p.at + p.len;
      if (end <= to) continue;
      const cut = Math.max(0, to - p.at);
      push(p.s, p.off + cut, p.len - cut);
    }
    const length = old.length - (to - from) + insert.length;
    const t = new PieceText(out, length);
    return out.length > MAX_PIECES ? t.toString() : t;
  }

  /** The strings joined, without joining them (a replayed unit's text: its chunks' strings, shared with other units). */
  static of(strings: string[]): PieceText {
    const ps: Piece[] = [];
    let at = 0;
    for (const s of strings) {
      if (!s.length) continue;
      ps.push({ at, s, off: 0, len: s.length });
      at += s.length;
    }
    return new PieceText(ps, at);
  }

  /** The first `needle` at or after `from` (a match may straddle pieces), or -1. */
  indexOf(needle: string, from = 0): number {
    if (this.joined !== undefined) return this.joined.indexOf(needle, from);
    const L = needle.length;
    const ps = this.pieces;
    let k = this.pieceAt(Math.max(0, from));
    for (; k < ps.length; k++) {
      const p = ps[k];
      const local = Math.max(0, from - p.at);
      const i = p.s.indexOf(needle, p.off + local);
      if (i >= 0 && i - p.off + L <= p.len) return p.at + i - p.off;
      // one that starts in this piece and ends in a later one
      if (L > 1 && k + 1 < ps.length) {
        const w0 = Math.max(from, p.at + p.len - (L - 1));
        const j = this.slice(w0, p.at + p.len + L - 1).indexOf(needle);
        if (j >= 0 && w0 + j < p.at + p.len) return w0 + j;
      }
    }
    return -1;
  }

  /** The UTF-16 code unit at `i`, or NaN. */
  charCodeAt(i: number): number {
    if (this.joined !== undefined) return this.joined.charCodeAt(i);
    if (i < 0 || i >= this.length) return NaN;
    const p = this.pieces[this.pieceAt(i)];
    return p.s.charCodeAt(p.off + i - p.at);
  }

  private pieceAt(offset: number): number {
    const ps = this.pieces;
    let lo = 0, hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid].at <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  slice(start: number, end: number): string {
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    if (end <= start) return '';
    if (this.joined !== undefined) return this.joined.slice(start, end);
    const ps = this.pieces;
    let out = '';
    for (let k = this.pieceAt(start); k < ps.length && ps[k].at < end; k++) {
      const p = ps[k];
      const a = Math.max(start, p.at) - p.at, b = Math.min(end, p.at + p.len) - p.at;
      out += p.s.slice(p.off + a, p.off + b);
    }
    return out;
  }

  toString(): string {
    if (this.joined === undefined) {
      this.joined = this.pieces.map((p) => p.s.slice(p.off, p.off + p.len)).join('');
      this.pieces = [{ at: 0, s: this.joined, off: 0, len: this.joined.length }];
    }
    return this.joined;
  }
}
