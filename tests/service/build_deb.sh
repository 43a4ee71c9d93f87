#!/usr/bin/env bash
# Builds jamfleet's Debian package from this tree with dpkg-buildpackage -b into
# OUT_DIR (programs only: -Dtests=false, nocheck) and prints the .deb's path. The
# tree is copied first so dpkg-buildpackage's clean and its ../*.deb output touch
# nothing in the checkout.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: build_deb.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src="$out/src/jamfleet"
rm -rf "$out/src"
mkdir -p "$src"
# Tracked and new (not ignored) files, as they are in the work tree.
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$root" && xargs -0 cp --parents -a -t "$src" 2>/dev/null || true)
# The libopus >= 1.4 that tools/deps.sh fetched (Debian 12's is too old).
if [[ -d "$root/.deps/opus" ]]; then
    mkdir -p "$src/.deps"
    cp -a "$root/.deps/opus" "$src/.deps/"
fi
(
    cd "$src"
    DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1
) || {
    echo "build_deb: dpkg-buildpackage failed; the end of $out/build.log:" >&2
    tail -40 "$out/build.log" >&2
    exit 1
}
deb=$(ls "$out"/src/jamfleet_*.deb 2>/dev/null | head -1)
[[ -n "$deb" ]] || { echo "build_deb: no .deb produced" >&2; exit 1; }
mv "$deb" "$out/"
echo "$out/$(basename "$deb")"
