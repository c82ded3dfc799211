#!/usr/bin/env bash
# Real VS Code for the e2e tier: code-server 4.100.3 (VS Code 1.100.3) from
# npm, installed once into ~/.cache/overlay-lens/code-server-4.100.3, plus
# Debian's Chromium for playwright-core to drive. Idempotent.
# Exit 77 when this machine cannot provide them (no apt-get, no npm registry).
set -euo pipefail
VER=4.100.3
DEST=${OVERLAY_LENS_CODE_SERVER:-$HOME/.cache/overlay-lens/code-server-$VER}
log() { echo "setup-code-server: $*" >&2; }
if [ -x "$DEST/node_modules/.bin/code-server" ] && [ -f "$DEST/.ready" ] && [ -x /usr/bin/chromium ]; then echo "$DEST"; exit 0; fi
command -v apt-get >/dev/null || { log "no apt-get: cannot install chromium and code-server's build deps"; exit 77; }
missing=()
for p in chromium libkrb5-dev pkg-config ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || { log "apt-get install failed"; exit 77; }
fi
# @vscode/ripgrep downloads a binary at install time; seed its cache with Debian's rg instead.
TMPD=${TMPDIR:-/tmp}
RGC="$TMPD/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RGC"
if [ ! -f "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  T=$(mktemp -d); cp /usr/bin/rg "$T/rg"; tar -czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$T" rg; rm -rf "$T"
fi
mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"overlay-lens-code-server","private":true}' > package.json
log "npm install code-server@$VER into $DEST (a few minutes the first time)"
export npm_config_yes=true npm_config_unsafe_perm=true
npm install --no-audit --no-fund --foreground-scripts "code-server@$VER" >"$DEST/install.log" 2>&1 || { log "npm install failed: see $DEST/install.log"; tail -20 "$DEST/install.log" >&2; exit 1; }
# npm 11 may skip lifecycle scripts: code-server's postinstall installs its VS Code's own deps.
CS="$DEST/node_modules/code-server"
if [ ! -d "$CS/lib/vscode/node_modules" ]; then
  log "running code-server's postinstall"
  (cd "$CS" && npm_config_yes=true bash ./postinstall.sh >>"$DEST/install.log" 2>&1) || { log "postinstall failed: see $DEST/install.log"; exit 1; }
fi
touch "$DEST/.ready"
echo "$DEST"
