// Where the kernel fixture lives (scripts/kernel-fixture.sh makes it) and its
// ground truth. Fixture-tier tests import these.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BtfLayout } from '../../src/engine/btf/flatten';

export function fixtureDir(): string {
  return process.env.OVERLAY_LENS_FIXTURE ?? path.join(os.homedir(), '.cache/overlay-lens/kernel-6.12');
}

/** The second, older kernel (Debian's 6.1: no net_iov, an mm/slab.h that includes nothing) of the fixture-6.1 tier. */
export function olderFixtureDir(): string {
  return process.env.OVERLAY_LENS_FIXTURE_6_1 ?? path.join(os.homedir(), '.cache/overlay-lens/kernel-6.1');
}

/** The 6.12 source with Debian's arm64 build dir and BTF (scripts/kernel-fixture.sh "" 6.12 arm64): the fixture-arm64 tier. */
export function arm64FixtureDir(): string {
  return process.env.OVERLAY_LENS_FIXTURE_ARM64 ?? path.join(os.homedir(), '.cache/overlay-lens/kernel-6.12-arm64');
}

export function fixturePaths(d = fixtureDir()) {
  return { src: path.join(d, 'src'), build: path.join(d, 'build'), btf: path.join(d, 'btf.json'), layouts: path.join(d, 'layouts.json'), vmlinux: path.join(d, 'vmlinux') };
}

const layouts = new Map<string, Record<string, BtfLayout>>();
export function loadBtfLayouts(d = fixtureDir()): Record<string, BtfLayout> {
  if (!layouts.has(d)) layouts.set(d, JSON.parse(fs.readFileSync(fixturePaths(d).layouts, 'utf8')));
  return layouts.get(d)!;
}

/** Compares our flattened layout with BTF's: the first differences, empty when byte-exact. */
export function diffLayouts(ours: { size: number; members: Array<{ path: string; offset_bits: number; size: number; bitfield: number }> }, truth: BtfLayout): string[] {
  const out: string[] = [];
  if (ours.size !== truth.size) out.push(`size ${ours.size} != ${truth.size}`);
  const mine = new Map(ours.members.map((m) => [m.path, m]));
  for (const t of truth.members) {
    const m = mine.get(t.path);
    if (!m) out.push(`missing member ${t.path}`);
    else if (m.offset_bits !== t.offset_bits || m.size !== t.size || m.bitfield !== t.bitfield) {
      out.push(`${t.path}: ours offset_bits ${m.offset_bits} size ${m.size} bitfield ${m.bitfield}, BTF ${t.offset_bits} ${t.size} ${t.bitfield}`);
    }
  }
  if (ours.members.length !== truth.members.length) out.push(`${ours.members.length} members, BTF has ${truth.members.length}`);
  return out;
}
