// overlay-lens layout [--tree SRC] [--build DIR] [--config FILE] [--arch ARCH] [--format text|json] NAME...
// overlay-lens layout --all-headers ...
import { oneOf, flag, parseArgs, UsageError } from './args';
import { openProject, TREE_FLAGS } from './tree-options';

export const LAYOUT_HELP = `usage: overlay-lens layout [--tree SRC] [--build DIR] [--config FILE] [--arch ARCH] [--format text|json] NAME...
       overlay-lens layout --all-headers [--format json] ...

NAME is a struct tag (page, net_iov) or 'union NAME'. text is pahole's format;
json is {"NAME": {"kind", "size", "align", "members": [{"path", "offset_bits", "bitfield", "size", "type"}]}},
or {"NAME": {"error": "why"}} for a struct that cannot be laid out.`;

export async function layoutCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [...TREE_FLAGS, 'format'], booleans: ['all-headers', 'help', 'verbose'] });
  if (args.bools.has('help')) { process.stdout.write(LAYOUT_HELP + '\n'); return 0; }
  const format = oneOf(flag(args, 'format'), ['text', 'json'] as const, 'format', 'text');
  const names: Array<{ name: string; kind: 'struct' | 'union' }> = [];
  for (let i = 0; i < args.positional.length; i++) {
    const p = args.positional[i];
    if ((p === 'union' || p === 'struct') && args.positional[i + 1]) { names.push({ name: args.positional[++i], kind: p }); continue; }
    const m = /^(struct|union)\s+(\w+)$/.exec(p);
    names.push(m ? { name: m[2], kind: m[1] as 'struct' | 'union' } : { name: p, kind: 'struct' });
  }
  if (!names.length && !args.bools.has('all-headers')) throw new UsageError('name a struct (e.g. page net_iov), or give --all-headers');
  const project = openProject(args, {}, false);
  // the headers are preprocessed while the C grammar's wasm compiles
  if (!args.bools.has('all-headers')) project.prepareLayouts(names);
  await project.ready;
  if (args.bools.has('all-headers')) {
    const all = project.allHeaderLayouts((done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} headers`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const n of names) if (!all[n.name]) all[n.name] = project.json(project.layout(n.name, n.kind));
    if (format === 'json') process.stdout.write(JSON.stringify(all) + '\n');
    else for (const [k, v] of Object.entries(all)) process.stdout.write('error' in v ? `/* ${k}: unknown, because ${v.error} */\n` : `${k}: size ${v.size}, align ${v.align}, ${v.members.length} members\n`);
    return 0;
  }
  const out: Record<string, unknown> = {};
  const answers = project.layoutMany(names);
  for (const [i, n] of names.entries()) {
    const answer = answers[i];
    const key = n.kind === 'union' ? `union ${n.name}` : n.name;
    if (format === 'json') out[key] = project.json(answer);
    else process.stdout.write(project.pahole(answer) + '\n');
  }
  if (format === 'json') process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  return 0;
}
