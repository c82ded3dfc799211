// layoutsOf (`layout --all-headers`, the BTF coverage test) reads umbrella
// headers first and every struct they define from there. A struct an
// umbrella's unit cannot lay out (its header read there in an order it does
// not expect) is laid out again from its own header, not left unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';

const sample = path.resolve(__dirname, '../../../../samples/mini-kernel');

test('a struct an umbrella unit cannot lay out is laid out from its own header', async () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-layouts-of-'));
  try {
    fs.cpSync(sample, tree, { recursive: true });
    const inc = path.join(tree, 'include/linux');
    fs.writeFileSync(path.join(inc, 'thing_size.h'), '#ifndef THING_SIZE_H\n#define THING_SIZE_H\n#define THING_SIZE 16\n#endif\n');
    fs.writeFileSync(path.join(inc, 'thing.h'), '#ifndef THING_H\n#define THING_H\n#include <linux/thing_size.h>\nstruct thing { char b[THING_SIZE]; long after; };\n#endif\n');
    // the umbrella marks thing_size.h as read without reading it: THING_SIZE is unknown in its unit
    fs.writeFileSync(path.join(inc, 'umbrella.h'), '#define THING_SIZE_H\n#include <linux/thing.h>\n');
    const p = await OverlayProject.open({ srcDir: tree });
    const inUmbrella = p.unit(path.join(inc, 'umbrella.h')).layout('thing', 'struct');
    assert.ok('reason' in inUmbrella && /THING_SIZE/.test(inUmbrella.reason), 'the umbrella alone cannot');
    const got = p.layoutsOf(['thing'], undefined, ['include/linux/umbrella.h']).get('thing');
    assert.ok(got && !('error' in got), got && 'error' in got ? got.error : 'no answer');
    assert.equal(got.size, 24);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});
