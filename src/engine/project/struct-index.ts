// Where is `struct page` defined? A layout request names a struct, not a
// header. This index answers with candidate headers found by a cheap textual
// scan of definitions (`struct NAME {` at the start of a line, possibly with
// attributes before the brace); the candidates are then preprocessed and
// parsed for real, so a false candidate costs time, never a wrong answer.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StructLocation {
  file: string;
  line: number;
  kind: 'struct' | 'union';
}

const DEF = /^(?:typedef\s+)?(struct|union)\s+([A-Za-z_]\w*)\s*(?:__\w+(?:\([^)]*\))?\s*)*\{/gm;

/** Well-known homes, checked first: the descriptors that overlay struct page. */
export const KNOWN_HOMES: Record<string, string> = {
  page: 'include/linux/mm_types.h',
  folio: 'include/linux/mm_types.h',
  ptdesc: 'include/linux/mm_types.h',
  slab: 'mm/slab.h',
  net_iov: 'include/net/netmem.h',
  netmem_desc: 'include/net/netmem.h',
  page_pool: 'include/net/page_pool/types.h',
  page_pool_params: 'include/net/page_pool/types.h',
  sk_buff: 'include/linux/skbuff.h',
  skb_shared_info: 'include/linux/skbuff.h',
  list_head: 'include/linux/types.h',
  callback_head: 'include/linux/types.h',
};

export function scanDefinitions(file: string, text: string): StructLocation[] {
  const out: StructLocation[] = [];
  DEF.lastIndex = 0;
  let m: RegExpExecArray | null;
  // lines counted on from the last match, not from the top for each
  let line = 1, counted = 0;
  while ((m = DEF.exec(text))) {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) { line++; counted = i + 1; }
    out.push({ file, line, kind: m[1] as 'struct' | 'union' });
    (out[out.length - 1] as StructLocation & { name?: string }).name = m[2];
  }
  return out;
}

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm;

/** Top-level directories whose .c files are not kernel code built against the tree's include/ (or not code). */
const NOT_KERNEL_SOURCES = new Set(['tools', 'scripts', 'samples', 'Documentation', 'usr', '.git']);

/** The tree's .c files (absolute paths), by file name and by the name of the directory holding them. */
export interface SourceFiles {
  byName: Map<string, string[]>;
  byDirName: Map<string, string[]>;
}

export class StructIndex {
  private byName = new Map<string, StructLocation[]>();
  private scanned = false;
  /** #include lines by the path they name ('linux/slub_def.h'): the files that have one */
  private readonly includeLines = new Map<string, string[]>();
  /** a well-known home's definitions, while its size and mtime stay (a check asks for each base on every keystroke) */
  private readonly homes = new Map<string, { size: number; mtimeMs: number; defs: StructLocation[] }>();

  constructor(private readonly srcDir: string, private readonly dirs: string[], private readonly maxFileBytes = 4 << 20) {}

  /** Headers under the index's directories, relative paths. */
  headers(): string[] {
    const out: string[] = [];
    for (const d of this.dirs) this.walk(d, '.h', () => true, (rel) => out.push(rel));
    return out.sort();
  }

  /** Files under `rel` (tree-relative) whose names end in `ext`, each given as tree-relative; `enter` says which directories to go into. */
  private walk(rel: string, ext: string, enter: (parent: string, name: string) => boolean, found: (rel: string) => void): void {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(path.join(this.srcDir, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) { if (enter(rel, e.name)) this.walk(r, ext, enter, found); }
      else if (e.isFile() && e.name.endsWith(ext)) found(r);
    }
  }

  private scanAll(): void {
    if (this.scanned) return;
    this.scanned = true;
    for (const rel of this.headers()) {
      const abs = path.join(this.srcDir, rel);
      let text: string;
      try {
        if (fs.statSync(abs).size > this.maxFileBytes) continue;
        text = fs.readFileSync(abs, 'latin1');
      } catch { continue; }
      for (const loc of scanDefinitions(abs, text)) {
        const name = (loc as StructLocation & { name: string }).name;
        delete (loc as { name?: string }).name;
        if (!this.byName.has(name)) this.byName.set(name, []);
        this.byName.get(name)!.push(loc);
      }
    }
  }

  private noteIncludes(abs: string, text: string): void {
    INCLUDE.lastIndex = 0;
    for (let m: RegExpExecArray | null; (m = INCLUDE.exec(text));) {
      const spec = path.normalize(m[1]);
      if (!this.includeLines.has(spec)) this.includeLines.set(spec, []);
      this.includeLines.get(spec)!.push(abs);
    }
  }

  /**
   * Files with an #include line that may name `file`: headers under the index's directories, and the
   * private headers of `extraDirs` (mm/: 6.1's mm/slab.h picks slab_def.h or slub_def.h by config).
   */
  includersOf(file: string, extraDirs: string[] = []): string[] {
    // read for this on its first question, not by every scan for definitions (~20% more time there)
    if (!this.includesScanned) {
      this.includesScanned = true;
      for (const rel of this.headers()) {
        const abs = path.join(this.srcDir, rel);
        try { if (fs.statSync(abs).size <= this.maxFileBytes) this.noteIncludes(abs, fs.readFileSync(abs, 'latin1')); } catch { /* unreadable: no includes */ }
      }
    }
    for (const d of extraDirs) {
      if (this.extraScanned.has(d)) continue;
      this.extraScanned.add(d);
      let names: string[] = [];
      try { names = fs.readdirSync(path.join(this.srcDir, d)).filter((n) => n.endsWith('.h')); } catch { /* none */ }
      for (const n of names) {
        const abs = path.join(this.srcDir, d, n);
        try { this.noteIncludes(abs, fs.readFileSync(abs, 'latin1')); } catch { /* unreadable: no includes */ }
      }
    }
    const out = new Set<string>();
    for (const [spec, files] of this.includeLines) {
      if (!file.endsWith(path.sep + spec)) continue;
      // the path resolves to this file: under an include/ directory (the tree's, an arch's), or beside the includer
      const underInclude = file.endsWith(`${path.sep}include${path.sep}${spec}`);
      for (const f of files) if (underInclude || path.join(path.dirname(f), spec) === file) out.add(f);
    }
    out.delete(file);
    return [...out].sort();
  }
  private readonly extraScanned = new Set<string>();
  private includesScanned = false;

  /**
   * The tree's .c files, by file name ('hugetlb_cgroup.c') and by the name of their directory
   * ('bluetooth': net/bluetooth/*.c, drivers/bluetooth/*.c): where the includers of a public header
   * that leans on them are looked for (private-headers.ts). Walked once, on the first question
   * (~0.35 s of directory reads on 6.12 once cached), skipping what kbuild does not compile
   * against this tree's headers (tools/ has headers of its own) and other architectures' directories.
   */
  sources(srcArch: string): SourceFiles {
    if (!this.sourceFiles) {
      const files: SourceFiles = (this.sourceFiles = { byName: new Map(), byDirName: new Map() });
      const add = (m: Map<string, string[]>, k: string, v: string) => { if (!m.has(k)) m.set(k, []); m.get(k)!.push(v); };
      const enter = (parent: string, name: string) => !(parent === '' && NOT_KERNEL_SOURCES.has(name)) && !(parent === 'arch' && name !== srcArch);
      this.walk('', '.c', enter, (rel) => {
        const abs = path.join(this.srcDir, rel);
        add(files.byName, path.basename(rel), abs);
        add(files.byDirName, path.basename(path.dirname(rel)), abs);
      });
    }
    return this.sourceFiles;
  }
  private sourceFiles?: SourceFiles;

  /** Candidate definitions of `struct name` (or union), best first. */
  locate(name: string, kind: 'struct' | 'union' = 'struct'): StructLocation[] {
    const home = KNOWN_HOMES[name];
    if (home && kind === 'struct') {
      const abs = path.join(this.srcDir, home);
      try {
        const st = fs.statSync(abs);
        let h = this.homes.get(abs);
        if (!h || h.size !== st.size || h.mtimeMs !== st.mtimeMs) this.homes.set(abs, (h = { size: st.size, mtimeMs: st.mtimeMs, defs: scanDefinitions(abs, fs.readFileSync(abs, 'latin1')) }));
        const hits = h.defs.filter((l) => (l as StructLocation & { name?: string }).name === name);
        if (hits.length) return hits.map(({ file, line, kind }) => ({ file, line, kind }));
      } catch { /* fall through to the scan */ }
    }
    this.scanAll();
    const found = (this.byName.get(name) ?? []).filter((l) => l.kind === kind);
    // Prefer the header this arch's build includes: foo_64.h over foo_32.h on 64-bit and back.
    const other = this.wordBits === 64 ? /_32\.h$/ : /_64\.h$/;
    return found.sort((a, b) => Number(other.test(a.file)) - Number(other.test(b.file)));
  }

  /** Set by the project from the target's data model. */
  wordBits = 64;

  /** Every struct/union name defined under the index's directories. */
  all(): Array<{ name: string } & StructLocation> {
    this.scanAll();
    const out: Array<{ name: string } & StructLocation> = [];
    for (const [name, locs] of this.byName) for (const l of locs) out.push({ name, ...l });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
