// Every overlayLens.* setting, read in one place.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineConfig } from './protocol';

export interface Settings {
  buildDir?: string;
  configFile?: string;
  arch?: string;
  extraOverlayPairs: string[];
  sweepConfigs: string[];
  inlayHints: boolean;
  debounceMs: number;
  codeLens: boolean;
  keepAnswers: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('overlayLens', scope);
  const str = (k: string) => { const v = c.get<string>(k); return v && v.trim() ? v.trim() : undefined; };
  return {
    buildDir: str('buildDir'),
    configFile: str('configFile'),
    arch: str('arch'),
    extraOverlayPairs: c.get<string[]>('extraOverlayPairs') ?? [],
    sweepConfigs: c.get<string[]>('sweepConfigs') ?? [],
    inlayHints: c.get<boolean>('inlayHints') ?? false,
    debounceMs: c.get<number>('debounceMs') ?? 300,
    codeLens: c.get<boolean>('codeLens') ?? true,
    keepAnswers: c.get<boolean>('keepAnswers') ?? true,
  };
}

/** The one configuration object: the workspace folder that holds a kernel tree, plus the settings. */
export function engineConfig(folder: vscode.WorkspaceFolder, s: Settings): EngineConfig {
  const root = folder.uri.fsPath;
  const resolve = (p?: string) => (p ? path.resolve(root, p.replace(/\$\{workspaceFolder\}/g, root)) : undefined);
  // In an untrusted workspace, paths from settings may not leave the workspace.
  const inside = (p?: string) => (p && (vscode.workspace.isTrusted || p.startsWith(root + path.sep)) ? p : undefined);
  return { srcDir: root, buildDir: inside(resolve(s.buildDir)), configFile: inside(resolve(s.configFile)), arch: s.arch, extraPairs: s.extraOverlayPairs, keepAnswers: s.keepAnswers };
}

/**
 * overlayLens.sweepConfigs as written (the engine resolves an O=DIR against the tree, as buildDir
 * is), `${workspaceFolder}` put in. In an untrusted workspace an item whose build dir lies outside
 * the folder is dropped, and said so: the same rule as for buildDir.
 */
export function sweepSpecs(folder: vscode.WorkspaceFolder, s: Settings): { specs: string[]; dropped: string[] } {
  const root = folder.uri.fsPath;
  const specs: string[] = [];
  const dropped: string[] = [];
  for (const raw of s.sweepConfigs.map((x) => x.trim()).filter(Boolean)) {
    const spec = raw.replace(/\$\{workspaceFolder\}/g, root);
    const outside = spec.split('+').some((part) => {
      const m = /^\s*O=(.+?)\s*$/.exec(part);
      return !!m && !path.resolve(root, m[1]).startsWith(root + path.sep);
    });
    if (outside && !vscode.workspace.isTrusted) dropped.push(raw);
    else specs.push(spec);
  }
  return { specs, dropped };
}
