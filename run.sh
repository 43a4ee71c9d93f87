#!/usr/bin/env bash
# Builds jamfleet (installing what is missing) and runs the fleet described in
# examples/fleet.yaml (or the fleet file given as the first argument).
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

opus_pc=$(./tools/deps.sh)
export PKG_CONFIG_PATH="${opus_pc}${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
fleet=${1:-examples/fleet.yaml}

# Build output stays visible: a compiler error must reach the person who ran this.
if [[ ! -f build-run/build.ninja ]]; then
    echo "run.sh: configuring build-run/" >&2
    meson setup build-run --buildtype=release -Dinterop=false >&2
fi
echo "run.sh: building (ninja -C build-run)" >&2
if ! ninja -C build-run -j "$(nproc)" >&2; then
    echo "run.sh: the build failed (errors above); nothing started" >&2
    exit 1
fi
mkdir -p var

if [[ -x build-run/orchestrator/jamfleet ]]; then
    exec build-run/orchestrator/jamfleet run "$fleet"
fi
echo "run.sh: the orchestrator (jamfleet) is not built yet; nothing to run" >&2
exit 1
