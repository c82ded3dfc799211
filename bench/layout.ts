// Layout speed on the kernel fixture, beside the kernel's own compile of the
// same headers: cold (a fresh process laying out page and net_iov), warm
// re-layout after a one-line edit of include/linux/mm_types.h, and peak RSS.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../src/engine/project';
import { kernelCompile, summarize } from './lib/kernel-compile';
import { fixturePaths } from '../test/support/fixture';

const N = Number(process.env.BENCH_RUNS ?? 7);

async function main() {
  const f = fixturePaths();
  if (!fs.existsSync(f.build)) { console.log(`bench/layout: no kernel fixture at ${f.build}: run scripts/kernel-fixture.sh`); process.exit(2); }
  const probe = '#include <net/netmem.h>\n#include <net/page_pool/helpers.h>\n';
  const rows: Array<[string, string, string, string]> = [];

  const k = kernelCompile(f.build, probe, N + 1);
  const compilerMs = 'error' in k ? NaN : k.timing.median;
  rows.push(['kernel compile (make M=, probe.o)', 'error' in k ? `unavailable: ${k.error}` : `${k.timing.median.toFixed(0)} ms`, 'error' in k ? '' : `${k.timing.p95.toFixed(0)} ms`, 'reference']);

  // Cold: a fresh process each time, as a CLI user or a newly started worker sees it; it reports its own peak RSS.
  const cli = path.resolve(__dirname, '../../dist/cli.js');
  const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-')), 'maxrss.js');
  fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write('\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'));\n");
  const cold: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['-r', preload, cli, 'layout', '--tree', f.src, '--build', f.build, '--format', 'json', 'page', 'net_iov'], { encoding: 'utf8' });
    cold.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(r.stderr);
    const m = /maxrss (\d+)/.exec(r.stderr);
    if (m) rss.push(Number(m[1]) / 1024);
  }
  const c = summarize(cold);
  rows.push(['ours cold: page + net_iov (new process)', `${c.median.toFixed(0)} ms`, `${c.p95.toFixed(0)} ms`, `goal ≤ 0.5× compiler = ${(compilerMs * 0.5).toFixed(0)} ms: ${c.median <= compilerMs * 0.5 ? 'met' : 'NOT MET'}; ratio ${(c.median / compilerMs).toFixed(2)}×`]);
  const peakCli = Math.max(...rss);
  rows.push(['  peak RSS of that process (the whole closure)', `${peakCli.toFixed(0)} MB`, '', `goal ≤ 200 MB: ${peakCli <= 200 ? 'met' : 'NOT MET'}`]);

  // In-process breakdown and the edit loop.
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  const t0 = performance.now();
  const first = project.layout('net_iov');
  const firstMs = performance.now() - t0;
  if (!first.ok) throw new Error(first.reason);
  if (!project.layout('page').ok) throw new Error('page');
  const tm = first.unit.timings;
  rows.push(['  of which preprocess / set-up / parse+layout', `${tm.preprocessMs.toFixed(0)} / ${tm.indexMs.toFixed(0)} / ${(firstMs - tm.preprocessMs - tm.indexMs).toFixed(0)} ms`, '', `${first.unit.pp.includedFiles.length} files, ${(first.unit.pp.text.length / 1e6).toFixed(1)} MB expanded, ${first.unit.declarations.parsedCount} of ${first.unit.pp.declarations.ends.length} declarations parsed`]);
  rows.push(['ours in-process first layout', `${firstMs.toFixed(0)} ms`, '', '']);
  const mm = path.join(f.src, 'include/linux/mm_types.h');
  const text = fs.readFileSync(mm, 'utf8');
  const edits: number[] = [];
  let peak = process.memoryUsage().rss;
  let rebuilt = 0;
  for (let i = 0; i < Math.max(N, 50); i++) {
    // a one-line edit that changes tokens (a member of struct page renamed), so nothing can be skipped as unchanged
    const e0 = performance.now();
    const before = project.unitsDropped;
    project.setFileText(mm, text.replace('unsigned long flags;', `unsigned long flags_edit${i};`));
    const a = project.layout('page');
    const b = project.layout('net_iov');
    rebuilt += project.unitsDropped - before;
    edits.push(performance.now() - e0);
    if (!a.ok || !b.ok) throw new Error('edit broke the layout');
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  project.setFileText(mm, undefined);
  const e = summarize(edits);
  rows.push([`re-layout after a one-line edit of mm_types.h (${edits.length}×)`, `${e.median.toFixed(1)} ms`, `${e.p95.toFixed(1)} ms`, `goal p95 ≤ 20 ms: ${e.p95 <= 20 ? 'met' : 'NOT MET'}; ${rebuilt} unit(s) rebuilt in full, the rest updated incrementally`]);
  rows.push(['peak RSS of this editing session (2 units, the edits)', `${(peak / 1048576).toFixed(0)} MB`, '', 'note']);

  const w = [48, 22, 10, 0];
  console.log(['what', 'median', 'p95', 'goal / note'].map((h, i) => h.padEnd(w[i])).join(' '));
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(w[i])).join(' '));
  if (!('error' in k)) console.log(`\nreference command: ${k.command.slice(0, 300)}${k.command.length > 300 ? ' …' : ''}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
