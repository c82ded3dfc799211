// The reference run: the kernel's own build compiling a probe file against
// the fixture's build dir (`make -C BUILD M=DIR probe.o`, as an external
// module), timed over several runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Timing {
  runs: number[];
  median: number;
  p95: number;
}

export function summarize(runs: number[]): Timing {
  const s = [...runs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  return { runs, median: at(0.5), p95: at(0.95) };
}

/** Compiles `source` with kbuild N times; undefined (with why) when the build dir cannot compile here. */
export function kernelCompile(buildDir: string, source: string, n: number): { timing: Timing; command: string } | { error: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kbuild-'));
  fs.writeFileSync(path.join(dir, 'probe.c'), source);
  fs.writeFileSync(path.join(dir, 'Kbuild'), 'obj-m := probe.o\n');
  const runs: number[] = [];
  let command = '';
  try {
    for (let i = 0; i < n; i++) {
      fs.rmSync(path.join(dir, 'probe.o'), { force: true });
      const t0 = performance.now();
      const r = spawnSync('make', ['-s', '-C', buildDir, `M=${dir}`, 'probe.o', ...(i === 0 ? ['V=1'] : [])], { encoding: 'utf8' });
      const dt = performance.now() - t0;
      if (r.status !== 0) return { error: `make failed: ${(r.stderr || r.stdout).split('\n').slice(-4).join(' ')}` };
      if (i === 0) { command = (r.stdout.split('\n').find((l) => /gcc/.test(l) && /probe\.c/.test(l)) ?? '').trim(); continue; } // first run warms the page cache
      runs.push(dt);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { timing: summarize(runs), command };
}
