// The whole tree's truth on a real kernel that builds (the fixture tiers of
// other kernels and architectures): every assert of include/, mm/, net/
// passes or is unknown with a reason (a `fail` in a file kbuild compiles is
// our bug), ≥ 95% of the layout/constant asserts decided, no finding of
// error severity, no file left unchecked. Prints the summary; returns the
// report for a tier's own checks.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { OverlayProject } from '../../src/engine/project';
import { CheckReport, classSummary, unknownGroups } from '../../src/engine/checks/report';
import { DECIDABLE_CLASSES } from '../../src/engine/checks/typed-asserts';

export async function wholeTreeTruth(srcDir: string, buildDir: string): Promise<CheckReport> {
  const project = await OverlayProject.open({ srcDir, buildDir });
  const files = project.filesToCheck(['include', 'mm', 'net']);
  const t0 = performance.now();
  const r = await project.checkAsync(files);
  const rel = (p: string) => path.relative(srcDir, p);
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
  assert.deepEqual(r.notes.filter((x) => /not checked/.test(x)), []);
  return r;
}

/** The overlay pairs the report mapped, as `a◀b`. */
export const mappedPairs = (r: CheckReport) => r.mirrors.map((m) => `${m.pair.a}◀${m.pair.b}`);
