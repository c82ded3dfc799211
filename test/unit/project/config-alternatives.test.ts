// Two headers define the same struct and a third includes one of them by
// configuration, as 6.1's mm/slab.h picks slab_def.h or slub_def.h (struct
// kmem_cache) by CONFIG_SLAB / CONFIG_SLUB. On a copy of the sample tree: the
// layout is the one this configuration compiles, whichever header comes
// first by name, and it follows the configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { withSampleCopy, writeTreeFiles } from '../../support/sample-tree';

test('a struct two headers define is laid out from the one the configuration includes', async () => {
  await withSampleCopy('ol-alternatives-', async (tree) => {
    writeTreeFiles(path.join(tree, 'include/linux'), {
      // "a_" sorts first: without the configuration's say, it would be the one laid out
      'a_cache_def.h': 'struct kcache { void *cpu_cache; unsigned int batch; unsigned int limit; unsigned long flags; };\n',
      'b_cache_def.h': 'struct kcache { void *cpu_slab; unsigned int flags; };\n',
      'kcache.h': '#ifdef CONFIG_CACHE_A\n#include <linux/a_cache_def.h>\n#endif\n#ifdef CONFIG_CACHE_B\n#include <linux/b_cache_def.h>\n#endif\n',
    });
    // the configuration as kbuild leaves it: .config, and the autoconf.h the preprocessor reads
    fs.appendFileSync(path.join(tree, '.config'), 'CONFIG_CACHE_B=y\n');
    fs.appendFileSync(path.join(tree, 'include/generated/autoconf.h'), '#define CONFIG_CACHE_B 1\n');

    const p = await OverlayProject.open({ srcDir: tree });
    const b = p.layout('kcache');
    assert.ok(b.ok, b.ok ? '' : b.reason);
    assert.equal(path.basename(b.file), 'b_cache_def.h');
    assert.deepEqual([b.layout.size, b.layout.members.map((m) => m.name)], [16, ['cpu_slab', 'flags']]);
    // and in a batch (`layout --all-headers`), which does not keep the includer's unit
    const batch = p.layoutsOf(['kcache'], undefined, []).get('kcache');
    assert.ok(batch && !('error' in batch), batch && 'error' in batch ? batch.error : 'no answer');
    assert.deepEqual(batch.members.map((m) => m.path), ['cpu_slab', 'flags']);

    const a = await p.withConfig({ overrides: { CONFIG_CACHE_A: 'y', CONFIG_CACHE_B: 'n' } });
    const la = a.layout('kcache');
    assert.ok(la.ok, la.ok ? '' : la.reason);
    assert.equal(path.basename(la.file), 'a_cache_def.h');
    assert.equal(la.layout.size, 24);
  });
});
