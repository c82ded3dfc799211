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
import * as path from 'node:path';
import { OverlayProject } from '../../src/engine/project';
import { classSummary, unknownGroups } from '../../src/engine/checks/report';
import { DECIDABLE_CLASSES } from '../../src/engine/checks/typed-asserts';
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
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  const files = project.filesToCheck(['include', 'mm', 'net']);
  const t0 = performance.now();
  const r = await project.checkAsync(files);
  const rel = (p: string) => path.relative(f.src, p);
  const info = new Map((r.files ?? []).map((x) => [x.file, x]));
  const built = (file: string) => info.get(file)?.kbuild?.built !== 'n';
  console.log(`  ${files.length} files, ${r.asserts.length} asserts in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const [cls, s] of Object.entries(classSummary(r.asserts))) console.log(`  ${cls.padEnd(11)} ${s.pass} pass, ${s.fail} fail, ${s.unknown} unknown`);
  for (const g of unknownGroups(r.asserts)) console.log(`  ${String(g.count).padStart(4)} unknown ${g.cls}: ${g.reason} (e.g. ${rel(g.example.site.at.file)}:${g.example.site.at.line})`);
  const fails = r.asserts.filter((a) => a.status === 'fail' && built(a.site.at.file));
  assert.deepEqual(fails.map((a) => `${rel(a.site.at.file)}:${a.site.at.line}: ${a.site.text.slice(0, 100)} (${a.lhs} ${a.op} ${a.rhs})`), []);
  const decidable = r.asserts.filter((a) => a.class && DECIDABLE_CLASSES.has(a.class));
  const evaluated = decidable.filter((a) => a.status !== 'unknown').length;
  assert.ok(decidable.length > 1000 && evaluated / decidable.length >= 0.95, `${evaluated} of ${decidable.length} layout/constant asserts evaluated`);
  assert.deepEqual(r.findings.filter((x) => x.severity === 'error').map((x) => `${rel(x.file)}:${x.line}: ${x.rule}: ${x.message}`), []);
  const pairs = r.mirrors.map((m) => `${m.pair.a}◀${m.pair.b}`);
  assert.ok(pairs.includes('page◀folio') && pairs.includes('page◀slab'), `pairs: ${pairs.join(', ')}; ${r.notes.filter((n) => /overlay/.test(n)).join('; ')}`);
  assert.deepEqual(r.notes.filter((x) => /not checked/.test(x)), []);
});
