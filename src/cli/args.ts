// A small, strict argv reader: every subcommand declares its flags, and anything
// else is a usage error (exit 2) rather than silently ignored.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value (--tree DIR). */
  values?: string[];
  /** Flags that may repeat (--sweep A --sweep B). */
  repeatable?: string[];
  /** Flags that take no value (--all-headers). */
  booleans?: string[];
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  bools: Set<string>;
  positional: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const values = new Set([...(spec.values ?? []), ...(spec.repeatable ?? [])]);
  const repeatable = new Set(spec.repeatable ?? []);
  const booleans = new Set(spec.booleans ?? []);
  const flags = new Map<string, string[]>();
  const bools = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--')) { positional.push(a); continue; }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    if (booleans.has(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      bools.add(name);
      continue;
    }
    if (!values.has(name)) throw new UsageError(`unknown option --${name}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    const list = flags.get(name) ?? [];
    if (list.length && !repeatable.has(name)) throw new UsageError(`--${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { flags, bools, positional };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, dflt: T): T {
  if (value === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
