// overlay-lens overlay A B [...]: the mirror map side by side.
import { parseArgs, UsageError } from './args';
import { openProject, TREE_FLAGS } from './tree-options';
import { mirrorTable } from '../engine/checks/report';

export async function overlayCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [...TREE_FLAGS], booleans: ['help', 'verbose'] });
  if (args.bools.has('help') || args.positional.length < 2) {
    process.stdout.write('usage: overlay-lens overlay [--tree SRC] [--build DIR] [--config FILE] [--arch ARCH] A B [B...]\n  the fields of each B over struct A, one row per byte range, with their status\n');
    if (!args.bools.has('help')) throw new UsageError('name the overlaid struct and at least one overlay (e.g. page net_iov)');
    return 0;
  }
  const [a, ...bs] = args.positional;
  const project = await openProject(args, { extraPairs: bs.map((b) => `${a}:${b}`) });
  const files = [...new Set(bs.map((b) => project.locate(b)[0]).filter((f): f is string => !!f))];
  if (files.length === 0) throw new UsageError(`no definition of ${bs.join(', ')} found`);
  const report = project.check(files);
  let shown = 0;
  for (const b of bs) {
    const m = report.mirrors.find((x) => x.a.name === a && x.b.name === b);
    if (!m) { process.stdout.write(`struct ${b} over struct ${a}: unknown, because ${report.notes.find((n) => n.includes(`${a} ◀ ${b}`)) ?? 'the two could not be laid out together'}\n`); continue; }
    process.stdout.write(mirrorTable(m) + '\n');
    shown++;
  }
  return shown ? 0 : 2;
}
