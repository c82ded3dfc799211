// A copy of the bundled sample tree whose files and directories are an hour old: kept answers
// (src/engine/project/kept-answers.ts) refuse files that changed just before or while an answer was made.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SAMPLE = path.resolve(__dirname, '../../../samples/mini-kernel');

/** Sets every mtime under `dir` (and its own) an hour back. */
export function age(dir: string): void {
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) age(path.join(dir, e.name)); else fs.utimesSync(path.join(dir, e.name), hourAgo, hourAgo);
  fs.utimesSync(dir, hourAgo, hourAgo);
}

/** A fresh copy of the sample in a temp dir, `add`ed to before it is aged. */
export function agedSampleCopy(prefix: string, add?: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(SAMPLE, dir, { recursive: true });
  add?.(dir);
  age(dir);
  return dir;
}

/** Runs `fn` on a fresh copy of the sample in a temp dir, removed afterwards whatever happens. */
export async function withSampleCopy(prefix: string, fn: (tree: string) => Promise<void> | void): Promise<void> {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    fs.cpSync(SAMPLE, tree, { recursive: true });
    await fn(tree);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

/** Writes files into a tree (paths relative to it; directories made as needed). */
export function writeTreeFiles(tree: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    fs.writeFileSync(path.join(tree, rel), text);
  }
}
