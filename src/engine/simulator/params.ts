// Simulator parameters from the code under edit: the macro table and the
// layout engine answer; anything they cannot answer falls back to the 6.12
// default, and the result says which ones did.
import { DEFAULT_PARAMS, SimParams } from './page-pool';

export interface TreeLookup {
  /** an object-like macro's integer value (PP_ALLOC_CACHE_SIZE, PAGE_SIZE) */
  macro(name: string): bigint | undefined;
  /** sizeof(struct name) */
  sizeofStruct(name: string): number | undefined;
}

/** Which names feed which parameter. */
export const PARAM_SOURCES: Array<[keyof SimParams, string, 'macro' | 'sizeof']> = [
  ['PP_ALLOC_CACHE_SIZE', 'PP_ALLOC_CACHE_SIZE', 'macro'],
  ['PP_ALLOC_CACHE_REFILL', 'PP_ALLOC_CACHE_REFILL', 'macro'],
  ['PAGE_SIZE', 'PAGE_SIZE', 'macro'],
  ['pageDescriptorBytes', 'page', 'sizeof'],
  ['netIovDescriptorBytes', 'net_iov', 'sizeof'],
];

export function simParamsFromTree(lookup: TreeLookup): { params: SimParams; fromTree: string[]; defaulted: string[] } {
  const params: SimParams = { ...DEFAULT_PARAMS };
  const fromTree: string[] = [];
  const defaulted: string[] = [];
  for (const [key, name, kind] of PARAM_SOURCES) {
    const v = kind === 'macro' ? lookup.macro(name) : lookup.sizeofStruct(name);
    if (v !== undefined && Number(v) > 0) {
      (params as unknown as Record<string, number>)[key] = Number(v);
      fromTree.push(kind === 'macro' ? `${name} = ${v}` : `sizeof(struct ${name}) = ${v}`);
    } else defaulted.push(kind === 'macro' ? name : `sizeof(struct ${name})`);
  }
  return { params, fromTree, defaulted };
}
