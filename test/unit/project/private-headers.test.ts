// A private header (outside include/: mm/slab.h) that includes nothing and
// leans on what the .c files beside it include first, as 6.1's mm/slab.h
// does. On a copy of the sample tree: its struct is laid out where a .c file
// includes it (layout, the editor's per-file layouts, the overlay pair of a
// whole-tree run, which keeps no unit), not reported as unknown because a
// probe of the header alone lacks struct list_head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { withSampleCopy, writeTreeFiles } from '../../support/sample-tree';
import { includerOf, isPrivateHeader } from '../../../src/engine/project/private-headers';

const SLAB_H = `/* like 6.1's mm/slab.h: no #include of its own */
#ifndef MM_SLAB_H
#define MM_SLAB_H
struct slab {
	unsigned long __page_flags;
	struct list_head slab_list;
	void *freelist;
	unsigned long counters;
	atomic_t __page_refcount;
};
#define SLAB_MATCH(pg, sl) \\
	static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl))
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(lru, slab_list);
#undef SLAB_MATCH
#endif
`;

test('a private header that includes nothing is laid out and paired where a .c file beside it includes it', async () => {
  await withSampleCopy('ol-private-', async (tree) => {
    const slabH = path.join(tree, 'mm/slab.h');
    writeTreeFiles(tree, {
      'mm/slab.h': SLAB_H,
      'mm/big.c': '#include <linux/mm_types.h>\n#include "slab.h"\nint big_one(void) { return 0; }\n/* the larger includer */\n',
      'mm/slab_common.c': '#include <linux/mm_types.h>\n#include "slab.h"\n',
      'mm/other.c': '#include <linux/types.h>\n',
    });
    assert.ok(isPrivateHeader(tree, slabH) && !isPrivateHeader(tree, path.join(tree, 'include/linux/types.h')));
    assert.equal(includerOf(tree, slabH, (f) => fs.readFileSync(f, 'utf8'), () => true), path.join(tree, 'mm/slab_common.c'), 'the smaller of the two includers');

    const p = await OverlayProject.open({ srcDir: tree });
    const l = p.layout('slab');
    assert.ok(l.ok, l.ok ? '' : l.reason);
    assert.deepEqual([l.layout.size, l.file], [48, slabH]);
    const inFile = p.layoutsInFile(slabH).find((x) => x.name === 'slab');
    assert.ok(inFile?.ok, inFile && !inFile.ok ? inFile.reason : 'no answer for struct slab');

    // a run over many files keeps no unit: the pair is laid out from the header's includer, not its probe
    const r = await p.checkAsync(['mm', 'include'], { workers: 1 });
    assert.deepEqual(r.asserts.filter((a) => a.site.at.file === slabH).map((a) => a.status), ['pass', 'pass']);
    assert.ok(r.mirrors.some((m) => m.pair.a === 'page' && m.pair.b === 'slab'), `pairs: ${r.mirrors.map((m) => `${m.pair.a}◀${m.pair.b}`).join(', ')}; notes: ${r.notes.filter((n) => /overlay/.test(n)).join('; ')}`);
  });
});

test('a public header that is not self-contained is laid out as a .c file that includes it reads it: the one of its own name (hugetlb_cgroup.h, mm/hugetlb_cgroup.c), else one in a directory of its name (net/bluetooth/*.c)', async () => {
  await withSampleCopy('ol-leaner-', async (tree) => {
    const header = path.join(tree, 'include/linux/leaner.h');
    writeTreeFiles(tree, {
      // no #include of its own: struct list_head and LEANER_MAX come from its includer
      'include/linux/leaner.h': '#ifndef LEANER_H\n#define LEANER_H\nstruct leaner {\n\tstruct list_head node;\n\tunsigned long usage[LEANER_MAX];\n};\nstruct self_contained { int x; };\n#endif\n',
      'lib/leaner.c': '#include <linux/types.h>\n#define LEANER_MAX 3\n#include <linux/leaner.h>\n/* longer than tools/leaner.c: the smaller includer would win if tools/ counted */\n',
      // same names that must not answer: one that does not include it, one under tools/ (its own headers)
      'drivers/leaner.c': '#include <linux/types.h>\n#define LEANER_MAX 5\n',
      'tools/leaner.c': '#include <linux/types.h>\n#define LEANER_MAX 7\n#include <linux/leaner.h>\n',
    });
    const p = await OverlayProject.open({ srcDir: tree });
    const alone = p.unit(header).layout('leaner', 'struct');
    assert.ok('reason' in alone, 'the probe of the header alone cannot lay it out');

    const l = p.layout('leaner');
    assert.ok(l.ok, l.ok ? '' : l.reason);
    assert.deepEqual([l.layout.size, l.file], [16 + 3 * 8, header], 'LEANER_MAX as lib/leaner.c defines it, reported in the header');
    const inFile = p.layoutsInFile(header);
    assert.deepEqual(inFile.map((a) => [a.name, a.ok && a.layout.size]), [['leaner', 40], ['self_contained', 4]]);
    const inProbe = inFile.find((a) => a.name === 'self_contained');
    assert.ok(inProbe?.ok && inProbe.unit === p.unit(header), 'a struct the probe lays out is answered from the probe');
    const many = (await OverlayProject.open({ srcDir: tree })).layoutsOf(['leaner'], undefined, []).get('leaner');
    assert.ok(many && !('error' in many) && many.size === 40, JSON.stringify(many));

    // a directory named as one of the header's: include/net/bluetooth/hci_like.h through net/bluetooth/*.c
    writeTreeFiles(tree, {
      'include/net/bluetooth/hci_like.h': 'struct hci_like { bdaddr_t addr; unsigned char op; };\n',
      'net/bluetooth/core.c': '#include <linux/types.h>\ntypedef struct { unsigned char b[6]; } bdaddr_t;\n#include <net/bluetooth/hci_like.h>\n',
      'net/bluetooth/other.c': '#include <linux/types.h>\n',
    });
    const bt = await OverlayProject.open({ srcDir: tree });
    const hci = bt.layout('hci_like');
    assert.ok(hci.ok && hci.layout.size === 7 && hci.file === path.join(tree, 'include/net/bluetooth/hci_like.h'), hci.ok ? `${hci.layout.size} ${hci.file}` : hci.reason);

    // with no .c of its name that includes it, the answer stays unknown, with the probe's reason
    fs.rmSync(path.join(tree, 'lib/leaner.c'));
    const none = (await OverlayProject.open({ srcDir: tree })).layout('leaner');
    assert.ok(!none.ok && /LEANER_MAX|list_head/.test(none.reason), none.ok ? 'laid out from nothing' : none.reason);
  });
});

test('a public header that leans on its includers is read in one order by layout, the hovers\' per-file layouts and layoutsOf: after the common kernel headers, then as a header that includes it reads it, then a .c file', async () => {
  await withSampleCopy('ol-readings-', async (tree) => {
    const wants = path.join(tree, 'include/linux/wants_u32.h');
    const child = path.join(tree, 'include/linux/child_like.h');
    writeTreeFiles(tree, {
      // the prelude's headers (linux/kernel.h, linux/types.h, linux/slab.h); types.h is the sample's, with u32 and u64
      'include/linux/kernel.h': '/* the prelude\'s first */\n',
      'include/linux/slab.h': '/* the prelude\'s last */\n',
      // no #include of its own: u32/u64 come from whatever was included first
      'include/linux/wants_u32.h': 'struct wants_u32 {\n\tu32 a;\n\tu64 b;\n};\n',
      // parent_word_t is only in the header that includes it: no prelude header has it, no .c includes it
      'include/linux/child_like.h': 'struct child_like {\n\tparent_word_t w;\n\tchar c;\n};\n',
      'include/linux/parent_like.h': 'typedef unsigned long parent_word_t;\n#include <linux/child_like.h>\nstruct parent_like { int x; };\n',
    });
    const p = await OverlayProject.open({ srcDir: tree });
    for (const [file, name] of [[wants, 'wants_u32'], [child, 'child_like']]) {
      const alone = p.unit(file).layout(name, 'struct');
      assert.ok('reason' in alone, `the probe of ${path.basename(file)} alone cannot lay out struct ${name}`);
    }

    const w = p.layout('wants_u32');
    assert.ok(w.ok, w.ok ? '' : w.reason);
    assert.deepEqual([w.layout.size, w.file, p.readAs(w)], [16, wants, { after: ['linux/kernel.h', 'linux/types.h', 'linux/slab.h'] }]);
    assert.match(p.pahole(w), /^\/\* include\/linux\/wants_u32\.h read after <linux\/kernel\.h>, <linux\/types\.h>, <linux\/slab\.h>: .*\*\/\nstruct wants_u32 \{/);

    const c = p.layout('child_like');
    assert.ok(c.ok, c.ok ? '' : c.reason);
    assert.deepEqual([c.layout.size, c.file, p.readAs(c)], [16, child, { includer: 'include/linux/parent_like.h' }]);
    assert.match(p.pahole(c), /^\/\* as include\/linux\/parent_like\.h includes include\/linux\/child_like\.h: .*\*\/\n/);

    // the hover's per-file layouts give the same answers as layout (before, only a .c includer was tried there)
    for (const [file, name] of [[wants, 'wants_u32'], [child, 'child_like']]) {
      const inFile = p.layoutsInFile(file).find((a) => a.name === name);
      assert.ok(inFile?.ok, inFile && !inFile.ok ? inFile.reason : `no answer for struct ${name}`);
      assert.equal(inFile.layout.size, 16);
      assert.deepEqual(p.readAs(inFile), name === 'child_like' ? { includer: 'include/linux/parent_like.h' } : { after: ['linux/kernel.h', 'linux/types.h', 'linux/slab.h'] });
    }
    // a struct the header it came through defines itself is read on its own: no such note
    const own = p.layoutsInFile(path.join(tree, 'include/linux/parent_like.h')).find((a) => a.name === 'parent_like');
    assert.ok(own?.ok && p.readAs(own) === undefined);
    // and layoutsOf (--all-headers), a fresh project that keeps no unit
    const many = (await OverlayProject.open({ srcDir: tree })).layoutsOf(['wants_u32', 'child_like'], undefined, []);
    assert.deepEqual(['wants_u32', 'child_like'].map((n) => { const l = many.get(n); return l && !('error' in l) ? l.size : l; }), [16, 16]);
  });
});
