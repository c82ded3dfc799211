// A second architecture: the 6.12 fixture's source with Debian's arm64 build
// dir (its .config, arch/arm64 generated headers) and the BTF of that arm64
// kernel (scripts/kernel-fixture.sh "" 6.12 arm64). Nothing here says arm64:
// the engine must take the architecture from the .config, as it does for a
// user's tree. The same truths as on amd64 must hold: the structs overlays
// are about byte-exact against this kernel's BTF (where arm64's differ from
// amd64's, ours must follow), the whole tree's asserts never `fail` and are
// decided at ≥ 95%, no finding of error severity, and a sample of every
// struct the headers define is byte-exact at ≥ 98%.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OverlayProject } from '../../src/engine/project';
import { FlatLayout } from '../../src/engine/layout/presenters';
import { mergeSweep, parseSweep, sweepConfig } from '../../src/engine/checks/sweep';
import { btfCoverage, printCoverage } from '../support/btf-coverage';
import { session } from '../support/engine-session';
import { mappedPairs, wholeTreeTruth } from '../support/whole-tree-truth';
import { arm64FixtureDir, diffLayouts, fixtureDir, fixturePaths, loadBtfLayouts } from '../support/fixture';

const dir = arm64FixtureDir();
const f = fixturePaths(dir);
const NAMES = ['page', 'folio', 'slab', 'ptdesc', 'net_iov', 'page_pool', 'page_pool_params', 'sk_buff', 'skb_shared_info', 'net_device', 'zone', 'address_space', 'mm_struct', 'task_struct',
  // read as mm/hugetlb_cgroup.c reads it (HUGE_MAX_HSTATE comes from arm64's asm/pgtable.h through its includes)
  'hugetlb_cgroup'];
const STRIDE = Number(process.env.OVERLAY_LENS_COVERAGE_STRIDE ?? 16);

test('arm64: the architecture comes from the .config; the structs overlays are about are byte-exact against the arm64 BTF, where it differs from amd64 too', async () => {
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  assert.equal(project.config.arch, 'arm64');
  const btf = loadBtfLayouts(dir);
  const amd64 = loadBtfLayouts(fixtureDir());
  const problems: string[] = [];
  const differFromAmd64: string[] = [];
  for (const name of NAMES) {
    const ours = project.json(project.layout(name));
    if ('error' in ours) { problems.push(`${name}: unknown: ${ours.error}`); continue; }
    assert.ok(btf[name], `the arm64 BTF has struct ${name}`);
    const d = diffLayouts(ours, btf[name]);
    const other = amd64[name] && diffLayouts(ours, amd64[name]).length > 0;
    if (other) differFromAmd64.push(name);
    console.log(`  ${name.padEnd(18)} size ${String(ours.size).padStart(5)} (amd64 ${String(amd64[name]?.size ?? '-').padStart(5)})  ${d.length ? 'DIFFERS' : 'byte-exact'}${other ? ', not amd64\'s layout' : ''}`);
    if (d.length) problems.push(`${name}: ${d.slice(0, 5).join('; ')}`);
  }
  assert.deepEqual(problems, []);
  // the check above means something only where the two architectures' layouts differ
  assert.ok(differFromAmd64.length >= 3, `arm64 layouts that are not amd64's: ${differFromAmd64.join(', ')}`);
});

test('arm64: every assert of include/, mm/, net/ passes or is unknown with a reason; no error finding; struct page\'s overlays mapped', async () => {
  const pairs = mappedPairs(await wholeTreeTruth(f.src, f.build));
  for (const b of ['folio', 'slab', 'ptdesc', 'net_iov']) assert.ok(pairs.includes(`page◀${b}`), `page◀${b} in ${pairs.join(', ')}`);
});

test(`arm64: coverage against its BTF (every ${STRIDE === 1 ? '' : `${STRIDE}th `}struct under include/ and arch/arm64/include)`, async () => {
  const c = await btfCoverage(dir, STRIDE);
  printCoverage(c);
  assert.ok(c.sampled > 200, `${c.sampled} structs sampled`);
  assert.deepEqual(c.reasons.map(([k]) => k).filter((k) => k.startsWith('DIFFERS')), []);
  assert.ok(c.exact / (c.sampled - c.collisions) >= 0.98, `${c.exact}/${c.sampled - c.collisions}`);
});

test('sweep over two real build dirs (--sweep tree,O=ARM64_BUILD from the amd64 tree): the unmutated headers agree; a field only one arch compiles is named with it', async () => {
  const amd = fixturePaths(fixtureDir());
  const netmem = path.join(amd.src, 'include/net/netmem.h');
  const items = parseSweep(`tree,O=${f.build}`);
  assert.ok(!('error' in items));
  const base = await OverlayProject.open({ srcDir: amd.src, buildDir: amd.build });
  const run = async (text: string | undefined) => {
    base.setFileText(netmem, text);
    try {
      const runs = [];
      for (const item of items) {
        const change = sweepConfig(item, base.options, (d) => path.resolve(d));
        const p = change ? await base.withConfig(change) : base;
        assert.equal(p.config.arch, item.buildDir ? 'arm64' : 'x86_64', 'O=DIR brings the arch of its own .config');
        runs.push({ label: item.label, result: p.check([netmem]) });
      }
      return mergeSweep(runs);
    } finally {
      base.setFileText(netmem, undefined);
    }
  };
  const clean = await run(undefined);
  assert.deepEqual(clean.filter((x) => x.rule === 'overlay/config-dependent' || x.severity === 'error').map((x) => x.message), []);
  assert.ok(clean.some((x) => x.rule === 'overlay/unasserted-field' && /net_iov\.owner/.test(x.message) && !/unknown under/.test(x.message)), 'both arches decide net_iov.owner');
  const original = fs.readFileSync(netmem, 'utf8');
  for (const [symbol, only] of [['CONFIG_ARM64', `O=${f.build}`], ['CONFIG_X86_64', 'tree']]) {
    const mutated = original.replace('\tstruct page_pool *pp;', `#ifdef ${symbol}\n\tunsigned long only_here;\n#endif\n\tstruct page_pool *pp;`);
    assert.notEqual(mutated, original);
    const e = (await run(mutated)).filter((x) => x.severity === 'error');
    assert.ok(e.length > 0, `${symbol}: a failing mirror assert expected`);
    assert.ok(e.every((x) => x.rule === 'overlay/config-dependent' && x.onlyUnder?.join() === only), JSON.stringify(e.map((x) => [x.rule, x.message, x.onlyUnder])));
  }
});

test('the extension\'s sweep (engine process, overlayLens.sweepConfigs) with O= relative to the tree: labels as written, the arm64-only field named under it', async () => {
  const amd = fixturePaths(fixtureDir());
  const netmem = path.join(amd.src, 'include/net/netmem.h');
  const other = `O=${path.relative(amd.src, f.build)}`;
  const one = session(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-sweep-store-')));
  try {
    await one.request('open', { srcDir: amd.src, buildDir: amd.build });
    const original = fs.readFileSync(netmem, 'utf8');
    await one.request('setFileText', { file: netmem, text: original.replace('\tstruct page_pool *pp;', '#ifdef CONFIG_ARM64\n\tunsigned long only_here;\n#endif\n\tstruct page_pool *pp;') });
    const r = await one.request<{ labels: string[]; findings: Array<{ rule: string; severity: string; message: string; onlyUnder?: string[] }> }>('sweep', { files: [netmem], specs: ['tree', other] });
    assert.deepEqual(r.labels, ['tree', other]);
    const e = r.findings.filter((x) => x.severity === 'error');
    assert.ok(e.length > 0 && e.every((x) => x.rule === 'overlay/config-dependent' && x.onlyUnder?.join() === other), JSON.stringify(e));
    assert.match(e[0].message, new RegExp(`\\[only under: ${other.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; not under: tree\\]$`));
  } finally {
    await one.close();
  }
});

test('arm64: the hover\'s per-file layouts of xen\'s event_channel.h, physdev.h and vcpu.h (no uint32_t of their own) read them as layout does, byte-exact where the arm64 BTF has the struct', async () => {
  const project = await OverlayProject.open({ srcDir: f.src, buildDir: f.build });
  const btf = loadBtfLayouts(dir);
  let answered = 0, exact = 0;
  for (const h of ['include/xen/interface/event_channel.h', 'include/xen/interface/physdev.h', 'include/xen/interface/vcpu.h']) {
    for (const a of project.layoutsInFile(path.join(f.src, h))) {
      assert.ok(a.ok, `${h}: struct ${a.name}: ${a.ok ? '' : a.reason}`);
      answered++;
      const one = project.layout(a.name, a.kind);
      assert.ok(one.ok && one.layout.size === a.layout.size, `${a.name}: layout says ${one.ok ? one.layout.size : one.reason}, the hover ${a.layout.size}`);
      if (!btf[a.name]) continue;
      assert.deepEqual(diffLayouts(project.json(a) as FlatLayout, btf[a.name]), [], a.name);
      exact++;
    }
  }
  assert.ok(exact >= 20, `only ${exact} of them in the arm64 BTF`);
  console.log(`  ${answered} structs answered on hover, as layout answers them; the ${exact} in the arm64 BTF byte-exact`);
});
