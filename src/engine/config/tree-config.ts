// The one configuration object that flows through the engine: which tree, which
// build directory (kbuild's O=), which .config and which architecture — and, said
// plainly, every assumption made where the tree did not tell us.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kconfig, parseAutoconfH, parseDotConfig, renderAutoconfH } from './kconfig';
import { ArchName, SRCARCH, archFromKconfig, parseArch } from './targets';

export interface TreeConfigInput {
  /** The kernel source tree (srctree). */
  srcDir: string;
  /** kbuild's O= directory (objtree); defaults to the source tree. */
  buildDir?: string;
  /** A .config, auto.conf or autoconf.h to use instead of the build's own. */
  configFile?: string;
  /** --arch; defaults to what the config was made for. */
  arch?: string;
  /** Per-run option changes, e.g. a sweep's CONFIG_MEMCG=n: value or null to unset. */
  overrides?: Record<string, string | null>;
}

export type ConfigSource = 'explicit' | '.config' | 'auto.conf' | 'autoconf.h' | 'defconfig' | 'none';

export interface TreeConfig {
  srcDir: string;
  objDir: string;
  arch: ArchName;
  srcArch: string;
  kconfig: Kconfig;
  configSource: ConfigSource;
  configFile?: string;
  /** Files the engine serves in place of (or in addition to) the disk: a synthesized autoconf.h. */
  virtualFiles: Map<string, string>;
  /** What we had to assume, for the status bar, the output channel and --verbose. */
  assumptions: string[];
  /** A short label: "x86_64 · .config (build) · O=/path". */
  label: string;
}

export class TreeConfigError extends Error {}

function readIfExists(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function parseConfigText(text: string): Kconfig {
  return /^#define\s+CONFIG_/m.test(text) ? parseAutoconfH(text) : parseDotConfig(text);
}

/** What changes when a config made for one x86 width is used for the other. */
function adjustX86Width(k: Kconfig, arch: ArchName): string[] {
  const notes: string[] = [];
  if (arch === 'i386' && k.get('CONFIG_X86_64') === 'y') {
    k.delete('CONFIG_X86_64');
    k.delete('CONFIG_64BIT');
    k.set('CONFIG_X86_32', 'y');
    notes.push('the config is for x86_64; laid out for i386 with CONFIG_X86_64 and CONFIG_64BIT unset and CONFIG_X86_32=y, other options as they are');
  } else if (arch === 'x86_64' && k.get('CONFIG_X86_32') === 'y') {
    k.delete('CONFIG_X86_32');
    k.set('CONFIG_X86_64', 'y');
    k.set('CONFIG_64BIT', 'y');
    notes.push('the config is for i386; laid out for x86_64 with CONFIG_X86_64=y and CONFIG_64BIT=y, other options as they are');
  }
  return notes;
}

export function resolveTreeConfig(input: TreeConfigInput): TreeConfig {
  const srcDir = path.resolve(input.srcDir);
  if (!fs.existsSync(path.join(srcDir, 'include'))) {
    throw new TreeConfigError(`${srcDir} does not look like a kernel tree (no include/ directory)`);
  }
  const objDir = path.resolve(input.buildDir ?? srcDir);
  if (input.buildDir && !fs.existsSync(objDir)) {
    throw new TreeConfigError(`build directory ${objDir} does not exist`);
  }
  const assumptions: string[] = [];
  let kconfig: Kconfig | undefined;
  let configSource: ConfigSource = 'none';
  let configFile: string | undefined;
  // When the config does not come from the build's own generated header, the
  // header kconfig.h includes must be written from what we use instead.
  let synthesize = false;

  if (input.configFile) {
    configFile = path.resolve(input.configFile);
    const text = readIfExists(configFile);
    if (text === undefined) throw new TreeConfigError(`cannot read config file ${configFile}`);
    kconfig = parseConfigText(text);
    configSource = 'explicit';
    synthesize = true;
  } else {
    const candidates: Array<[string, ConfigSource]> = [
      [path.join(objDir, '.config'), '.config'],
      [path.join(objDir, 'include/config/auto.conf'), 'auto.conf'],
      [path.join(objDir, 'include/generated/autoconf.h'), 'autoconf.h'],
    ];
    for (const [p, src] of candidates) {
      const text = readIfExists(p);
      if (text === undefined) continue;
      kconfig = src === 'autoconf.h' ? parseAutoconfH(text) : parseDotConfig(text);
      configSource = src;
      configFile = p;
      break;
    }
    if (kconfig && !fs.existsSync(path.join(objDir, 'include/generated/autoconf.h'))) {
      synthesize = true;
      assumptions.push(`${configFile} has not been through "make prepare": generated/autoconf.h written from it; Kconfig defaults of unlisted options not applied`);
    }
  }

  let arch = input.arch ? parseArch(input.arch) : undefined;
  if (input.arch && !arch) throw new TreeConfigError(`unknown arch '${input.arch}' (x86_64, i386, arm64, arm, riscv64)`);
  if (!kconfig) {
    const guess = arch ?? 'x86_64';
    const defconfig = path.join(srcDir, 'arch', SRCARCH[guess], 'configs', guess === 'i386' ? 'i386_defconfig' : guess === 'x86_64' ? 'x86_64_defconfig' : 'defconfig');
    const text = readIfExists(defconfig);
    if (text !== undefined) {
      kconfig = parseDotConfig(text);
      configSource = 'defconfig';
      configFile = defconfig;
      assumptions.push(`no .config: using ${path.relative(srcDir, defconfig)}, Kconfig defaults not applied`);
    } else {
      kconfig = new Map();
      assumptions.push('no .config and no defconfig: every CONFIG_ option is unset');
    }
    synthesize = true;
  }
  const fromConfig = archFromKconfig(kconfig);
  if (!arch) {
    arch = fromConfig ?? 'x86_64';
    if (!fromConfig) assumptions.push('the config does not say which architecture: assuming x86_64');
  } else if (fromConfig && fromConfig !== arch) {
    if (SRCARCH[fromConfig] === SRCARCH[arch]) {
      assumptions.push(...adjustX86Width(kconfig, arch));
      synthesize = true;
    } else {
      assumptions.push(`the config is for ${fromConfig} but ${arch} was asked for: its options are used as they are`);
    }
  }
  for (const [name, value] of Object.entries(input.overrides ?? {})) {
    const key = name.startsWith('CONFIG_') ? name : `CONFIG_${name}`;
    if (value === null || value === 'n') kconfig.delete(key);
    else kconfig.set(key, value);
    synthesize = true;
  }

  const virtualFiles = new Map<string, string>();
  if (synthesize) virtualFiles.set(path.join(objDir, 'include/generated/autoconf.h'), renderAutoconfH(kconfig));
  if (objDir !== srcDir && !fs.existsSync(path.join(objDir, 'arch', SRCARCH[arch], 'include/generated'))) {
    assumptions.push(`${objDir} has no arch/${SRCARCH[arch]}/include/generated: headers generated by the build are missing (a build dir configured for ${arch} has them: --build DIR, or O=DIR in a sweep)`);
  } else if (objDir === srcDir && !fs.existsSync(path.join(objDir, 'include/generated'))) {
    assumptions.push('the tree has not been built or prepared: headers generated by the build are missing');
  }

  const where = objDir === srcDir ? 'in-tree' : `O=${objDir}`;
  const label = `${arch} · ${configSource}${configFile ? ` (${path.basename(configFile)})` : ''} · ${where}`;
  return { srcDir, objDir, arch, srcArch: SRCARCH[arch], kconfig, configSource, configFile, virtualFiles, assumptions, label };
}
