// The messages between the extension host and the engine process. Plain data
// only (structured clone: the IPC channel uses advanced serialization): positions are 1-based lines/columns as the engine
// reports them; the adapters convert to VS Code's 0-based ranges.
import { INLINING_FLAG } from '../engine/v8-tuning';

export interface EngineConfig {
  srcDir: string;
  buildDir?: string;
  configFile?: string;
  arch?: string;
  extraPairs?: string[];
  /** answer a file set's first check in a session from an earlier session's answer while it holds (overlayLens.keepAnswers) */
  keepAnswers?: boolean;
}

/** A place in a file (1-based line and column, as the engine reports them). */
export interface WirePlace { file: string; line: number; column: number }

export interface WireFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  column: number;
  message: string;
  fix?: { description: string; file: string; insertBeforeLine: number; text: string };
  onlyUnder?: string[];
  related?: Array<WirePlace & { message: string }>;
  /** a failing mirror assert: `struct`.`field` is at byte `from` and must be at `to`, where `at.member` is now (or after it) */
  move?: { struct: string; field: string; from: number; to: number; at?: WirePlace & { member: string; place: 'at' | 'after' } };
}

export interface WireAssert {
  file: string;
  line: number;
  column: number;
  status: 'pass' | 'fail' | 'unknown';
  text: string;
  macro?: string;
  lhs?: string;
  rhs?: string;
  op?: string;
  /** the offsetof/sizeof/_Alignof terms behind the two sides, with their values */
  terms?: Array<{ text: string; value: string }>;
  reason?: string;
}

export interface WireMember {
  name: string | null;
  path: string;
  offset: number;
  bitOffset: number;
  size: number;
  /** the alignment it was placed at (packed and aligned() applied) */
  align?: number;
  bitfield: number;
  type: string;
  line?: number;
  file?: string;
  holeAfter?: number;
  children?: WireMember[];
  aggregate?: 'struct' | 'union';
}

export interface WireStruct {
  name: string;
  kind: 'struct' | 'union';
  file: string;
  line: number;
  endLine: number;
  size?: number;
  align?: number;
  holes?: number;
  members?: WireMember[];
  pahole?: string;
  /** the file (tree-relative) that includes the struct's header and was read to lay it out, when the header alone leans on its includers */
  readAs?: string;
  /** or the headers included before it to lay it out (<linux/kernel.h>, ...), for the same reason */
  readAfter?: string[];
  error?: string;
}

export interface WireMirrorRow {
  field: string;
  type: string;
  start: number;
  end: number;
  overlays: string[];
  status: string;
  note?: string;
  /** where B's field is declared (overlayMaps only) */
  at?: WirePlace;
  /** where each of `overlays` is declared, same order, null when unknown (overlayMaps only) */
  overlayAt?: Array<WirePlace | null>;
}

export interface WireMirror {
  a: string;
  b: string;
  aSize: number;
  bSize: number;
  regions: Array<{ start: number; end: number; label: string }>;
  rows: WireMirrorRow[];
  /** A's fields in the regions B mirrors, in B's byte coordinates (a union's alternatives overlap): the other side of the byte map (overlayMaps only) */
  aFields?: Array<{ path: string; type: string; start: number; end: number; at?: WirePlace }>;
}

/** What a descriptor costs: bytes per PAGE_SIZE of the memory it describes, and its array for some region sizes. */
export interface WireOverhead {
  struct: string;
  descriptorBytes: number;
  pageSize: number;
  percent: number;
  regions: Array<{ bytes: number; descriptors: number; arrayBytes: number; arrayPages: number }>;
}

export interface CheckResult {
  findings: WireFinding[];
  asserts: WireAssert[];
  mirrors: WireMirror[];
  /** the overlay pairs' structs: what each costs per page, and for a 10 MiB and a 1 GiB region */
  overheads?: WireOverhead[];
  notes: string[];
  files: string[];
  /**
   * every file the checked units read (to re-check dependants of an edit); left out when the request said
   * haveIncludes and it is the list of this worker's last answer for the same files (it is most of an
   * answer's bytes: ~500 paths for netmem.h)
   */
  includes?: string[];
  ms: number;
  /** time the worker thread itself ran on a CPU during the check (Linux: /proc/thread-self/schedstat), to tell a slow check from a starved one */
  cpuMs?: number;
  /** time the worker thread was runnable but waited for a CPU during the check (same source) */
  queuedMs?: number;
  /** an earlier session's answer, kept on disk and still holding (every file it was made from unchanged); the engine checks for real next */
  kept?: boolean;
}

export interface Requests {
  open: { params: EngineConfig; result: { label: string; assumptions: string[]; arch: string; configFile?: string } };
  setFileText: { params: { file: string; text: string | undefined }; result: null };
  /** `text`: the checked file's buffer (undefined: back to the disk), applied first, so an edit is one round trip */
  /** haveIncludes: the caller holds this worker's last answer for these files, so an unchanged includes list may be left out */
  check: { params: { files: string[]; text?: { file: string; text: string | undefined }; haveIncludes?: boolean }; result: CheckResult };
  /** the mirror maps of the last check of `files` in full (every field's declaration, A's fields): what the overlay view draws */
  overlayMaps: { params: { files: string[] }; result: WireMirror[] };
  /** the check of `files` under each configuration of `specs` (the CLI's --sweep items); findings some have and others not are config-dependent */
  sweep: { params: { files: string[]; specs: string[] }; result: { labels: string[]; findings: WireFinding[] } };
  structsInFile: { params: { file: string }; result: WireStruct[] };
  layout: { params: { name: string; kind?: 'struct' | 'union' }; result: WireStruct };
  simulate: { params: { scenario: string; overrides?: Record<string, number | boolean>; rounds?: number; traceFile?: string }; result: unknown };
  simParams: { params: Record<string, never>; result: { params: Record<string, number | boolean>; fromTree: string[]; defaulted: string[] } };
  /** the engine's own V8 heap, and its process's RSS (a process of its own since stop 14) and pid */
  memory: { params: Record<string, never>; result: { heapUsed: number; heapTotal: number; external: number; malloced: number; rss?: number; pid?: number } };
}

export type Method = keyof Requests;

export interface RequestMessage<M extends Method = Method> {
  id: number;
  method: M;
  params: Requests[M]['params'];
}

export type ResponseMessage = { id: number; result: unknown } | { id: number; error: string };

/** Sent by the engine unasked: a kept answer it gave turned out different from the real check (re-check these files). */
export interface StaleMessage { event: 'stale'; files: string[] }

/**
 * The engine runs in a process of its own (forked from the extension host, as language servers
 * are) so that these V8 settings apply to it alone: V8 flags are per process. One background
 * compile thread instead of four, and the inlining budget of v8-tuning.ts. A cold check of
 * netmem.h in a fresh process (bench/extension, "the engine alone") used ~1.3 s of CPU for
 * ~0.7 s of wall time with the defaults, ~0.9 s for ~0.55 s with these; under VS Code's
 * start-up, where the workbench wants the same two cores, the CPU is what counts.
 */
export const ENGINE_EXEC_ARGV = ['--v8-pool-size=1', INLINING_FLAG];
