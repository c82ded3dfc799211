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
