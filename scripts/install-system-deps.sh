#!/usr/bin/env bash
# System tools the end-to-end checks use, from Debian/Ubuntu packages:
#   chromium       headless browser for the real-browser test of every HTML report
#   poppler-utils  pdftotext / pdftoppm / pdfinfo for the PDF checks
# Idempotent: installs only what is missing, with apt-get, as root or through passwordless sudo.
# Where that is impossible it says why and exits 0, and the tests that need the tool skip with
# that reason in capitals; pass --require (make publish-check does) to exit 1 instead.
#
#   bash scripts/install-system-deps.sh [--require]
set -uo pipefail

require=0
[[ "${1:-}" == "--require" ]] && require=1

say() { printf 'system-deps: %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
for tool in pdftotext pdftoppm pdfinfo; do
    if ! command -v "$tool" >/dev/null 2>&1; then missing+=(poppler-utils); break; fi
done

if ((${#missing[@]} == 0)); then
    say "chromium and poppler-utils are installed"
    exit 0
fi

give_up() {
    say "CANNOT INSTALL ${missing[*]}: $*"
    say "the browser and PDF checks will be SKIPPED (make publish-check fails instead)."
    say "install by hand: sudo apt-get install -y ${missing[*]}"
    exit $((require ? 1 : 0))
}

command -v apt-get >/dev/null 2>&1 || give_up "this system has no apt-get (not Debian/Ubuntu)"
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    give_up "not root and no passwordless sudo"
fi

export DEBIAN_FRONTEND=noninteractive
say "installing ${missing[*]} with apt-get"
"${sudo[@]}" apt-get update -qq >/dev/null || give_up "apt-get update failed"
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation >/dev/null; then
    give_up "apt-get install ${missing[*]} failed"
fi

for tool in pdftotext pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null 2>&1 || give_up "$tool still missing after installing poppler-utils"
done
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    give_up "chromium still missing after apt-get install"
fi
browser=$(command -v chromium || command -v chromium-browser)
if ! "$browser" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 && ! "$browser" --version >/dev/null 2>&1; then
    give_up "$browser is installed but does not start (on Ubuntu the deb is a stub for the snap)"
fi
say "installed: $("$browser" --version 2>/dev/null | head -1); $(pdftotext -v 2>&1 | head -1)"
