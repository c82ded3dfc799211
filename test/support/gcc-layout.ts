// Ground truth for the bundled sample tree, which has no BTF: gcc itself
// compiles offsetof/sizeof of the members asked for, with the include path
// and implicit includes of samples/mini-kernel/check-with-gcc.sh, and the
// values are read back from the assembly it emits.
import { spawnSync } from 'node:child_process';

export type Query = { struct: string; member?: string };

/** offsetof / sizeof / __alignof__ per query (the member's, or the struct's when no member), or why gcc could not say. */
export function gccLayout(tree: string, header: string, queries: Query[]): Array<{ offset: number; size: number; align: number }> | { error: string } {
  if (spawnSync('sh', ['-c', 'command -v gcc']).status !== 0) return { error: 'no gcc here' };
  const lines = [`#include <${header}>`];
  queries.forEach((q, i) => {
    const t = `struct ${q.struct}`;
    lines.push(q.member
      ? `const unsigned long long ol_off_${i} = offsetof(${t}, ${q.member}); const unsigned long long ol_size_${i} = sizeof(((${t} *)0)->${q.member}); const unsigned long long ol_align_${i} = __alignof__(((${t} *)0)->${q.member});`
      : `const unsigned long long ol_off_${i} = 0; const unsigned long long ol_size_${i} = sizeof(${t}); const unsigned long long ol_align_${i} = __alignof__(${t});`);
  });
  const r = spawnSync('gcc', ['-nostdinc', '-I', 'arch/x86/include', '-I', 'include', '-include', 'include/linux/compiler-version.h', '-include', 'include/linux/kconfig.h',
    '-include', 'include/linux/compiler_types.h', '-D__KERNEL__', '-std=gnu11', '-O0', '-S', '-o', '-', '-x', 'c', '-'], { cwd: tree, input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) return { error: `gcc failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  // each constant is a label followed by `.quad N` (or `.zero 8` when N is 0)
  const value = (sym: string): number => {
    const m = new RegExp(`^${sym}:\\s*\\n\\s*\\.(quad|zero)\\s+(\\d+)`, 'm').exec(r.stdout);
    if (!m) throw new Error(`no ${sym} in gcc's assembly`);
    return m[1] === 'zero' ? 0 : Number(m[2]);
  };
  return queries.map((_, i) => ({ offset: value(`ol_off_${i}`), size: value(`ol_size_${i}`), align: value(`ol_align_${i}`) }));
}
