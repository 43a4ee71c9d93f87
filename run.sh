#!/usr/bin/env bash
# Builds jamfleet (installing what is missing) and runs the fleet described in
# examples/fleet.yaml (or the fleet file given as the first argument).
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

opus_pc=$(./tools/deps.sh)
export PKG_CONFIG_PATH="${opus_pc}${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
fleet=${1:-examples/fleet.yaml}

if [[ ! -f build-run/build.ninja ]]; then
    meson setup build-run --buildtype=release -Dinterop=false >/dev/null
fi
ninja -C build-run -j "$(nproc)" >/dev/null
mkdir -p var

if [[ -x build-run/orchestrator/jamfleet ]]; then
    exec build-run/orchestrator/jamfleet run "$fleet"
fi
echo "run.sh: the orchestrator (jamfleet) is not built yet; nothing to run" >&2
exit 1
