#!/usr/bin/env bash
# The project's kernel fixture: a real, configured Linux tree and its ground
# truth, unpacked from Debian packages without installing a kernel.
#   DEST/src          linux-source-MAJOR, unconfigured
#   DEST/build        the matching amd64 O= build dir (.config, include/generated,
#                     arch/x86/include/generated), made usable for `make M=`
#   DEST/vmlinux      that kernel's image; DEST/btf.json its BTF (bpftool -j)
#   DEST/layouts.json every named struct/union of the BTF, flattened by src/engine/btf
#   DEST/VERSION      package versions (marks completion)
# Usage: scripts/kernel-fixture.sh [DEST] [MAJOR] [ARCH]
#   default DEST: $OVERLAY_LENS_FIXTURE or ~/.cache/overlay-lens/kernel-MAJOR
#   (kernel-MAJOR-ARCH for an ARCH other than amd64)
# ARCH (a Debian architecture whose kernel flavour has its name, default amd64: arm64): another architecture's build dir
# and BTF over the same source, which comes from the amd64 fixture (made first
# when missing; DEST/src is a link to it). Its packages are fetched through an
# apt state of its own under a temporary directory: the machine's dpkg
# architectures and package lists are left as they are. Only kernels whose
# headers package ships vmlinux (its BTF, for module builds: 6.12) have one.
# Exit 77 when this machine cannot provide it (no apt-get and no cache).
set -euo pipefail
MAJOR=${2:-6.12}
ARCH=${3:-amd64}
if [ "$ARCH" = amd64 ]; then DEFAULT_DEST=${OVERLAY_LENS_FIXTURE:-$HOME/.cache/overlay-lens/kernel-$MAJOR}; else DEFAULT_DEST=$HOME/.cache/overlay-lens/kernel-$MAJOR-$ARCH; fi
DEST=${1:-$DEFAULT_DEST}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# pahole (dwarves) is the oracle of the pahole-text fixture test; best effort, cached fixture or not.
command -v pahole >/dev/null || { command -v apt-get >/dev/null && { apt-get install -y -qq dwarves || { apt-get update -qq && apt-get install -y -qq dwarves; }; } >/dev/null 2>&1 || true; }
if [ -f "$DEST/VERSION" ]; then echo "kernel fixture ready: $DEST"; exit 0; fi
command -v apt-get >/dev/null || { echo "no kernel fixture at $DEST and no apt-get to make one (Debian/Ubuntu only)" >&2; exit 77; }
[ -f "$ROOT/out/src/engine/btf/cli.js" ] || (cd "$ROOT" && npx tsc -p .)

need() { command -v "$1" >/dev/null || { apt-get update -qq || true; apt-get install -y -qq "$2" >/dev/null; }; }
need bpftool bpftool
need xz xz-utils
policy() { apt-cache policy "$1" 2>/dev/null | sed -n 's/ *Candidate: //p'; }
SRCVER=$(policy "linux-source-$MAJOR")
if [ -z "$SRCVER" ] || [ "$SRCVER" = "(none)" ]; then apt-get update -qq || true; SRCVER=$(policy "linux-source-$MAJOR"); fi
if [ -z "$SRCVER" ] || [ "$SRCVER" = "(none)" ]; then echo "no linux-source-$MAJOR package in this machine's apt sources" >&2; exit 77; fi
UP=${SRCVER%%-*}                       # 6.12.117-1~deb12u1 → 6.12.117
if [ "$ARCH" != amd64 ]; then
  BASE=$HOME/.cache/overlay-lens/kernel-$MAJOR
  bash "$0" "$BASE" "$MAJOR"
  # the version of the source it links to, which may be older than the archive's newest
  SRCVER=$(sed -n "s/^linux-source-$MAJOR //p" "$BASE/VERSION")
  KERNEL=$(sed -n 's/^kernel //p' "$BASE/VERSION"); ABI=${KERNEL%-amd64}
  TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
  mkdir -p "$TMP/lists/partial" "$TMP/cache/archives/partial" "$TMP/debs" "$TMP/root"
  APT=(-o "Dir::State::Lists=$TMP/lists" -o "Dir::Cache=$TMP/cache" -o "APT::Architectures::=$ARCH" -o "APT::Architecture=$ARCH")
  apt-get -qq "${APT[@]}" update >/dev/null 2>&1 || { echo "apt-get update for $ARCH failed" >&2; exit 1; }
  HDR="linux-headers-$ABI-$ARCH"
  (cd "$TMP/debs" && apt-get -qq "${APT[@]}" download "$HDR=$SRCVER" 2>/dev/null) || { echo "apt-get download failed: $HDR=$SRCVER ($ARCH)" >&2; exit 1; }
  dpkg -x "$TMP"/debs/*.deb "$TMP/root"
  # the vmlinux kbuild generates module BTF from; some flavours ship a stub without BTF (armhf's armmp)
  bpftool btf dump file "$TMP/root/usr/src/$HDR/vmlinux" >/dev/null 2>&1 || { echo "$HDR ships no vmlinux with BTF: no $ARCH fixture for $MAJOR" >&2; exit 77; }
  rm -rf "$DEST.part"; mkdir -p "$DEST.part"
  ln -s "$BASE/src" "$DEST.part/src"
  cp -a "$TMP/root/usr/src/$HDR" "$DEST.part/build"
  # as for amd64: the package's links point into /usr; the common half and kbuild are the amd64 fixture's
  echo "include $BASE/common/Makefile" > "$DEST.part/build/Makefile"
  for l in scripts tools; do
    if [ -L "$DEST.part/build/$l" ]; then rm -f "$DEST.part/build/$l"; ln -s "$BASE/kbuild/$l" "$DEST.part/build/$l"; fi
  done
  mv "$DEST.part/build/vmlinux" "$DEST.part/vmlinux"
  bpftool btf dump file "$DEST.part/vmlinux" -j > "$DEST.part/btf.json"
  node "$ROOT/out/src/engine/btf/cli.js" "$DEST.part/btf.json" > "$DEST.part/layouts.json"
  printf 'linux-source-%s %s\nkernel %s-%s\n' "$MAJOR" "$SRCVER" "$ABI" "$ARCH" > "$DEST.part/VERSION"
  rm -rf "$DEST"; mv "$DEST.part" "$DEST"
  echo "kernel fixture ready: $DEST"; cat "$DEST/VERSION"
  exit 0
fi
ABI=$(apt-cache search -n "^linux-headers-${UP}[^ ]*-amd64$" | awk '{print $1}' | grep -v cloud | sed 's/^linux-headers-//; s/-amd64$//' | head -1 || true)
# Older series name the ABI, not the upstream version (6.1: linux-headers-6.1.0-57-amd64 is 6.1.192-3):
# the headers package whose version is the source's.
if [ -z "$ABI" ]; then
  for h in $(apt-cache search -n "^linux-headers-${MAJOR}\.[0-9]+-[0-9]+-amd64$" | awk '{print $1}'); do
    [ "$(policy "$h")" = "$SRCVER" ] && { ABI=${h#linux-headers-}; ABI=${ABI%-amd64}; break; }
  done
fi
[ -n "$ABI" ] || { echo "no linux-headers-*-amd64 package of version $SRCVER" >&2; exit 1; }
# linux-kbuild-6.12.118+deb12 (named by the ABI), or linux-kbuild-6.1 (by the series)
case "$ABI" in *+*) KBUILD_PKG="linux-kbuild-$ABI" ;; *) KBUILD_PKG="linux-kbuild-$MAJOR" ;; esac

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/debs" "$TMP/root"
fetch() { (cd "$TMP/debs" && apt-get download -qq "$@"); }
pkgs=("linux-source-$MAJOR=$SRCVER" "linux-headers-$ABI-amd64" "linux-headers-$ABI-common" "$KBUILD_PKG")
# A stale package index names versions the mirror no longer has: refresh it and retry once.
fetch "${pkgs[@]}" 2>/dev/null || { apt-get update -qq || true; fetch "${pkgs[@]}"; } || { echo "apt-get download failed: ${pkgs[*]}" >&2; exit 1; }
fetch "linux-image-$ABI-amd64-unsigned" 2>/dev/null || fetch "linux-image-$ABI-amd64" || { echo "apt-get download failed: linux-image-$ABI-amd64" >&2; exit 1; }
for d in "$TMP"/debs/*.deb; do dpkg -x "$d" "$TMP/root"; done

rm -rf "$DEST.part"; mkdir -p "$DEST.part"
tar -xJf "$TMP"/root/usr/src/linux-source-"$MAJOR".tar.xz -C "$DEST.part"
mv "$DEST.part/linux-source-$MAJOR" "$DEST.part/src"
cp -a "$TMP/root/usr/src/linux-headers-$ABI-amd64" "$DEST.part/build"
cp -a "$TMP/root/usr/src/linux-headers-$ABI-common" "$DEST.part/common"
KB=$(ls -d "$TMP"/root/usr/lib/linux-kbuild-* | head -1)
cp -a "$KB" "$DEST.part/kbuild"
# The packages point at /usr/src and /usr/lib: repoint them inside DEST so `make -C build M=DIR` works.
echo "include $DEST/common/Makefile" > "$DEST.part/build/Makefile"
rm -f "$DEST.part/build/scripts"; ln -s "$DEST/kbuild/scripts" "$DEST.part/build/scripts"
if [ -L "$DEST.part/build/tools" ] || [ -e "$DEST.part/build/tools" ]; then rm -f "$DEST.part/build/tools"; ln -s "$DEST/kbuild/tools" "$DEST.part/build/tools"; fi
for l in scripts tools; do
  if [ -L "$DEST.part/common/$l" ]; then rm -f "$DEST.part/common/$l"; ln -s "$DEST/kbuild/$l" "$DEST.part/common/$l"; fi
done
VMLINUZ=$(ls "$TMP"/root/boot/vmlinuz-* | head -1)
"$DEST.part/src/scripts/extract-vmlinux" "$VMLINUZ" > "$DEST.part/vmlinux"
bpftool btf dump file "$DEST.part/vmlinux" -j > "$DEST.part/btf.json"
node "$ROOT/out/src/engine/btf/cli.js" "$DEST.part/btf.json" > "$DEST.part/layouts.json"
printf 'linux-source-%s %s\nkernel %s-amd64\n' "$MAJOR" "$SRCVER" "$ABI" > "$DEST.part/VERSION"
rm -rf "$DEST"; mv "$DEST.part" "$DEST"
echo "kernel fixture ready: $DEST"; cat "$DEST/VERSION"
