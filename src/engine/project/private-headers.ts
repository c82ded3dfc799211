// A header outside include/ and arch/*/include (mm/slab.h, net/netfilter/
// ipset/ip_set_hash_gen.h) is private to the .c files beside it: it may lean
// on what they include before it (6.1's mm/slab.h includes nothing itself),
// or be a template they instantiate with their own macros (MTYPE). Such a
// header is read from one of those .c files, as the compiler reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFiles } from './struct-index';

/** Whether `file` is private to its directory's .c files (not under include/ or arch/ARCH/include). */
export function isPrivateHeader(srcDir: string, file: string): boolean {
  const rel = path.relative(srcDir, file).split(path.sep);
  return !file.endsWith('.c') && rel[0] !== '..' && rel[0] !== 'include' && !(rel[0] === 'arch' && rel[2] === 'include');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The .c file beside a private header that includes it ("name.h"): one kbuild compiles before one it
 * does not, then the smallest (its unit is built for this header alone), then by name; undefined for a
 * header that is not private or that no .c file beside it includes.
 */
export function includerOf(srcDir: string, header: string, read: (file: string) => string | undefined, built: (c: string) => boolean): string | undefined {
  if (!isPrivateHeader(srcDir, header)) return undefined;
  const dir = path.dirname(header);
  const re = new RegExp(`^\\s*#\\s*include\\s*"${escape(path.basename(header))}"`, 'm');
  let names: string[];
  try { names = fs.readdirSync(dir).filter((n) => n.endsWith('.c')).sort(); } catch { return undefined; }
  return includersBestFirst(names.map((n) => path.join(dir, n)), re, read, built)[0];
}

/** Of `candidates`, those whose text has an `include` line, best first: kbuild-compiled, then the smallest, then by name. */
function includersBestFirst(candidates: string[], include: RegExp, read: (file: string) => string | undefined, built: (c: string) => boolean): string[] {
  const texts = new Map<string, string>();
  const text = (c: string) => { let t = texts.get(c); if (t === undefined) texts.set(c, (t = read(c) ?? '')); return t; };
  const rank = (c: string): [number, number] => [Number(!built(c)), text(c).length];
  return candidates.filter((c) => include.test(text(c))).sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || (a < b ? -1 : 1));
}

/** .c files read to look for a header's includers in the directories named after it. */
const MAX_READ = 400;

/** Directory names of include/ that say nothing about where the header's .c files are. */
const GENERIC_DIRS = new Set(['include', 'linux', 'uapi', 'asm', 'asm-generic', 'generated', 'interface', 'trace', 'events']);

/**
 * For a public header that is not self-contained, the .c files that include it, best first: the
 * one of the header's own name (mm/hugetlb_cgroup.c for include/linux/hugetlb_cgroup.h, which takes
 * struct cgroup_subsys_state and HUGE_MAX_HSTATE from what its includers include before it), then
 * those in a directory named as the header or one of its directories (net/bluetooth/*.c for
 * include/net/bluetooth/hci.h, net/handshake/*.c for include/net/handshake.h, drivers/xen/*.c for
 * include/xen/interface/memory.h); among each, kbuild-compiled first, then the smallest. At most
 * `max`; a directory's files are read only up to a bound (a hover may ask this).
 */
export function sourceIncluders(srcDir: string, header: string, sources: SourceFiles, read: (file: string) => string | undefined, built: (c: string) => boolean, max = 3): string[] {
  const rel = path.relative(srcDir, header).split(path.sep);
  const inc = rel.indexOf('include');
  if (isPrivateHeader(srcDir, header) || inc < 0 || !header.endsWith('.h')) return [];
  // the spellings that reach it: <linux/x.h>, and <x.h> under include/uapi/ as well
  const specs = [rel.slice(inc + 1).join('/')];
  if (rel[inc + 1] === 'uapi') specs.push(rel.slice(inc + 2).join('/'));
  const re = new RegExp(`^\\s*#\\s*include\\s*<(?:${specs.map(escape).join('|')})>`, 'm');
  const stem = path.basename(header, '.h');
  const best = (cs: string[]) => includersBestFirst(cs, re, read, built);
  const dirNames = [stem, ...rel.slice(inc + 1, -1).reverse().filter((d) => !GENERIC_DIRS.has(d))];
  const inDirs = [...new Set(dirNames.flatMap((d) => sources.byDirName.get(d) ?? []))].slice(0, MAX_READ);
  return [...new Set([...best(sources.byName.get(`${stem}.c`) ?? []), ...best(inDirs)])].slice(0, max);
}
