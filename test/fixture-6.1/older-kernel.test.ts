// A second real kernel, older than the 6.12 fixture: Debian's 6.1 tree, its
// amd64 build dir and its BTF (scripts/kernel-fixture.sh "" 6.1). Its shapes
// differ: no net_iov, folio and slab as 6.1 wrote them, an mm/slab.h that
// includes nothing (it leans on the .c files that include it), SLAB and
// SLUB both in the tree. What holds on 6.12 must hold here: the structs
// overlays are about byte-exact against this kernel's BTF, and the whole
// tree's asserts (every file, it builds) never `fail`, decided at ≥ 95%,
// with no finding of error severity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverlayProject } from '../../src/engine/project';
import { mappedPairs, wholeTreeTruth } from '../support/whole-tree-truth';
import { diffLayouts, fixturePaths, loadBtfLayouts, olderFixtureDir } from '../support/fixture';

const dir = olderFixtureDir();
const f = fixturePaths(dir);
// kmem_cache: slab_def.h and slub_def.h both define it; this config (SLUB) compiles the second
const NAMES = ['page', 'folio', 'slab', 'kmem_cache', 'list_head', 'callback_head', 'sk_buff', 'skb_shared_info', 'page_pool', 'page_pool_params', 'net_device', 'address_space', 'zone'];

test('6.1: the structs overlays are about are byte-exact against its BTF (slab from an mm/slab.h that includes nothing, kmem_cache from slub_def.h)', async () => {
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  const btf = loadBtfLayouts(dir);
  const problems: string[] = [];
  for (const name of NAMES) {
    const ours = project.json(project.layout(name));
    if ('error' in ours) { problems.push(`${name}: unknown: ${ours.error}`); continue; }
    assert.ok(btf[name], `the 6.1 BTF has struct ${name}`);
    const d = diffLayouts(ours, btf[name]);
    console.log(`  ${name.padEnd(20)} size ${String(ours.size).padStart(5)}  members ${String(ours.members.length).padStart(4)}  ${d.length ? 'DIFFERS' : 'byte-exact'}`);
    if (d.length) problems.push(`${name}: ${d.slice(0, 5).join('; ')}`);
  }
  assert.deepEqual(problems, []);
  assert.equal(project.layout('net_iov').ok, false, '6.1 has no net_iov');
});

test('6.1: every assert of include/, mm/, net/ passes or is unknown with a reason; no error finding; page ◀ folio and page ◀ slab mapped', async () => {
  const r = await wholeTreeTruth(f.src, f.build);
  const pairs = mappedPairs(r);
  assert.ok(pairs.includes('page◀folio') && pairs.includes('page◀slab'), `pairs: ${pairs.join(', ')}; ${r.notes.filter((n) => /overlay/.test(n)).join('; ')}`);
});
