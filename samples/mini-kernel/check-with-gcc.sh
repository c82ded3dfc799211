#!/bin/bash
# Compiles netmem_probe.c with kbuild's include path and implicit includes,
# once per configuration the README mentions (the tree's .config, MEMCG off,
# i386), so the sample's asserts are checked by a real compiler. Needs gcc
# (and gcc -m32 support for the i386 leg, which is skipped without it).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flags=(-nostdinc -I arch/x86/include -I include
       -include include/linux/compiler-version.h -include include/linux/kconfig.h
       -include include/linux/compiler_types.h -D__KERNEL__ -std=gnu11 -Wall -Werror -fsyntax-only)
# A variant autoconf.h found ahead of the tree's own, as a second O= build dir would be.
variant() { mkdir -p "$tmp/$1/generated"; grep -v -E "$2" include/generated/autoconf.h > "$tmp/$1/generated/autoconf.h"; }
gcc "${flags[@]}" netmem_probe.c && echo "x86_64, .config: asserts hold"
variant memcg-off 'CONFIG_MEMCG'
gcc -I "$tmp/memcg-off" "${flags[@]}" netmem_probe.c && echo "x86_64, CONFIG_MEMCG off: asserts hold"
variant i386 'CONFIG_(X86_64|64BIT)'
if echo 'int x;' | gcc -m32 -x c -c -o /dev/null - 2>/dev/null; then
  gcc -m32 -I "$tmp/i386" "${flags[@]}" netmem_probe.c && echo "i386: asserts hold"
else
  echo "i386: SKIPPED (gcc -m32 cannot compile here)"
fi
