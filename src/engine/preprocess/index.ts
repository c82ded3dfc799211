// The preprocessor's public entry points. Everything else in this folder is
// an implementation detail; callers (project.ts, the editor, tests) use:
//
//   const r = preprocess({ path: '/tree/probe.c' }, opts);
//   r.text                 expanded C for tree-sitter (GNU syntax kept; a newline where the source line changes)
//   r.originAt(offset)     { file, line, column, macro?: { name, file, line, column, args() } }
//   r.userPosition(offset) the outermost macro invocation when the text came from one, else the origin
//   r.diagnostics          [{ file, line, column, severity, message }]
//   r.includedFiles        every file read, in first-read order
//   r.includes             include edges [{ from, to, line }]; dependantsOf(r, file) walks them backwards
//   r.macros               the macro table as it stood at the end of the unit
//   r.macroValue('PP_ALLOC_CACHE_SIZE')  { value: bigint } | { reason }
//   r.expand('NET_IOV')    the text with the final macro table applied
//
// opts (PreprocessOptions): includeDirs (-I, in order), implicitIncludes
// (-include), defines (predefined + -D; see abi/compiler.ts predefinedMacros),
// fileSystem ({ read(path) } — serve unsaved editor buffers here),
// hasAttribute/hasBuiltin (abi/compiler.ts), elideFunctionBodies,
// keepFunctionBodiesIn, limits.
//
// r.update(path, newText) re-expands only the declarations an edit touched
// (from a checkpoint before it to one after it whose state it reproduces)
// when the file's directive lines did not change, else says why not.
// For an editor, PreprocessSession keeps the files and in-memory overrides
// between runs: session.update(path, newText) brings the result up to date
// and returns it with the changed range of `text` (old start/end, new text).
import { FileSystem, PreprocessOptions, PreprocessResult, Preprocessor } from './preprocessor';
import { changedRange, TextEdit } from './text-edit';

export { changedRange };
export type { TextEdit };

export type {
  Diagnostic, FileSystem, IncludeEdge, Macro, MacroInvocation, Origin, PreprocessLimits, PreprocessOptions, Severity,
} from './preprocessor';
export { PreprocessResult } from './preprocessor';

/** Preprocesses one translation unit. `main.text`, when given, is used instead of reading `main.path`. */
export function preprocess(main: { path: string; text?: string }, opts: PreprocessOptions): PreprocessResult {
  return new Preprocessor(opts, main.path).run(main);
}

/** Files that include `file`, directly or through others (the editor re-checks these after an edit). */
export function dependantsOf(result: PreprocessResult, file: string): string[] {
  const by = new Map<string, string[]>();
  for (const e of result.includes) {
    let l = by.get(e.to);
    if (!l) by.set(e.to, (l = []));
    l.push(e.from);
  }
  const seen = new Set<string>();
  const todo = [file];
  while (todo.length > 0) {
    for (const f of by.get(todo.pop()!) ?? []) if (!seen.has(f)) { seen.add(f); todo.push(f); }
  }
  seen.delete(file);
  return [...seen];
}


export interface SessionUpdate {
  result: PreprocessResult;
  /** at most one edit; empty when the expanded text did not change */
  edits: readonly TextEdit[];
  /** true when directive lines of the edited file changed (the macro table or include graph may differ) */
  directivesChanged: boolean;
  /** true when only the changed declarations were re-expanded (PreprocessResult.update) */
  incremental: boolean;
  /** why a full re-run was needed, when it was */
  reason?: string;
  /** time the re-run took */
  ms: number;
}

/**
 * A translation unit kept alive across edits. Files are read once; an
 * update re-expands only the edited declarations when the file's directive
 * lines did not change (PreprocessResult.update), else re-runs the unit,
 * and reports the one changed range of `text`.
 */
export class PreprocessSession {
  private readonly contents = new Map<string, string | undefined>();
  private readonly opts: PreprocessOptions;
  private current: PreprocessResult;

  constructor(private readonly main: { path: string; text?: string }, opts: PreprocessOptions) {
    const base: FileSystem = opts.fileSystem;
    const fileSystem: FileSystem = {
      read: (f) => {
        if (this.contents.has(f)) return this.contents.get(f);
        const t = base.read(f);
        this.contents.set(f, t);
        return t;
      },
    };
    if (main.text !== undefined) this.contents.set(main.path, main.text);
    this.opts = { ...opts, fileSystem };
    this.current = preprocess({ path: main.path }, this.opts);
  }

  get result(): PreprocessResult {
    return this.current;
  }

  /** Replaces the contents of `file` (saved or not) and brings the result up to date. */
  update(file: string, newText: string): SessionUpdate {
    // A file this unit never looked up cannot change its text (lookups, __has_include included, go through read()).
    if (!this.contents.has(file)) {
      this.contents.set(file, newText);
      return { result: this.current, edits: [], directivesChanged: false, incremental: true, ms: 0 };
    }
    const oldText = this.contents.get(file);
    const directivesChanged = oldText === undefined || directiveLines(oldText) !== directiveLines(newText);
    this.contents.set(file, newText);
    const t0 = performance.now();
    const before = this.current;
    const r = oldText === undefined ? { reason: `${file} did not exist` } : before.update(file, newText);
    const incremental = !('reason' in r);
    this.current = 'reason' in r ? preprocess({ path: this.main.path }, this.opts) : r;
    const ms = performance.now() - t0;
    const rep = incremental ? this.current.replaced : undefined;
    const edits = this.current === before ? [] : rep ? [{ oldStart: rep.oldStart, oldEnd: rep.oldEnd, newText: rep.newText }] : changedRange(before.text, this.current.text);
    return { result: this.current, edits, directivesChanged, incremental, ...('reason' in r ? { reason: r.reason } : {}), ms };
  }
}

/** The directive lines of a file, splices joined: equal strings mean an edit touched no directive. */
function directiveLines(text: string): string {
  const joined = text.replace(/\\\r?\n/g, '');
  const out: string[] = [];
  for (const line of joined.split('\n')) if (/^\s*#/.test(line)) out.push(line.trim());
  return out.join('\n');
}
