// Config sweep: the same check under several configurations/architectures.
// A finding seen under only some of them is the interesting kind (a layout
// that breaks on i386 or with CONFIG_MEMCG off): it is kept once, with the
// list of configurations that have it.
import type { AssertResult } from './asserts';
import { Finding, RULES } from './findings';
import { assertKey } from './report';
import type { TreeConfigInput } from '../config/tree-config';

export interface SweepRun<T extends SweepResult> {
  label: string;
  result: T;
}

export interface SweepResult {
  findings: Finding[];
  asserts?: AssertResult[];
  /** keys and key prefixes of what the run could not decide (CheckReport.undecided) */
  undecided?: string[];
}

/** Whether `run` could not decide `f` either way: its pair unknown, its tag check unknown, its assert unknown. */
function undecidedIn(run: SweepResult, f: Finding): boolean {
  if (run.undecided?.some((k) => f.key.startsWith(k))) return true;
  return f.key.startsWith('assert:') && !!run.asserts?.some((a) => a.status === 'unknown' && assertKey(a) === f.key);
}

/**
 * One finding per key. Under every configuration that decided it: as it is (a
 * configuration that could not decide it is named, "unknown under"). Under some
 * and not others: overlay/config-dependent, naming both. A configuration that
 * could not lay the structs out says nothing either way: that is not "fine there".
 */
export function mergeSweep<T extends SweepResult>(runs: SweepRun<T>[]): Finding[] {
  const seen = new Map<string, { f: Finding; labels: string[] }>();
  for (const run of runs) {
    for (const f of run.result.findings) {
      const key = `${f.rule}\0${f.key}\0${f.file}`;
      const have = seen.get(key);
      if (have) have.labels.push(run.label);
      else seen.set(key, { f, labels: [run.label] });
    }
  }
  const out: Finding[] = [];
  for (const { f, labels } of seen.values()) {
    const rest = runs.filter((r) => !labels.includes(r.label));
    const unknown = rest.filter((r) => undecidedIn(r.result, f)).map((r) => r.label);
    const without = rest.filter((r) => !unknown.includes(r.label)).map((r) => r.label);
    const unknownNote = unknown.length ? `unknown under: ${unknown.join(', ')}` : '';
    if (without.length === 0) out.push(unknownNote ? { ...f, message: `${f.message} [${unknownNote}]` } : f);
    // its own rule id would read as if every configuration had it: overlay/config-dependent, at the finding's own severity
    else out.push({ ...f, rule: RULES.configOnly.id, onlyUnder: labels, message: `${f.message} [only under: ${labels.join(', ')}; not under: ${without.join(', ')}${unknownNote ? `; ${unknownNote}` : ''}]` });
  }
  return out;
}

/**
 * "tree" | "memcg-off" | "i386" | "arm64" | "CONFIG_X=n" | "O=DIR" ... separated by commas:
 * each item is one run, items joined with '+' combine ("i386+CONFIG_MEMCG=n",
 * "O=../build-arm64+CONFIG_MEMCG=n"). O=DIR is another build dir of the same source
 * (kbuild's O=): its .config, its generated headers, the arch it was configured for.
 */
export interface SweepItem {
  label: string;
  arch?: string;
  /** O=DIR as written (the caller resolves it: against the working directory, or the workspace folder) */
  buildDir?: string;
  overrides: Record<string, string | null>;
}

export function parseSweep(spec: string): SweepItem[] | { error: string } {
  const items: SweepItem[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const item: SweepItem = { label: raw, overrides: {} };
    for (const part of raw.split('+').map((s) => s.trim())) {
      let m: RegExpExecArray | null;
      if (part === 'tree' || part === 'config') continue;
      if (/^(x86_64|i386|arm64|arm|riscv64)$/.test(part)) item.arch = part;
      else if ((m = /^O=(.+)$/.exec(part))) item.buildDir = m[1];
      else if ((m = /^(?:CONFIG_)?([A-Z0-9_]+)=(y|m|n|".*"|\S+)$/.exec(part))) item.overrides[`CONFIG_${m[1]}`] = m[2] === "n" ? null : m[2];
      else if ((m = /^([a-z0-9_]+)-(off|on)$/.exec(part))) item.overrides[`CONFIG_${m[1].toUpperCase()}`] = m[2] === "off" ? null : "y";
      else return { error: `sweep item '${part}': expected tree, an arch (x86_64, i386, arm64, arm, riscv64), O=BUILD_DIR, CONFIG_X=y|n|VALUE or name-off/name-on` };
    }
    items.push(item);
  }
  if (items.length === 0) return { error: 'empty sweep' };
  return items;
}

/**
 * The configuration an item runs under, as changes to the tree's (`base`), or undefined for the tree
 * as it is. Another build dir brings its own .config and arch: the tree's --config and --arch are not
 * carried over to it (an item can still name an arch). `resolve` makes O=DIR absolute.
 */
export function sweepConfig(item: SweepItem, base: Pick<TreeConfigInput, 'arch'>, resolve: (dir: string) => string): Partial<TreeConfigInput> | undefined {
  if (item.buildDir !== undefined) return { buildDir: resolve(item.buildDir), configFile: undefined, arch: item.arch, overrides: item.overrides };
  if (item.arch || Object.keys(item.overrides).length) return { arch: item.arch ?? base.arch, overrides: item.overrides };
  return undefined;
}
