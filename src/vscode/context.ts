// What every feature receives: the engine, the log, the tree state. One object, as rust-analyzer's ctx.
import * as vscode from 'vscode';
import { EngineClient } from './engine-client';
import { Settings } from './config';

export interface Ctx {
  engine: EngineClient;
  log(msg: string): void;
  settings(): Settings;
  /** the kernel tree's root (the workspace folder the engine opened), if any */
  treeRoot(): string | undefined;
  /** resolves when the engine has opened the tree */
  ready(): Promise<void>;
  /** is this document one the engine should read? (c/cpp inside the tree) */
  inTree(doc: vscode.TextDocument): boolean;
  onDidOpenTree: vscode.Event<void>;
}
