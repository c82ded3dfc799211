// V8 settings the engine runs better with. V8 flags are per process: the CLI and bench/check set
// them for their own process; the extension passes them to the engine process it forks.
import * as v8 from 'node:v8';

/**
 * A smaller cumulative inlining budget for TurboFan: 200 bytecodes instead of V8's default 920
 * (`node --v8-options`). The preprocessor's hot loop calls many small functions; with the default
 * budget TurboFan re-compiled the hottest functions several times in a cold check of netmem.h
 * (3-11 times, deopts for "insufficient type feedback"); with less inlined into each, the
 * optimized code is smaller and ready sooner. Measured here: a cold netmem.h check ~0.55 vs ~0.7 s
 * of CPU on the main thread; the whole-tree check 17.0/18.4 vs 18.7/19.4 s (two pairs, alternating).
 */
export const INLINING_FLAG = '--max-inlined-bytecode-size-cumulative=200';

/** Sets the engine's V8 flags in this process; code compiled from now on uses them. */
export function tuneV8(): void {
  v8.setFlagsFromString(INLINING_FLAG);
}
