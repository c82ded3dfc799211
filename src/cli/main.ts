// overlay-lens: the command-line face of the engine. One file per subcommand;
// this file only dispatches and turns errors into exit codes:
//   0 ok · 1 findings of error severity (check) · 2 usage or environment error · 3 internal error
import { UsageError } from './args';
import { TreeConfigError } from '../engine/config/tree-config';
import { tuneV8 } from '../engine/v8-tuning';

// before any engine code is compiled (the subcommands load lazily below)
tuneV8();

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Command }> = {
  layout: { summary: 'struct layouts as pahole prints them (or JSON)', load: () => require('./layout-command').layoutCommand },
  check: { summary: 'static asserts and overlay rules (text, JSON or SARIF)', load: () => require('./check-command').checkCommand },
  sim: { summary: 'page_pool simulator: traces and built-in scenarios', load: () => require('./sim-command').simCommand },
  overlay: { summary: 'the mirror map of struct B over struct A, side by side', load: () => require('./overlay-command').overlayCommand },
};

export const USAGE = `usage: overlay-lens <command> [options]

commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)} ${c.summary}`).join('\n')}

common options:
  --tree SRC      kernel source tree (default: current directory)
  --build DIR     kbuild O= directory holding .config and include/generated
  --config FILE   a .config, auto.conf or autoconf.h to use instead
  --arch ARCH     x86_64 (default from the config), i386, arm64, arm, riscv64
  --format F      text or json (check: also sarif)

run 'overlay-lens <command> --help' for a command's own options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`overlay-lens: unknown command '${name}'\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await cmd.load()(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`overlay-lens ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof TreeConfigError) {
      process.stderr.write(`overlay-lens ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`overlay-lens ${name}: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 3;
  }
}

if (require.main === module) {
  // `overlay-lens layout page | head`: a reader that stops early is not an error (as for cat and pahole)
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
