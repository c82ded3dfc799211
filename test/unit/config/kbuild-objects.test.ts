// Which .c files kbuild builds, read from Makefiles written for this test in
// the forms the kernel's use: obj-y/obj-m/obj-$(CONFIG_X), composite objects,
// directories, ifdef/ifeq blocks, ccflags-y and CFLAGS_foo.o.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KbuildObjects } from '../../../src/engine/config/kbuild-objects';

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kbuild-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const MAKEFILES = {
  Kbuild: 'obj-y += mm/\nobj-$(CONFIG_NET) += net/\nobj-$(CONFIG_SOUND) += sound/\n',
  'mm/Makefile': [
    'mmu-y := nommu.o',
    'mmu-$(CONFIG_MMU) := memory.o \\',
    '\t\tmmap.o',
    'obj-y := slub.o $(mmu-y)',
    'obj-$(CONFIG_MEMCG_V1) += memcontrol-v1.o',
    'ifdef CONFIG_NUMA',
    'obj-y += mempolicy.o',
    'else',
    'obj-y += flat.o',
    'endif',
    'ifeq ($(CONFIG_MMU),y)',
    'obj-y += gup.o',
    'endif',
    'CFLAGS_slub.o += -DSLUB_DEBUG_X=2',
  ].join('\n'),
  'net/Makefile': 'obj-y := core/\nobj-$(CONFIG_MAC80211) += mac80211/\n',
  'net/core/Makefile': 'obj-y := dev.o\nccflags-y += -DDEBUG -I$(src)\n',
  'net/mac80211/Makefile': 'obj-$(CONFIG_MAC80211) += mac80211.o\nmac80211-y := main.o tx.o\nmac80211-$(CONFIG_MAC80211_DEBUGFS) += debugfs.o\n',
};

test('built-in, module, composite and not-built objects, with why and kbuild\'s -D flags', () => {
  const dir = tree(MAKEFILES);
  try {
    const k = new KbuildObjects(dir, new Map([['CONFIG_NET', 'y'], ['CONFIG_MMU', 'y'], ['CONFIG_MAC80211', 'm']]));
    const built = (f: string) => k.object(f).built;
    assert.equal(built('mm/slub.c'), 'y');
    assert.equal(built('mm/memory.c'), 'y');
    assert.equal(built('mm/mmap.c'), 'y', 'a continued line');
    assert.equal(built('mm/nommu.c'), 'n', ':= replaces the list');
    assert.equal(built('mm/flat.c'), 'y', 'the else branch of an ifdef on an unset option');
    assert.equal(built('mm/mempolicy.c'), 'n');
    assert.equal(built('mm/gup.c'), 'y');
    assert.equal(built('net/core/dev.c'), 'y');
    assert.equal(built('net/mac80211/tx.c'), 'm');
    assert.equal(built('net/mac80211/debugfs.c'), 'n');
    assert.equal(built('sound/core.c'), 'n');
    const v1 = k.object('mm/memcontrol-v1.c');
    assert.equal(v1.built, 'n');
    assert.match(v1.why, /obj-\$\(CONFIG_MEMCG_V1\) \+= memcontrol-v1\.o \(CONFIG_MEMCG_V1 is not set\)/);
    assert.match(k.object('net/mac80211/debugfs.c').why, /CONFIG_MAC80211_DEBUGFS is not set/);
    assert.match(k.object('sound/core.c').why, /CONFIG_SOUND is not set/);
    const defs = (f: string) => Object.fromEntries(k.object(f).defines);
    assert.equal(defs('net/mac80211/tx.c').KBUILD_MODNAME, '"mac80211"');
    assert.equal(defs('net/mac80211/tx.c').KBUILD_BASENAME, '"tx"');
    assert.equal(defs('net/mac80211/tx.c').MODULE, '1');
    assert.equal(defs('mm/memcontrol-v1.c').KBUILD_MODNAME, '"memcontrol_v1"');
    assert.equal(defs('mm/slub.c').SLUB_DEBUG_X, '2');
    assert.equal(defs('mm/slub.c').MODULE, undefined);
    assert.equal(defs('net/core/dev.c').DEBUG, '1');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
