// Coverage against a kernel's BTF: the structs and unions defined under
// include/ and arch/ARCH/include that BTF also has (one of that name), laid
// out from the headers and compared member by member, every `stride`th name.
// A miss is grouped by its reason, never counted as a match. Used by the
// fixture tiers (amd64 and arm64), each with its own thresholds.
import { spawnSync } from 'node:child_process';
import { OverlayProject } from '../../src/engine/project';
import { StructIndex } from '../../src/engine/project/struct-index';
import { diffLayouts, fixturePaths, loadBtfLayouts } from './fixture';

/** A definition of struct `name` outside include/ and arch/ARCH/include (the drivers' own headers and .c files). */
function definedOutsideHeaders(src: string, srcArch: string, name: string): string | undefined {
  const r = spawnSync('grep', ['-rlE', '--include=*.c', '--include=*.h', `^(typedef )?struct ${name}( \\{|$)`, 'drivers', 'net', 'fs', 'kernel', 'mm', 'sound', 'lib', 'block', `arch/${srcArch}`], { cwd: src, encoding: 'utf8' });
  return r.stdout.split('\n').find((l) => l && !l.startsWith(`arch/${srcArch}/include/`));
}

export interface Coverage {
  sampled: number;
  candidates: number;
  exact: number;
  collisions: number;
  /** reason → names, the most common first */
  reasons: Array<[string, string[]]>;
  seconds: number;
}

export async function btfCoverage(dir: string, stride: number): Promise<Coverage> {
  const f = fixturePaths(dir);
  const btf = loadBtfLayouts(dir);
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  const srcArch = project.config.srcArch;
  const locations = new StructIndex(f.src, ['include', `arch/${srcArch}/include`]).all();
  // BTF's plain names are structs (its unions are `union X`): a header's union of the name is another type
  const defined = new Set(locations.filter((l) => l.kind === 'struct').map((l) => l.name));
  const definitions = new Map<string, string[]>();
  for (const l of locations) definitions.set(l.name, [...(definitions.get(l.name) ?? []), l.file.slice(f.src.length + 1)]);
  const ambiguous = new Set(Object.keys(btf).filter((k) => k.includes('#')).map((k) => k.split('#')[0]));
  const all = Object.keys(btf).filter((k) => !k.includes('#') && !k.startsWith('union ') && !ambiguous.has(k) && defined.has(k)).sort();
  const names = all.filter((_, i) => i % stride === 0);
  const t0 = performance.now();
  const ours = project.layoutsOf(names);
  let exact = 0;
  const reasons = new Map<string, string[]>();
  for (const n of names) {
    const o = ours.get(n);
    let why: string | undefined;
    if (!o) why = 'not laid out';
    else if ('error' in o) why = `unknown: ${o.error.replace(/\b(struct|union) [\w.]+/g, '$1 X').replace(/'[^']*'/g, "'…'").replace(/output line \d+/, 'output line N')}`;
    else {
      const d = diffLayouts(o, btf[n]);
      if (d.length) {
        // BTF has one struct of this name, but it may not be the header's: drivers/clk/clk.c's
        // struct clk is not include/linux/sh_clk.h's. Such a collision is listed, not hidden.
        const headers = definitions.get(n) ?? [];
        const elsewhere = headers.length > 1 ? headers.join(' and ') : definedOutsideHeaders(f.src, srcArch, n);
        why = elsewhere ? `name collision: also defined in ${elsewhere}, which may be the one BTF has` : `DIFFERS: ${d[0].replace(/\d+/g, 'N')}`;
      }
    }
    if (!why) { exact++; continue; }
    if (!reasons.has(why)) reasons.set(why, []);
    reasons.get(why)!.push(n);
  }
  const sorted = [...reasons].sort((a, b) => b[1].length - a[1].length);
  const collisions = sorted.filter(([k]) => k.startsWith('name collision')).reduce((a, [, l]) => a + l.length, 0);
  return { sampled: names.length, candidates: all.length, exact, collisions, reasons: sorted, seconds: (performance.now() - t0) / 1000 };
}

/** The coverage as the tiers print it. */
export function printCoverage(c: Coverage): void {
  console.log(`  ${c.exact} of ${c.sampled} byte-exact (${(100 * c.exact / c.sampled).toFixed(1)}%), ${c.candidates} candidates in all, ${c.seconds.toFixed(0)} s`);
  for (const [why, list] of c.reasons) console.log(`  ${String(list.length).padStart(4)} × ${why}  (${list.slice(0, 4).join(', ')}${list.length > 4 ? ', …' : ''})`);
  console.log(`  ${c.exact} of ${c.sampled - c.collisions} byte-exact once name collisions are set aside (${(100 * c.exact / (c.sampled - c.collisions)).toFixed(2)}%)`);
}
