// The on-disk unit cache of whole-tree checks (engine/project/kept-answers.ts), on a
// copy of the sample tree with a few .c units: a second run reuses every answer and
// reports the same; a changed header, a new header that shadows one a unit read and an
// unsaved buffer each make the units they touch build again, and the answers follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../../src/engine/project';
import { kbuildCompileSettings } from '../../../src/engine/config/kbuild';
import { KeptUnits } from '../../../src/engine/project/kept-answers';
import { age, agedSampleCopy } from '../../support/sample-tree';

/** The sample tree plus three .c units, aged (the cache does not keep answers whose files just changed). */
function tree(): string {
  return agedSampleCopy('ol-unit-cache-', (dir) => {
    fs.mkdirSync(path.join(dir, 'net/core'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'mm'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'include/linux/sizes.h'), '#ifndef _SIZES_H\n#define _SIZES_H\n#define WORD_BYTES 8\n#endif\n');
    fs.writeFileSync(path.join(dir, 'net/core/a.c'), '#include <net/netmem.h>\nstatic_assert(sizeof(struct net_iov) % 8 == 0);\n');
    fs.writeFileSync(path.join(dir, 'net/core/b.c'), '#include <linux/types.h>\n#include <linux/sizes.h>\nstatic_assert(sizeof(u64) == WORD_BYTES);\n');
    fs.writeFileSync(path.join(dir, 'mm/c.c'), '#include <linux/mm_types.h>\nstatic_assert(sizeof(struct list_head) == 16);\n');
  });
}

async function run(dir: string, cacheDir: string, prepare?: (p: OverlayProject) => void) {
  const p = await OverlayProject.open({ srcDir: dir });
  prepare?.(p);
  const cache = KeptUnits.open(cacheDir, p.config, kbuildCompileSettings(p.config).includeDirs);
  const r = await p.checkAsync(['include', 'net', 'mm'], { workers: 1, keptUnits: cache });
  const statuses = r.asserts.map((a) => `${path.relative(dir, a.site.at.file)}:${a.site.at.line} ${a.status}`).sort();
  return { cache, statuses, findings: r.findings.map((f) => `${f.rule} ${f.message}`).sort() };
}

test('unit cache: a second run reuses every unit and answers the same; edits and shadowing headers rebuild what they touch', async () => {
  const dir = tree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-unit-cache-store-'));
  try {
    const first = await run(dir, cacheDir);
    assert.equal(first.cache.hits, 0);
    assert.ok(first.cache.misses >= 3, `every unit built: ${first.cache.misses}`);
    assert.ok(first.statuses.includes('net/core/b.c:3 pass'), first.statuses.join('\n'));
    assert.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.bin')).length, 1, 'the answers are written');

    const second = await run(dir, cacheDir);
    assert.equal(second.cache.misses, 0, 'nothing changed: nothing is built');
    assert.equal(second.cache.hits, first.cache.misses);
    assert.deepEqual(second.statuses, first.statuses);
    assert.deepEqual(second.findings, first.findings);

    // a header one unit reads changes: that unit is built again, and its assert now fails
    fs.writeFileSync(path.join(dir, 'include/linux/sizes.h'), '#ifndef _SIZES_H\n#define _SIZES_H\n#define WORD_BYTES 4\n#endif\n');
    const edited = await run(dir, cacheDir);
    assert.equal(edited.cache.misses, 1, 'only b.c read sizes.h');
    assert.ok(edited.statuses.includes('net/core/b.c:3 fail'), edited.statuses.join('\n'));
    const fresh = await run(dir, fs.mkdtempSync(path.join(os.tmpdir(), 'ol-unit-cache-empty-')));
    assert.deepEqual(edited.statuses, fresh.statuses, 'as a run without kept answers');

    // a new header earlier on the include path shadows the one b.c read: its directory changed, b.c is built again
    fs.writeFileSync(path.join(dir, 'include/linux/sizes.h'), '#ifndef _SIZES_H\n#define _SIZES_H\n#define WORD_BYTES 8\n#endif\n');
    age(dir);
    await run(dir, cacheDir);
    fs.mkdirSync(path.join(dir, 'arch/x86/include/linux'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'arch/x86/include/linux/sizes.h'), '#ifndef _SIZES_H\n#define _SIZES_H\n#define WORD_BYTES 2\n#endif\n');
    const shadowed = await run(dir, cacheDir);
    assert.ok(shadowed.cache.misses >= 1, 'the shadowed unit is built');
    assert.ok(shadowed.statuses.includes('net/core/b.c:3 fail'), shadowed.statuses.join('\n'));

    // an unsaved buffer: the disk is not what the run reads, so nothing is reused or kept
    const unsaved = await run(dir, cacheDir, (p) => p.files.set(path.join(dir, 'net/core/a.c'), '#include <net/netmem.h>\nstatic_assert(sizeof(struct net_iov) == 1);\n'));
    assert.equal(unsaved.cache.hits + unsaved.cache.misses, 0);
    assert.ok(unsaved.statuses.includes('net/core/a.c:2 fail'), unsaved.statuses.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('overlay-lens check keeps answers between runs of more than 8 files; --no-cache builds every unit; the output is the same', () => {
  const dir = tree();
  // nine more .c units: a run over more than 8 files is the CLI's whole-tree path
  for (let i = 0; i < 9; i++) fs.writeFileSync(path.join(dir, `mm/u${i}.c`), `#include <linux/types.h>\nstatic_assert(sizeof(u32) == 4 + ${i} - ${i});\n`);
  age(dir);
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-unit-cache-xdg-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.resolve(__dirname, '../../../../dist/cli.js'), 'check', '--verbose', '--format', 'json', '--tree', dir, ...args, 'include', 'net', 'mm'],
    { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg, OVERLAY_LENS_CACHE_DIR: '' } });
  try {
    const first = cli(), second = cli(), none = cli('--no-cache');
    for (const r of [first, second, none]) assert.equal(r.status, 0, r.stderr);
    const reused = (r: typeof first) => /unit cache: (\d+) of (\d+) units' answers reused/.exec(r.stderr);
    assert.match(second.stderr, /, and the overlay pairs' maps/, 'the second run reuses the overlay half too');
    assert.equal(reused(first)?.[1], '0', first.stderr);
    assert.ok(Number(reused(first)?.[2]) >= 12, first.stderr);
    assert.equal(reused(second)?.[1], reused(first)?.[2], second.stderr);
    assert.equal(reused(none), null, 'no cache, no line about it');
    assert.ok(fs.existsSync(path.join(xdg, 'overlay-lens/check')));
    assert.equal(second.stdout, first.stdout);
    assert.equal(none.stdout, first.stdout);
    assert.ok(JSON.parse(first.stdout).asserts.length >= 12);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(xdg, { recursive: true, force: true });
  }
});

test('unit cache: the overlay half is kept too, and made again when a file it read changes or a struct is found elsewhere', async () => {
  // a pair from the setting whose descriptor is found by the tree scan (not a well-known home), besides page ◀ net_iov
  const dir = agedSampleCopy('ol-unit-cache-overlays-', (d) => {
    fs.mkdirSync(path.join(d, 'net/core'), { recursive: true });
    fs.writeFileSync(path.join(d, 'net/core/a.c'), '#include <net/netmem.h>\nstatic_assert(sizeof(struct net_iov) % 8 == 0);\n');
    fs.writeFileSync(path.join(d, 'include/linux/foo_desc.h'), '#include <linux/mm_types.h>\nstruct foo_desc {\n\tunsigned long flags;\n\tvoid *owner;\n};\n');
  });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-unit-cache-overlays-store-'));
  const once = async (store: string) => {
    const p = await OverlayProject.open({ srcDir: dir, extraPairs: ['page:foo_desc'] });
    const cache = KeptUnits.open(store, p.config, kbuildCompileSettings(p.config).includeDirs);
    const r = await p.checkAsync(['include', 'net'], { workers: 1, keptUnits: cache });
    const report = JSON.stringify({ mirrors: r.mirrors, findings: r.findings, notes: r.notes, overheads: r.overheads });
    const size = (b: string) => r.mirrors.find((m) => m.b.name === b)?.b.size;
    return { reused: cache.overlaysReused, report, size, rules: r.findings.map((f) => f.rule) };
  };
  const fresh = () => once(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-unit-cache-empty-')));
  try {
    const first = await once(cacheDir);
    assert.equal(first.reused, false, 'nothing kept yet: made');
    assert.equal(first.size('net_iov'), 48);
    assert.equal(first.size('foo_desc'), 16);
    const second = await once(cacheDir);
    assert.equal(second.reused, true, 'nothing changed: kept');
    assert.equal(second.report, first.report);

    // a file its units read: net_iov's pp_magic and pp swapped, two mirror asserts fail (only that file's mtime moves)
    const netmem = path.join(dir, 'include/net/netmem.h');
    fs.writeFileSync(netmem, fs.readFileSync(netmem, 'utf8').replace(/(\tunsigned long pp_magic;\n)(\tstruct page_pool \*pp;\n)/, '$2$1'));
    const earlier = new Date(Date.now() - 1800_000);
    fs.utimesSync(netmem, earlier, earlier);
    const edited = await once(cacheDir);
    assert.equal(edited.reused, false, 'netmem.h changed: made again');
    assert.ok(edited.rules.includes('overlay/assert-fails'), edited.rules.join(' '));
    assert.equal(edited.report, (await fresh()).report, 'as a run without kept answers');
    assert.equal((await once(cacheDir)).reused, true, 'and kept again');

    // the same struct now also defined in a header read by nothing the answer was made from, and found there first:
    // no file of the answer changed (the new file's directories are not among them), the struct's place did
    fs.mkdirSync(path.join(dir, 'include/aaa'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'include/aaa/foo_desc.h'), '#include <linux/mm_types.h>\nstruct foo_desc {\n\tunsigned long flags;\n\tvoid *owner;\n\tvoid *more;\n};\n');
    const moved = await once(cacheDir);
    assert.equal(moved.reused, false, 'foo_desc is found elsewhere: made again');
    assert.equal(moved.size('foo_desc'), 24, 'laid out from include/aaa/foo_desc.h');
    assert.equal(moved.report, (await fresh()).report, 'as a run without kept answers');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
