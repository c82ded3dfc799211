// `npm start`: build, then run the main job on the bundled sample tree
// (samples/mini-kernel): the layouts of struct page and struct net_iov as
// pahole prints them, the overlay check with its findings, and the mirror map.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tree = process.env.OVERLAY_LENS_TREE ?? 'samples/mini-kernel';
const step = (title, args) => {
  process.stdout.write(`\n\x1b[1m$ overlay-lens ${args.join(' ')}\x1b[0m   # ${title}\n`);
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' }).status;
};

if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
if (!existsSync(tree)) {
  console.error(`no sample tree at ${tree}`);
  process.exit(2);
}
let worst = 0;
for (const [title, args] of [
  ['layouts, as pahole -C would print them', ['layout', '--tree', tree, 'page', 'net_iov']],
  ['static asserts and overlay rules', ['check', '--tree', tree]],
  ['the mirror map: which bytes of struct page each net_iov field reuses', ['overlay', '--tree', tree, 'page', 'net_iov']],
  ['the page_pool simulator on parameters read from the sample', ['sim', '--tree', tree, '--scenario', 'steady-rx']],
]) {
  const code = step(title, args);
  // check exits 1 when it has error findings: that is its answer, not a failure of npm start.
  if (code !== 0 && !(args[0] === 'check' && code === 1)) worst = Math.max(worst, code ?? 1);
}
process.exit(worst);
