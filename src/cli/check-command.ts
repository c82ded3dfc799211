// overlay-lens check [--tree SRC] [--build DIR] [--config FILE] [--arch ARCH] [--sweep SPEC] [--format text|json|sarif] [PATH...]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, oneOf, parseArgs, UsageError } from './args';
import { openProject, TREE_FLAGS } from './tree-options';
import { CheckReport, failed, toJson, toSarif, toText } from '../engine/checks/report';
import { parseSize } from '../engine/checks/overhead';
import { mergeSweep, parseSweep, sweepConfig } from '../engine/checks/sweep';
import { kbuildCompileSettings } from '../engine/config/kbuild';
import type { OverlayProject } from '../engine/project';
import { defaultCacheDir, KeptUnits } from '../engine/project/kept-answers';

export const CHECK_HELP = `usage: overlay-lens check [--tree SRC] [--build DIR] [--config FILE] [--arch ARCH]
                          [--sweep SPEC] [--region SIZE] [--pair A:B]... [--jobs N] [--no-cache]
                          [--format text|json|sarif] [PATH...]

PATH: files or directories (default: include/linux/mm_types.h, include/net/netmem.h, mm/slab.h).
      In a directory, the .c and .h files that spell static_assert, _Static_assert,
      BUILD_BUG_ON or BUILD_BUG_ON_MSG are checked; a file named itself always is.
--jobs N                                 worker threads (default: the cores, at most 4)
--no-cache                               build every unit: do not reuse the answers a run over more
                                         than 8 files keeps in ~/.cache/overlay-lens/check (or under
                                         $XDG_CACHE_HOME), reused while every file a unit read is unchanged
--sweep tree,memcg-off,i386,CONFIG_X=n   check under several configurations; findings seen
                                         under only some of them name which. O=DIR is another
                                         build dir of this source (its .config, generated headers
                                         and arch): --sweep tree,O=../build-arm64
--region 10M                             price each descriptor array for this much memory
--pair page:net_iov                      an extra overlay pair to check
Exit: 1 when an assert fails or an error-severity finding exists, else 0; 2 usage/environment.`;

function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

export async function checkCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [...TREE_FLAGS, 'format', 'sweep', 'region', 'jobs'], repeatable: ['pair'], booleans: ['help', 'verbose', 'no-cache'] });
  if (args.bools.has('help')) { process.stdout.write(CHECK_HELP + '\n'); return 0; }
  const format = oneOf(flag(args, 'format'), ['text', 'json', 'sarif'] as const, 'format', 'text');
  const regionText = flag(args, 'region');
  const region = regionText === undefined ? undefined : parseSize(regionText);
  if (regionText !== undefined && region === undefined) throw new UsageError(`--region ${regionText}: expected a size like 10M, 4096 or 2G`);
  const jobsText = flag(args, 'jobs');
  const workers = jobsText === undefined ? undefined : Number(jobsText);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError(`--jobs ${jobsText}: expected a whole number ≥ 1`);
  const project = await openProject(args, { extraPairs: args.flags.get('pair') ?? [] });
  // a long run says how far it is, on stderr and only to a terminal
  const progress = process.stderr.isTTY ? (done: number, total: number, file: string) => {
    process.stderr.write(`\r\x1b[K[${done}/${total}] ${path.relative(project.config.srcDir, file)}`);
    if (done === total) process.stderr.write('\r\x1b[K');
  } : undefined;
  // a big run keeps each unit's answer on disk, as make keeps objects (engine/project/kept-answers.ts)
  const caches: KeptUnits[] = [];
  const cacheFor = (p: OverlayProject) => {
    if (args.bools.has('no-cache')) return undefined;
    const c = KeptUnits.open(defaultCacheDir(), p.config, kbuildCompileSettings(p.config).includeDirs);
    caches.push(c);
    return c;
  };
  const sweepSpec = flag(args, 'sweep');
  let report: CheckReport;
  if (sweepSpec) {
    const items = parseSweep(sweepSpec);
    if ('error' in items) throw new UsageError(`--sweep: ${items.error}`);
    const runs = [];
    for (const item of items) {
      const change = sweepConfig(item, project.options, (dir) => path.resolve(dir));
      const p = change ? await project.withConfig(change) : project;
      runs.push({ label: item.label, result: await p.checkAsync(args.positional, { region, workers, progress, keptUnits: cacheFor(p) }) });
    }
    const first = runs[0].result;
    report = { ...first, findings: mergeSweep(runs), asserts: runs.flatMap((r) => r.result.asserts.map((a) => ({ ...a, site: { ...a.site, text: a.site.text } }))).filter((a, i, all) => a.status === 'fail' || all.findIndex((b) => b.site.at.file === a.site.at.file && b.site.at.line === a.site.at.line && b.site.text === a.site.text) === i), sweep: items.map((i) => i.label), notes: [...new Set(runs.flatMap((r) => r.result.notes.map((n) => `[${r.label}] ${n}`)))] };
  } else {
    report = await project.checkAsync(args.positional, { region, workers, progress, keptUnits: cacheFor(project) });
  }
  if (args.bools.has('verbose')) {
    for (const c of caches) if (c.hits + c.misses) process.stderr.write(`unit cache: ${c.hits} of ${c.hits + c.misses} units' answers reused${c.overlaysReused === undefined ? '' : c.overlaysReused ? ', and the overlay pairs\' maps' : ', the overlay pairs\' maps made again'} (${defaultCacheDir()})${c.loadNote ? `; ${c.loadNote}` : ''}\n`);
  }
  if (format === 'json') process.stdout.write(JSON.stringify(toJson(report), null, 1) + '\n');
  else if (format === 'sarif') process.stdout.write(JSON.stringify(toSarif(report, version()), null, 1) + '\n');
  else process.stdout.write(toText(report));
  return failed(report) ? 1 : 0;
}
