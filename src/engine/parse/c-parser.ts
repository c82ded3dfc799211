// web-tree-sitter with tree-sitter-c's shipped grammar. The wasm files sit
// beside the bundle in dist/ (scripts/build.mjs copies them); from out/ or a
// source checkout they come from node_modules.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Language, Parser, Tree } from 'web-tree-sitter';

let ready: Promise<Language> | undefined;
let loaded: Language | undefined;
let shared: CParser | undefined;

function locate(file: string, pkgPath: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(pkgPath);
}

/** Loads the runtime and the C grammar once per process. */
export function loadC(): Promise<Language> {
  ready ??= (async () => {
    const runtime: Record<string, unknown> = { locateFile: (name: string) => (name.endsWith('.wasm') ? locate(name, `web-tree-sitter/${name}`) : name) };
    await Parser.init(runtime);
    fastWordAccess(runtime);
    loaded = await Language.load(locate('tree-sitter-c.wasm', 'tree-sitter-c/tree-sitter-c.wasm'));
    return loaded;
  })();
  return ready;
}

/**
 * web-tree-sitter passes every node to and from wasm memory word by word through emscripten's
 * setValue/getValue, which switch on a type string and go through a little-endian DataView: ~1 s of
 * a 27 s one-thread check of net/ (nodes are marshalled on every `type`, `childForFieldName`...).
 * The options object given to Parser.init becomes the emscripten module, so its two helpers can
 * take a shortcut for 'i32' words: a plain Int32Array access, the same bytes on a little-endian host.
 * Anything else, or a runtime not shaped so, keeps the originals.
 */
function fastWordAccess(m: Record<string, unknown>): void {
  const set = m.setValue, get = m.getValue;
  if (os.endianness() !== 'LE' || typeof set !== 'function' || typeof get !== 'function' || !(m.HEAP32 instanceof Int32Array)) return;
  // m.HEAP32 is replaced when the wasm memory grows: read it on each access
  m.setValue = (ptr: number, value: number, type?: string) => { if (type === 'i32') (m.HEAP32 as Int32Array)[ptr >> 2] = value; else set(ptr, value, type); };
  m.getValue = (ptr: number, type?: string) => (type === 'i32' ? (m.HEAP32 as Int32Array)[ptr >> 2] : get(ptr, type));
}

export class CParser {
  private parser?: Parser;
  /** resolves once the grammar is loaded (wasm compiles off the main thread meanwhile) */
  readonly ready: Promise<CParser>;

  private constructor(parser?: Parser) {
    if (parser) {
      this.parser = parser;
      this.ready = Promise.resolve(this);
      return;
    }
    this.ready = loadC().then((lang) => {
      const p = new Parser();
      p.setLanguage(lang);
      this.parser = p;
      return this;
    });
  }

  static create(): Promise<CParser> {
    return new CParser().ready;
  }

  /** A parser whose grammar is still loading: preprocess meanwhile, and await `ready` before the first parse. */
  static loading(): CParser {
    return new CParser();
  }

  /**
   * One parser for the process's small snippets (assert conditions and the
   * declarations around them), which are read synchronously in the middle of
   * a check: the grammar must already be loaded, as it is once any unit exists.
   */
  static shared(): CParser {
    if (!loaded) throw new Error('CParser.shared() before the C grammar is loaded: await CParser.create() first');
    if (!shared) {
      const p = new Parser();
      p.setLanguage(loaded);
      shared = new CParser(p);
    }
    return shared;
  }

  /** Parses `text`; with `old` (already told about the edit via tree.edit) re-parses incrementally. */
  parse(text: string, old?: Tree): Tree {
    if (!this.parser) throw new Error('the C grammar is still loading (await CParser.ready)');
    const t = this.parser.parse(text, old ?? null);
    if (!t) throw new Error('tree-sitter returned no tree');
    return t;
  }
}
