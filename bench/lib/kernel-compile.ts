// The reference run: the kernel's own build compiling a probe file against
// the fixture's build dir (`make -C BUILD M=DIR probe.o`, as an external
// module), timed over several runs, and the exact gcc command kbuild used.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Timing {
  runs: number[];
  median: number;
  p95: number;
}

/** The probe the benches compile: the two headers the overlay check reads first. */
export const NETMEM_PROBE = '#include <net/netmem.h>\n#include <net/page_pool/helpers.h>\n';

export function summarize(runs: number[]): Timing {
  const s = [...runs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  return { runs, median: at(0.5), p95: at(0.95) };
}

// What an external-module build of the Debian headers package runs here:
// make and gcc; libelf/bc/flex/bison are only for building the tree itself.
const KBUILD_TOOLS: Array<[command: string, aptPackage: string]> = [['make', 'make'], ['gcc', 'gcc']];

/** Installs what kbuild needs when missing (root + apt-get); the reason when it cannot. */
export function ensureKbuildTools(): string | undefined {
  const missing = KBUILD_TOOLS.filter(([c]) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0).map(([, p]) => p);
  if (!missing.length) return undefined;
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0 || process.getuid?.() !== 0) return `missing ${missing.join(', ')} and cannot apt-get install here`;
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'ignore' });
  return r.status === 0 ? undefined : `apt-get install ${missing.join(' ')} failed`;
}

function probeDir(source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-kbuild-'));
  fs.writeFileSync(path.join(dir, 'probe.c'), source);
  fs.writeFileSync(path.join(dir, 'Kbuild'), 'obj-m := probe.o\n');
  return dir;
}

function make(buildDir: string, dir: string, verbose: boolean) {
  fs.rmSync(path.join(dir, 'probe.o'), { force: true });
  // -s would silence V=1's command echo, so only quiet runs get it.
  return spawnSync('make', [...(verbose ? ['V=1'] : ['-s']), '-C', buildDir, `M=${dir}`, 'probe.o'], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

/** The compile kbuild ran for probe.c: run `compiler ...flags -E FILE` from cwd to preprocess any file exactly as kbuild would. */
export interface KbuildGcc {
  cwd: string; // kbuild compiles from the build dir: its -I./include paths are relative to it
  compiler: string; // e.g. x86_64-linux-gnu-gcc-12
  flags: string[]; // without -c, -o, -Wp,-MMD,... and the source
  line: string; // the command as V=1 printed it
}

// POSIX shell words: kbuild quotes defines like -DKBUILD_MODNAME='"probe"'.
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '', inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") { const j = line.indexOf("'", i + 1); word += line.slice(i + 1, j); i = j; inWord = true; }
    else if (c === '"') { let j = i + 1; for (; line[j] !== '"'; j++) word += line[j] === '\\' ? line[++j] : line[j]; i = j; inWord = true; }
    else if (c === '\\') { word += line[++i]; inWord = true; }
    else if (/\s/.test(c)) { if (inWord) words.push(word); word = ''; inWord = false; }
    else { word += c; inWord = true; }
  }
  if (inWord) words.push(word);
  return words;
}

/** The exact gcc command kbuild (V=1) uses to compile `source` as an external-module object. */
export function kbuildGccCommand(buildDir: string, source = NETMEM_PROBE): KbuildGcc | { error: string } {
  const dir = probeDir(source);
  const probe = path.join(dir, 'probe.c');
  try {
    const r = make(buildDir, dir, true);
    if (r.status !== 0) return { error: `make failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}` };
    // The cmd_cc_o_c line, not genksyms' -E rerun; objtool etc. follow it after `;`.
    const line = r.stdout.split('\n').map((l) => l.trim())
      .find((l) => /^\S*gcc\S*\s/.test(l) && l.includes(` -c -o ${path.join(dir, 'probe.o')} ${probe}`))?.split(/\s+;\s*/)[0];
    if (!line) return { error: 'no gcc command for probe.c in make V=1 output' };
    const [compiler, ...rest] = shellWords(line);
    const flags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '-o') i++;
      else if (rest[i] !== '-c' && rest[i] !== probe && !rest[i].startsWith('-Wp,-MMD,')) flags.push(rest[i]);
    }
    return { cwd: buildDir, compiler, flags, line };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles `source` with kbuild: one warm-up run, then n timed runs (ms); the error when the build dir cannot compile here. */
export function kernelCompile(buildDir: string, source: string, n: number): { timing: Timing; command: string; gcc: KbuildGcc } | { error: string } {
  const why = ensureKbuildTools();
  if (why) return { error: why };
  const cmd = kbuildGccCommand(buildDir, source);
  if ('error' in cmd) return cmd;
  const dir = probeDir(source);
  const runs: number[] = [];
  try {
    make(buildDir, dir, false); // warms the page cache
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = make(buildDir, dir, false);
      const dt = performance.now() - t0;
      if (r.status !== 0) return { error: `make failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}` };
      runs.push(dt);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { timing: summarize(runs), command: cmd.line, gcc: cmd };
}

/** One timed kbuild compile of `source` (no warm-up, no V=1 pass): for timing many files once each. */
export function kbuildCompileOnce(buildDir: string, source: string): { ms: number } | { error: string } {
  const why = ensureKbuildTools();
  if (why) return { error: why };
  const dir = probeDir(source);
  try {
    const t0 = performance.now();
    const r = make(buildDir, dir, false);
    const ms = performance.now() - t0;
    if (r.status !== 0) return { error: `make failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
    return { ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One timed run of the compile command kbuild uses (`gcc` as `make V=1` printed it, see
 * kbuildGccCommand) on `source`, without make around it: make's own start-up (the arch
 * Makefile's ~100 cc-option probes, each a gcc run) is most of a `make M=` here.
 */
export function gccCompileOnce(gcc: KbuildGcc, source: string): { ms: number } | { error: string } {
  const dir = probeDir(source);
  const probe = path.join(dir, 'probe.c');
  try {
    const t0 = performance.now();
    const r = spawnSync(gcc.compiler, [...gcc.flags, '-c', '-o', path.join(dir, 'probe.o'), probe], { cwd: gcc.cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    if (r.status !== 0) return { error: `gcc failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
    return { ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
