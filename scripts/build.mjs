// Bundles the extension, its worker, the CLI and the webview scripts with esbuild,
// and copies the tree-sitter wasm files beside them (the bundle loads them by path).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
mkdirSync('dist/webview', { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  // web-tree-sitter's ESM-first loader asks for import.meta.url, which a CJS bundle lacks.
  define: { 'import.meta.url': '__overlayLensMetaUrl' },
  banner: { js: 'var __overlayLensMetaUrl = require("url").pathToFileURL(__filename).href;' },
};

const entries = [
  ['src/vscode/extension.ts', 'dist/extension.js'],
  ['src/vscode/engine-process.ts', 'dist/engine-process.js'],
  ['src/cli/main.ts', 'dist/cli.js'],
  // worker threads of the whole-tree check, found beside whichever bundle starts them
  ['src/engine/project/check-worker.ts', 'dist/check-worker.js'],
];
const builds = [];
for (const [entry, outfile] of entries) {
  if (!existsSync(entry)) continue;
  builds.push(esbuild.build({ ...common, entryPoints: [entry], outfile,
    banner: entry.startsWith('src/cli') ? { js: '#!/usr/bin/env node\n' + common.banner.js } : common.banner }));
}
// Webview scripts run in the browser sandbox of the webview, not in Node.
if (existsSync('src/vscode/webview')) {
  for (const f of readdirSync('src/vscode/webview')) {
    if (!f.endsWith('.ts')) continue;
    builds.push(esbuild.build({ ...common, platform: 'browser', format: 'iife', external: [], define: {}, banner: {},
      entryPoints: [join('src/vscode/webview', f)], outfile: join('dist/webview', f.replace(/\.ts$/, '.js')) }));
  }
}
await Promise.all(builds);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');
