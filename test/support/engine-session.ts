// An engine process (src/vscode/engine-process.ts) forked and driven over its IPC channel as
// engine-client.ts drives it, without VS Code: for tests of its requests.
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { CheckResult } from '../../src/vscode/protocol';

const REPO = path.resolve(__dirname, '../../..');
/** One engine session: forked as engine-client.ts forks it, with its kept answers in `cacheDir`. */
export function session(cacheDir: string) {
  const c: ChildProcess = fork(path.join(REPO, 'dist/engine-process.js'), [], { serialization: 'advanced', env: { ...process.env, OVERLAY_LENS_CACHE_DIR: cacheDir }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let id = 0;
  const pending = new Map<number, (m: { result?: unknown; error?: string }) => void>();
  const events: Array<{ event: string; files: string[] }> = [];
  c.on('message', (m: { id?: number; event?: string; files?: string[]; result?: unknown; error?: string }) => {
    if (m.event) { events.push(m as { event: string; files: string[] }); return; }
    const p = pending.get(m.id!); pending.delete(m.id!); p?.(m);
  });
  const request = <T>(method: string, params: unknown) => new Promise<T>((resolve, reject) => {
    const i = ++id;
    pending.set(i, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
    c.send({ id: i, method, params });
  });
  return {
    request, events,
    check: (file: string) => request<CheckResult>('check', { files: [file] }),
    close: () => new Promise<void>((r) => { c.once('exit', () => r()); c.kill(); }),
  };
}

