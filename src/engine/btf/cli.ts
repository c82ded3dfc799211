// node out/src/engine/btf/cli.js BTF.json [--ptr 8] > layouts.json  (used by scripts/kernel-fixture.sh)
import * as fs from 'node:fs';
import { flattenBtf } from './flatten';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: btf-layouts BTF.json [--ptr 8]\n');
  process.exit(2);
}
const ptr = rest[0] === '--ptr' ? Number(rest[1]) : 8;
const types = JSON.parse(fs.readFileSync(file, 'utf8')).types;
const out = flattenBtf(types, ptr);
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
process.stdout.write(JSON.stringify(sorted) + '\n');
