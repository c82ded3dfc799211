// overlay-lens sim --trace FILE | --scenario NAME [--rounds N] [--seed S] [--tree SRC ...] [--set K=V]... [--format text|json]
import * as fs from 'node:fs';
import { flag, oneOf, parseArgs, UsageError } from './args';
import { openProject, TREE_FLAGS } from './tree-options';
import { DEFAULT_PARAMS, SimParams } from '../engine/simulator/page-pool';
import { SCENARIOS, scenario } from '../engine/simulator/scenarios';
import { runTrace, SimResult, Trace, TraceError, validateTrace } from '../engine/simulator/trace';
import { simParamsFromTree } from '../engine/simulator/params';
import { formatSimResult } from '../engine/simulator/report';

export const SIM_HELP = `usage: overlay-lens sim (--trace FILE | --scenario NAME | --list-scenarios)
                        [--tree SRC [--build DIR] [--config FILE] [--arch ARCH]] [--set NAME=VALUE]...
                        [--rounds N] [--seed S] [--format text|json]

Parameters come from the tree when --tree is given (PP_ALLOC_CACHE_SIZE, PP_ALLOC_CACHE_REFILL,
PAGE_SIZE, sizeof(struct page), sizeof(struct net_iov)), else the 6.12 defaults; --set overrides
any of ${Object.keys(DEFAULT_PARAMS).join(', ')}. The trace format is schemas/page-pool-trace.schema.json.`;

export async function simCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [...TREE_FLAGS, 'trace', 'scenario', 'rounds', 'seed', 'format'], repeatable: ['set'], booleans: ['list-scenarios', 'help', 'verbose'] });
  if (args.bools.has('help')) { process.stdout.write(SIM_HELP + '\n'); return 0; }
  if (args.bools.has('list-scenarios')) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(20)} ${s.summary}\n`);
    return 0;
  }
  const format = oneOf(flag(args, 'format'), ['text', 'json'] as const, 'format', 'text');
  const traceFile = flag(args, 'trace');
  const scenarioName = flag(args, 'scenario');
  if (!!traceFile === !!scenarioName) throw new UsageError('give exactly one of --trace FILE or --scenario NAME (--list-scenarios lists them)');

  let params: SimParams = { ...DEFAULT_PARAMS };
  const notes: string[] = [];
  if (flag(args, 'tree')) {
    const project = await openProject(args);
    const fromTree = project.simParams();
    params = fromTree.params;
    if (fromTree.fromTree.length) notes.push(`from the tree: ${fromTree.fromTree.join(', ')}`);
    if (fromTree.defaulted.length) notes.push(`6.12 defaults used for: ${fromTree.defaulted.join(', ')}`);
  }
  for (const s of args.flags.get('set') ?? []) {
    const m = /^(\w+)=(\S+)$/.exec(s);
    if (!m || !(m[1] in DEFAULT_PARAMS)) throw new UsageError(`--set ${s}: expected NAME=VALUE with NAME one of ${Object.keys(DEFAULT_PARAMS).join(', ')}`);
    const v = m[2] === 'true' ? true : m[2] === 'false' ? false : Number(m[2]);
    if (typeof v === 'number' && !Number.isInteger(v)) throw new UsageError(`--set ${s}: not an integer`);
    (params as unknown as Record<string, number | boolean>)[m[1]] = v;
  }

  let trace: Trace;
  if (traceFile) {
    let text: string;
    try { text = fs.readFileSync(traceFile, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${traceFile}: ${(e as Error).message}`); }
    let data: unknown;
    try { data = JSON.parse(text); } catch (e) { process.stderr.write(`overlay-lens sim: ${traceFile}: not JSON: ${(e as Error).message}\n`); return 2; }
    try { trace = validateTrace(data, traceFile); } catch (e) {
      if (e instanceof TraceError) { process.stderr.write(`overlay-lens sim: ${e.message}\n`); return 2; }
      throw e;
    }
  } else {
    const sc = scenario(scenarioName!);
    if (!sc) throw new UsageError(`no scenario '${scenarioName}' (have: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    const rounds = Number(flag(args, 'rounds') ?? 2000);
    const seed = Number(flag(args, 'seed') ?? 1);
    if (!Number.isInteger(rounds) || rounds <= 0 || rounds > 5_000_000) throw new UsageError('--rounds must be 1..5000000');
    trace = sc.build(params, rounds, seed);
    notes.push(`scenario ${sc.name} (${rounds} rounds, seed ${seed}): ${sc.summary}`);
  }
  let result: SimResult;
  try {
    result = runTrace(trace, params);
  } catch (e) {
    if (e instanceof TraceError || e instanceof RangeError) { process.stderr.write(`overlay-lens sim: ${traceFile ?? scenarioName}: ${e.message}\n`); return 2; }
    throw e;
  }
  if (format === 'json') process.stdout.write(JSON.stringify({ ...result, notes }, null, 1) + '\n');
  else process.stdout.write(formatSimResult(result, notes));
  return 0;
}
