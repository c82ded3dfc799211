// The extension host's side of the engine: typed requests to one engine process, restarted if it dies.
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ENGINE_EXEC_ARGV, Method, Requests, ResponseMessage, StaleMessage } from './protocol';

export class EngineClient implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly stale = new vscode.EventEmitter<string[]>();
  /** files whose kept answer the engine found different from its real check: check them again */
  readonly onStale = this.stale.event;

  constructor(private readonly extensionPath: string, private readonly log: (msg: string) => void) {}

  private start(): ChildProcess {
    if (this.child) return this.child;
    // process.execPath is node under code-server and Electron in desktop VS Code, which
    // ELECTRON_RUN_AS_NODE turns into plain node (what vscode-languageclient does for its servers).
    const c = fork(path.join(this.extensionPath, 'dist', 'engine-process.js'), [], {
      execArgv: ENGINE_EXEC_ARGV,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      serialization: 'advanced', // structured clone, as a worker thread's postMessage
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const toLog = (what: string) => (d: Buffer) => { for (const l of String(d).split('\n')) if (l.trim()) this.log(`engine ${what}: ${l}`); };
    c.stdout?.on('data', toLog('stdout'));
    c.stderr?.on('data', toLog('stderr'));
    c.on('message', (m: ResponseMessage | StaleMessage) => {
      if ('event' in m) { if (this.child === c) this.stale.fire(m.files); return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    c.on('error', (e) => this.log(`engine process error: ${e.stack ?? e}`));
    c.on('exit', (code, signal) => {
      this.log(`engine process exited (${signal ?? code})`);
      // a process stopped by restart(): its requests were failed then, and the next process's are not its own
      if (this.child !== c) return;
      this.child = undefined;
      for (const p of this.pending.values()) p.reject(new Error('the engine process stopped'));
      this.pending.clear();
    });
    this.log(`engine process ${c.pid} started (${ENGINE_EXEC_ARGV.join(' ')})`);
    this.child = c;
    return c;
  }

  request<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']> {
    const c = this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      c.send({ id, method, params }, (err) => {
        if (!err || !this.pending.delete(id)) return;
        reject(new Error(`the engine process did not take the request: ${err.message}`));
      });
    });
  }

  /** Stops the engine process, failing its requests; the next request starts a fresh one (every cache gone: a cold engine). */
  async restart(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the engine was restarted'));
    this.pending.clear();
    await stop(c);
  }

  dispose(): void {
    this.stale.dispose();
    const c = this.child;
    this.child = undefined;
    if (c) void stop(c);
  }
}

function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    c.kill();
  });
}
