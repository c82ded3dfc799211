// The whole-tree assert check (every file under include/, mm/ and net/ that
// spells an assert) on the kernel fixture, beside the kernel's own compile
// (kbuild `make M=`) of the translation units that hold those asserts: a
// stated sample of them (every Nth file, BENCH_CHECK_STRIDE, default 10),
// timed with gcc and with us on exactly that sample, and the whole set
// extrapolated from it. The machine is shared: timings are wall clock.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../src/engine/project';
import { checkFiles, UnitResult } from '../src/engine/project/tree-check';
import { KeptUnits } from '../src/engine/project/kept-answers';
import { kbuildCompileSettings } from '../src/engine/config/kbuild';
import { tuneV8 } from '../src/engine/v8-tuning';
import { KbuildObjects } from '../src/engine/config/kbuild-objects';
import { gccCompileOnce, kbuildCompileOnce, kbuildGccCommand } from './lib/kernel-compile';
import { fixturePaths } from '../test/support/fixture';

tuneV8(); // the CLI's V8 settings (V8 flags are per process)

const STRIDE = Number(process.env.BENCH_CHECK_STRIDE ?? 10);
const GOAL_S = 10;

async function main() {
  const f = fixturePaths();
  if (!fs.existsSync(f.build)) { console.log(`bench/check: no kernel fixture at ${f.build}: run scripts/kernel-fixture.sh`); process.exit(2); }
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  // the scan for the files that spell an assert (the CLI's first step, on its main thread)
  const tScan = performance.now();
  const all = project.filesToCheck(['include', 'mm', 'net']);
  const scanS = (performance.now() - tScan) / 1000;
  const kbuild = new KbuildObjects(f.src, project.config.kconfig);
  const rows: Array<[string, string, string]> = [];
  const cores = os.availableParallelism?.() ?? os.cpus().length;

  // Ours, the whole tree from scratch: in this process, worker threads as the CLI uses them, with an
  // empty unit cache of its own (the goal's measure), which the rows after it then reuse.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-unit-cache-'));
  const cacheFor = () => KeptUnits.open(cacheDir, project.config, kbuildCompileSettings(project.config).includeDirs);
  const t0 = performance.now();
  const whole = await checkFiles(project, all, { keptUnits: cacheFor() });
  const wholeS = (performance.now() - t0) / 1000;
  const asserts = whole.results.reduce((n, r) => n + r.asserts.length, 0);
  const sum = (us: UnitResult[], k: keyof UnitResult['ms']) => us.reduce((n, u) => n + u.ms[k], 0) / 1000;
  // The goal's measure is what a user waits for: the command from its start to its report, from scratch
  // (node's start, the scan, the units, the overlay assembly on its main thread).
  const cliPath = path.resolve(__dirname, '../../dist/cli.js');
  const tCli = performance.now();
  const cli = spawnSync(process.execPath, [cliPath, 'check', '--tree', f.src, '--build', f.build, '--no-cache', '--format', 'json', 'include', 'mm', 'net'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const cliS = (performance.now() - tCli) / 1000;
  // exit 1: an error finding or a failing assert (none on this tree); 2: usage or environment
  const cliRan = cli.status === 0 || cli.status === 1;
  const cliAsserts = cliRan ? (JSON.parse(cli.stdout) as { asserts: unknown[] }).asserts.length : 0;
  rows.push([`ours: \`overlay-lens check include mm net\`, end to end`, cliRan ? `${cliS.toFixed(1)} s` : `failed (exit ${cli.status}): ${(cli.stderr || String(cli.error)).trim().split('\n').pop()}`, cliRan ? `goal ≤ ${GOAL_S} s: ${cliS <= GOAL_S ? 'met' : 'NOT MET'} (from scratch, --no-cache; ${cliAsserts} asserts)` : 'goal: no measurement']);
  rows.push([`ours: whole tree, ${all.length} files, ${whole.units.length} units, ${asserts} asserts`, `${wholeS.toFixed(1)} s`, `the units (${cores} cores, ${Math.min(4, cores)} workers; from scratch; the scan before them ${scanS.toFixed(2)} s)`]);
  rows.push(['  of which (CPU, summed over units) preprocess / parse / index / check', `${sum(whole.units, 'preprocess').toFixed(0)} / ${sum(whole.units, 'parse').toFixed(0)} / ${sum(whole.units, 'index').toFixed(0)} / ${sum(whole.units, 'check').toFixed(0)} s`, '']);
  // Runs after it, as make runs after a build: unchanged, then with one file's mtime moved on (content as it was,
  // so every answer stays the same and is compared), each with the answers the run before kept.
  const statuses = (r: typeof whole) => JSON.stringify(r.results.map((x) => x.asserts.map((a) => a.status)));
  const again = async (label: string, touch?: string) => {
    const st = touch ? fs.statSync(touch) : undefined;
    try {
      if (touch) fs.utimesSync(touch, st!.atime, new Date());
      const cache = cacheFor();
      const t = performance.now();
      const r = await checkFiles(project, all, { keptUnits: cache });
      const secs = (performance.now() - t) / 1000;
      rows.push([`  again, ${label}`, `${secs.toFixed(1)} s`, `${cache.misses} of ${cache.hits + cache.misses} units built, the rest kept (unit cache); answers ${statuses(r) === statuses(whole) ? 'the same' : 'DIFFERENT'}`]);
    } finally {
      if (touch) fs.utimesSync(touch, st!.atime, st!.mtime);
    }
  };
  try {
    await again('nothing changed');
    await again('mm/slub.c changed', path.join(f.src, 'mm/slub.c'));
    await again('include/net/netmem.h changed', path.join(f.src, 'include/net/netmem.h'));
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  // The same as a user runs it again: the command end to end (node's start, the scan, the kept answers read and
  // checked, the overlay half), with a cache of its own that a first run fills.
  const cliCache = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bench-cli-cache-'));
  try {
    const cliRun = () => {
      const t = performance.now();
      const r = spawnSync(process.execPath, [cliPath, 'check', '--verbose', '--tree', f.src, '--build', f.build, '--format', 'json', 'include', 'mm', 'net'], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, OVERLAY_LENS_CACHE_DIR: cliCache } });
      return { secs: (performance.now() - t) / 1000, ok: r.status === 0 || r.status === 1, same: r.stdout === cli.stdout, said: /unit cache: [^(]*/.exec(r.stderr)?.[0].trim() ?? r.stderr.trim().split('\n').pop() };
    };
    cliRun();
    const once = (label: string, touch?: string) => {
      const st = touch ? fs.statSync(touch) : undefined;
      try {
        if (touch) fs.utimesSync(touch, st!.atime, new Date());
        const r = cliRun();
        rows.push([`  the command again, ${label}`, r.ok ? `${r.secs.toFixed(1)} s` : 'failed', `end to end; ${r.said}; output ${r.same ? 'the same' : 'DIFFERENT'}`]);
      } finally {
        if (touch) fs.utimesSync(touch, st!.atime, st!.mtime);
      }
    };
    once('nothing changed');
    once('mm/slub.c changed', path.join(f.src, 'mm/slub.c'));
  } finally {
    fs.rmSync(cliCache, { recursive: true, force: true });
  }

  // The sample: every STRIDE-th file; a .c file is compiled itself, a header through a probe that includes it.
  const sample = all.filter((_, i) => i % STRIDE === 0);
  let makeMs = 0;
  let gccMs = 0;
  // the compile command kbuild runs (probe.c's, as make V=1 prints it), timed again without make around it
  const cmd = kbuildGccCommand(f.build);
  if ('error' in cmd) throw new Error(`bench/check: no kbuild gcc command: ${cmd.error}`);
  const compiled: string[] = [];
  const failed: string[] = [];
  for (const file of sample) {
    const obj = file.endsWith('.c') ? kbuild.object(file) : undefined;
    if (obj?.built === 'n') { failed.push(`${path.relative(f.src, file)} (not built under the config)`); continue; }
    // kbuild gives the probe its own KBUILD_MODNAME and MODULE; the Makefile's own -D flags come along
    const source = `${(obj?.defines ?? []).filter(([k]) => !/^(KBUILD_|__KBUILD_MODNAME$|MODULE$)/.test(k)).map(([k, v]) => `#define ${k} ${v}\n`).join('')}#include "${file}"\n`;
    const k = kbuildCompileOnce(f.build, source);
    if ('error' in k) { failed.push(`${path.relative(f.src, file)} (${k.error.slice(0, 80)})`); continue; }
    const g = gccCompileOnce(cmd, source);
    if ('error' in g) { failed.push(`${path.relative(f.src, file)} (${g.error.slice(0, 80)})`); continue; }
    makeMs += k.ms;
    gccMs += g.ms;
    compiled.push(file);
  }
  const t1 = performance.now();
  const ours = await checkFiles(project, compiled);
  const oursS = (performance.now() - t1) / 1000;
  // the same sample with header replay off (preprocess/header-memo.ts): what the memo saves
  process.env.OVERLAY_LENS_HEADER_MEMO = '0';
  const t2 = performance.now();
  const plain = await checkFiles(project, compiled);
  const plainS = (performance.now() - t2) / 1000;
  delete process.env.OVERLAY_LENS_HEADER_MEMO;
  const same = JSON.stringify(plain.results.map((r) => r.asserts.map((a) => a.status))) === JSON.stringify(ours.results.map((r) => r.asserts.map((a) => a.status)));
  const oursCpu = (['preprocess', 'parse', 'index', 'check'] as const).reduce((n, k) => n + sum(ours.units, k), 0);
  const wholeCpu = (['preprocess', 'parse', 'index', 'check'] as const).reduce((n, k) => n + sum(whole.units, k), 0);
  const gccS = gccMs / 1000;
  // make runs one compile at a time here, so its wall clock is its CPU time; ours runs on worker threads
  rows.push([`kernel compile (make M=, -O2, one file at a time) of the sample: ${compiled.length} files, every ${STRIDE}th`, `${(makeMs / 1000).toFixed(1)} s`, 'one make per file: most of each is make\'s start-up (the arch Makefile\'s cc-option probes)']);
  rows.push([`  the compiles alone (kbuild's gcc command, no make) of the same files`, `${gccS.toFixed(1)} s`, 'reference: "the compiler" below (wall = CPU: one process)']);
  rows.push([`ours on the same ${compiled.length} files, ${ours.units.length} units`, `${oursS.toFixed(1)} s`, `wall ${(oursS / gccS).toFixed(2)}× the compiler; CPU ${oursCpu.toFixed(1)} s = ${(oursCpu / gccS).toFixed(2)}×`]);
  rows.push([`  the same without header replay (OVERLAY_LENS_HEADER_MEMO=0)`, `${plainS.toFixed(1)} s`, `replay saves ${((1 - oursS / plainS) * 100).toFixed(0)}% of the wall clock; every assert's status ${same ? 'the same' : 'DIFFERENT'}`]);
  const estimate = gccS * (all.length / Math.max(1, compiled.length));
  rows.push([`the compiles alone of all ${all.length} files, extrapolated from the sample`, `≈${estimate.toFixed(0)} s`, `whole tree: wall ≈${(wholeS / estimate).toFixed(2)}×, CPU ${wholeCpu.toFixed(0)} s ≈${(wholeCpu / estimate).toFixed(2)}× the compiler`]);

  const w = [Math.max(...rows.map((r) => r[0].length)) + 2, 24];
  console.log(['what', 'wall clock', 'goal / note'].map((h, i) => (i < 2 ? h.padEnd(w[i]) : h)).join(' '));
  for (const r of rows) console.log(r.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x)).join(' '));
  if (failed.length) console.log(`\nsample files the kernel compile could not time (left out of both sides): ${failed.join(', ')}`);
  console.log(`\nThe machine is shared with other jobs (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} now): wall-clock numbers vary by tens of percent between runs.`);
}
main().catch((e) => { console.error(e); process.exit(1); });
