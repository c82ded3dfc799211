// layoutsOf (`layout --all-headers`, the BTF coverage test) reads umbrella
// headers first and every struct they define from there. A struct an
// umbrella's unit cannot lay out (its header read there in an order it does
// not expect) is laid out again from its own header, not left unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { withSampleCopy, writeTreeFiles } from '../../support/sample-tree';

test('a struct an umbrella unit cannot lay out is laid out from its own header', async () => {
  await withSampleCopy('ol-layouts-of-', async (tree) => {
    const inc = path.join(tree, 'include/linux');
    writeTreeFiles(inc, {
      'thing_size.h': '#ifndef THING_SIZE_H\n#define THING_SIZE_H\n#define THING_SIZE 16\n#endif\n',
      'thing.h': '#ifndef THING_H\n#define THING_H\n#include <linux/thing_size.h>\nstruct thing { char b[THING_SIZE]; long after; };\n#endif\n',
      // the umbrella marks thing_size.h as read without reading it: THING_SIZE is unknown in its unit
      'umbrella.h': '#define THING_SIZE_H\n#include <linux/thing.h>\n',
    });
    const p = await OverlayProject.open({ srcDir: tree });
    const inUmbrella = p.unit(path.join(inc, 'umbrella.h')).layout('thing', 'struct');
    assert.ok('reason' in inUmbrella && /THING_SIZE/.test(inUmbrella.reason), 'the umbrella alone cannot');
    const got = p.layoutsOf(['thing'], undefined, ['include/linux/umbrella.h']).get('thing');
    assert.ok(got && !('error' in got), got && 'error' in got ? got.error : 'no answer');
    assert.equal(got.size, 24);
  });
});

test('a public header that is not self-contained is laid out as a header that includes it reads it', async () => {
  await withSampleCopy('ol-layouts-of-', async (tree) => {
    const inc = path.join(tree, 'include/xenish');
    writeTreeFiles(inc, {
      // like xen's interface/physdev.h: it uses domid_t and leaves it to its includer (asm/xen/hypercall.h)
      'physdev.h': 'struct physdev_op { domid_t domid; int pirq; unsigned long gmfn; };\n',
      'hypercall.h': 'typedef unsigned short domid_t;\n#include <xenish/physdev.h>\n',
    });
    const p = await OverlayProject.open({ srcDir: tree });
    const alone = p.unit(path.join(inc, 'physdev.h')).layout('physdev_op', 'struct');
    assert.ok('reason' in alone && /domid_t/.test(alone.reason), 'its own probe cannot');
    const l = p.layout('physdev_op');
    assert.ok(l.ok, l.ok ? '' : l.reason);
    assert.deepEqual([l.layout.size, path.basename(l.file)], [16, 'physdev.h']);
    const all = p.layoutsOf(['physdev_op'], undefined, []).get('physdev_op');
    assert.ok(all && !('error' in all), all && 'error' in all ? all.error : 'no answer');
    assert.equal(all.size, 16);
  });
});
