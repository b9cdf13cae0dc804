#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian/Ubuntu machine, idempotently:
# Debian packages (Chromium, CJK fonts, poppler, PostgreSQL), uv, and the locked Python environment.
# A second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-wqy-microhei: a TrueType CJK font, which Chromium embeds in PDFs as a real font (Noto CJK
# is CFF, embedded as Type 3)
APT_PACKAGES=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils postgresql systemd)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# PostgreSQL may come from elsewhere (a server already on PATH): then the Debian package is not needed.
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
  missing=("${missing[@]/postgresql}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "bootstrap: installing uv"
  python3 -m pip install --quiet uv
fi

UV_COMPILE_BYTECODE=1 uv sync --frozen --quiet
