// The extension host's side of the worker: typed requests, one worker, restarted if it dies.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { Method, Requests, ResponseMessage } from './protocol';

export class EngineClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly extensionPath: string, private readonly log: (msg: string) => void) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.extensionPath, 'dist', 'engine-worker.js'));
    w.on('message', (m: ResponseMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    w.on('error', (e) => this.log(`engine worker error: ${e.stack ?? e}`));
    w.on('exit', (code) => {
      this.log(`engine worker exited (${code})`);
      // a worker stopped by restart(): its requests were failed then, and the next worker's are not its own
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error('the engine worker stopped'));
      this.pending.clear();
    });
    this.worker = w;
    return w;
  }

  request<M extends Method>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']> {
    const w = this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, method, params });
    });
  }

  /** Stops the worker, failing its requests; the next request starts a fresh one (every cache gone: a cold engine). */
  async restart(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the engine worker was restarted'));
    this.pending.clear();
    await w.terminate();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
