// The one test command (`npm test`): build, then every tier in turn.
// A tier that cannot run here says so loudly and why; it is never counted as passed.
// Ends with a plain "tests: N passed, N failed" line summed over all tiers.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2); // e.g. `npm test -- unit fixture`
const SKIP = 77; // a setup script's "cannot run here" exit code (as automake uses it)

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

// Runs node's test runner on files, echoing its output and reading its closing counts.
function nodeTest(files, env) {
  return new Promise((resolve) => {
    // --test-force-exit: a test that leaves a handle open (a child process, a server) fails or passes; it does not hang the tier
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-force-exit', ...files], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let pass = 0, fail = 0, skipped = 0, buf = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        let m;
        if ((m = /^\S*\s*pass (\d+)$/.exec(line.trim()))) pass = +m[1];
        if ((m = /^\S*\s*fail (\d+)$/.exec(line.trim()))) fail = +m[1];
        if ((m = /^\S*\s*skipped (\d+)$/.exec(line.trim()))) skipped = +m[1];
      }
    });
    // node --test counts skipped tests apart from passed ones; they are reported loudly below.
    child.on('close', (code) => resolve({ pass, skipped, fail: code && !fail ? fail + 1 : fail }));
  });
}

const tiers = [
  { name: 'unit', dir: 'out/test/unit' },
  { name: 'fixture', dir: 'out/test/fixture', setup: ['bash', ['scripts/kernel-fixture.sh']],
    why: 'needs the Debian linux-source-6.12 tree, its amd64 build dir and BTF (scripts/kernel-fixture.sh)' },
  { name: 'fixture-6.1', dir: 'out/test/fixture-6.1', setup: ['bash', ['scripts/kernel-fixture.sh', '', '6.1']],
    why: 'needs the Debian linux-source-6.1 tree, its amd64 build dir and BTF (scripts/kernel-fixture.sh "" 6.1)' },
  { name: 'fixture-arm64', dir: 'out/test/fixture-arm64', setup: ['bash', ['scripts/kernel-fixture.sh', '', '6.12', 'arm64']],
    why: 'needs the 6.12 fixture and Debian\'s linux-headers-*-arm64 of the same version, with its vmlinux BTF (scripts/kernel-fixture.sh "" 6.12 arm64)' },
  { name: 'e2e', dir: 'out/test/e2e', setup: ['bash', ['scripts/setup-code-server.sh']],
    why: 'needs code-server 4.100.3, Debian chromium and playwright-core (scripts/setup-code-server.sh)' },
  { name: 'electron', dir: 'out/test/electron' },
];

if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);
if (run('npx', ['tsc', '-p', '.']) !== 0) process.exit(1);
// the webview scripts run in a browser: checked against the DOM's types on their own
if (run('npx', ['tsc', '-p', 'src/vscode/webview/tsconfig.json']) !== 0) process.exit(1);

const results = [];
let total = { pass: 0, fail: 0 };
for (const tier of tiers) {
  if (only.length && !only.includes(tier.name)) continue;
  const files = findTests(tier.dir);
  if (!files.length) { results.push([tier.name, 'NO TESTS']); continue; }
  console.log(`\n=== tier ${tier.name}: ${files.length} file(s)`);
  if (tier.setup && existsSync(tier.setup[1][0])) {
    const code = run(tier.setup[0], tier.setup[1]);
    if (code === SKIP) {
      console.log(`\n!!!!! tier ${tier.name} SKIPPED: cannot run here: ${tier.why} !!!!!\n`);
      results.push([tier.name, `SKIPPED (${tier.why})`]);
      continue;
    }
    if (code !== 0) { results.push([tier.name, 'SETUP FAILED']); total.fail++; continue; }
  }
  const r = await nodeTest(files, {});
  total.pass += r.pass; total.fail += r.fail;
  if (r.skipped) console.log(`\n!!!!! tier ${tier.name}: ${r.skipped} test(s) SKIPPED (see the reasons above); not counted as passed !!!!!\n`);
  results.push([tier.name, `${r.pass} passed, ${r.fail} failed${r.skipped ? `, ${r.skipped} SKIPPED` : ''}`]);
}

console.log('\n=== summary');
for (const [name, what] of results) console.log(`  ${name.padEnd(14)} ${what}`);
console.log(`tests: ${total.pass} passed, ${total.fail} failed`);
process.exit(total.fail ? 1 : 0);
