// The `overlay-lens` command as a shell user meets it: output read through a
// pipe that closes early (`| head`), and a layout read through a .c file
// that includes its header, which the text says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SAMPLE, withSampleCopy, writeTreeFiles } from '../../support/sample-tree';

const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

test('a reader that stops early (| head) ends the command quietly with status 0, not a stack trace', async () => {
  // the pipe's reading end is closed before the command writes: its first write fails with EPIPE
  const child = spawn(process.execPath, [CLI, 'layout', '--tree', SAMPLE, 'page', 'net_iov'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  assert.equal(status, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});

test('layout says when a struct was read through a .c file that includes its header (the header alone leans on it)', async () => {
  await withSampleCopy('ol-cli-readas-', (tree) => {
    writeTreeFiles(tree, {
      'include/linux/leaner.h': 'struct leaner {\n\tstruct list_head node;\n\tunsigned long usage[LEANER_MAX];\n};\n',
      'lib/leaner.c': '#include <linux/types.h>\n#define LEANER_MAX 3\n#include <linux/leaner.h>\n',
    });
    const r = spawnSync(process.execPath, [CLI, 'layout', '--tree', tree, 'leaner', 'list_head'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\/\* as lib\/leaner\.c includes include\/linux\/leaner\.h: .*\*\/\nstruct leaner \{/m);
    assert.match(r.stdout, /\/\* size: 40,/);
    // a struct its own header lays out carries no such line
    assert.doesNotMatch(r.stdout.slice(r.stdout.indexOf('struct list_head {') - 200, r.stdout.indexOf('struct list_head {')), /includes include\/linux\/types\.h/);
  });
});
