// `npm run bench [-- NAME...]`: compile, then run each bench/*.ts (not bench/lib)
// in its own process. Every benchmark prints its own table with goals and the
// reference run beside the measurements; this script only sequences them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const only = process.argv.slice(2);
if (spawnSync('npx', ['tsc', '-p', '.'], { stdio: 'inherit' }).status !== 0) process.exit(1);
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const names = existsSync('out/bench') ? readdirSync('out/bench').filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')) : [];
let worst = 0;
for (const n of names.sort()) {
  if (only.length && !only.includes(n)) continue;
  console.log(`\n=== bench/${n}.ts`);
  const r = spawnSync(process.execPath, ['--expose-gc', `out/bench/${n}.js`], { stdio: 'inherit' });
  worst = Math.max(worst, r.status ?? 1);
}
process.exit(worst);
