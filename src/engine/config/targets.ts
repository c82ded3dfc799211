// The architectures Overlay Lens lays out for, named as `--arch` takes them,
// with kbuild's SRCARCH (the arch/ directory) and how .config says which one it is.

export type ArchName = 'x86_64' | 'i386' | 'arm64' | 'arm' | 'riscv64';
export const ARCHES: readonly ArchName[] = ['x86_64', 'i386', 'arm64', 'arm', 'riscv64'];

export const SRCARCH: Record<ArchName, string> = {
  x86_64: 'x86',
  i386: 'x86',
  arm64: 'arm64',
  arm: 'arm',
  riscv64: 'riscv',
};

/** Accepts kernel spellings too (ARCH=x86 means x86_64 with a 64-bit config, aarch64, riscv). */
export function parseArch(s: string): ArchName | undefined {
  const v = s.trim().toLowerCase();
  const aliases: Record<string, ArchName> = {
    x86_64: 'x86_64', x86: 'x86_64', amd64: 'x86_64', 'x86-64': 'x86_64',
    i386: 'i386', i686: 'i386', x86_32: 'i386',
    arm64: 'arm64', aarch64: 'arm64',
    arm: 'arm', armel: 'arm', armhf: 'arm',
    riscv64: 'riscv64', riscv: 'riscv64',
  };
  return aliases[v];
}

/** The arch a .config was made for, from the options only that arch's Kconfig sets. */
export function archFromKconfig(config: Map<string, string>): ArchName | undefined {
  const on = (n: string) => config.get(n) === 'y';
  if (on('CONFIG_X86_64')) return 'x86_64';
  if (on('CONFIG_X86_32') || (on('CONFIG_X86') && !on('CONFIG_64BIT'))) return 'i386';
  if (on('CONFIG_ARM64')) return 'arm64';
  if (on('CONFIG_ARM')) return 'arm';
  if (on('CONFIG_RISCV') && on('CONFIG_64BIT')) return 'riscv64';
  return undefined;
}
