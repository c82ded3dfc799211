// A header outside include/ and arch/*/include (mm/slab.h, net/netfilter/
// ipset/ip_set_hash_gen.h) is private to the .c files beside it: it may lean
// on what they include before it (6.1's mm/slab.h includes nothing itself),
// or be a template they instantiate with their own macros (MTYPE). Such a
// header is read from one of those .c files, as the compiler reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `file` is private to its directory's .c files (not under include/ or arch/ARCH/include). */
export function isPrivateHeader(srcDir: string, file: string): boolean {
  const rel = path.relative(srcDir, file).split(path.sep);
  return !file.endsWith('.c') && rel[0] !== '..' && rel[0] !== 'include' && !(rel[0] === 'arch' && rel[2] === 'include');
}

/**
 * The .c file beside a private header that includes it ("name.h"): one kbuild compiles before one it
 * does not, then the smallest (its unit is built for this header alone), then by name; undefined for a
 * header that is not private or that no .c file beside it includes.
 */
export function includerOf(srcDir: string, header: string, read: (file: string) => string | undefined, built: (c: string) => boolean): string | undefined {
  if (!isPrivateHeader(srcDir, header)) return undefined;
  const dir = path.dirname(header);
  const re = new RegExp(`^\\s*#\\s*include\\s*"${path.basename(header).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'm');
  let names: string[];
  try { names = fs.readdirSync(dir).filter((n) => n.endsWith('.c')).sort(); } catch { return undefined; }
  const includers = names.map((n) => path.join(dir, n)).filter((c) => re.test(read(c) ?? ''));
  const rank = (c: string): [number, number] => [Number(!built(c)), read(c)?.length ?? 0];
  return includers.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || (a < b ? -1 : 1))[0];
}

/**
 * For a public header (include/linux/hugetlb_cgroup.h) that is not self-contained: the .c files of
 * the same name that include it (mm/hugetlb_cgroup.c), kbuild-compiled first, then the smallest.
 * hugetlb_cgroup.h takes struct cgroup_subsys_state and HUGE_MAX_HSTATE from what its includers
 * include before it; a probe of the header alone cannot lay struct hugetlb_cgroup out.
 */
export function sameNamedIncluders(srcDir: string, header: string, named: (base: string) => string[], read: (file: string) => string | undefined, built: (c: string) => boolean): string[] {
  const rel = path.relative(srcDir, header).split(path.sep);
  const inc = rel.indexOf('include');
  if (isPrivateHeader(srcDir, header) || inc < 0 || !header.endsWith('.h')) return [];
  // the spellings that reach it: <linux/x.h>, and <x.h> under include/uapi/ as well
  const specs = [rel.slice(inc + 1).join('/')];
  if (rel[inc + 1] === 'uapi') specs.push(rel.slice(inc + 2).join('/'));
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*#\\s*include\\s*<(?:${specs.map(esc).join('|')})>`, 'm');
  const includers = named(path.basename(header).replace(/\.h$/, '.c')).filter((c) => re.test(read(c) ?? ''));
  const rank = (c: string): [number, number] => [Number(!built(c)), read(c)?.length ?? 0];
  return includers.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || (a < b ? -1 : 1)).slice(0, 2);
}
