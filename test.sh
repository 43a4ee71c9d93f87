#!/usr/bin/env bash
# Builds jamfleet and runs every test: unit and interop tests (-Dwerror=true), the
# unit tests again under ASan+UBSan, short fuzz runs, the format and layering checks.
# Installs what is missing first, so it works on a fresh Debian 12 machine as root.
set -uo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

opus_pc=$(./tools/deps.sh) || { echo "test.sh: installing dependencies failed" >&2; exit 1; }
export PKG_CONFIG_PATH="${opus_pc}${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
jobs=$(nproc)

passed=0
failed=0
failures=()

# Adds a meson test log's results to the totals.
tally() {
    local log="$1/meson-logs/testlog.json"
    [[ -f "$log" ]] || return 0
    local p f
    p=$(grep -c '"result": "OK"' "$log" || true)
    f=$(grep -Ec '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
    passed=$((passed + p))
    failed=$((failed + f))
    if ((f > 0)); then
        while read -r name; do failures+=("$1: $name"); done < <(
            python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r["result"] in ("FAIL","TIMEOUT","ERROR","UNEXPECTEDPASS"): print(r["name"])' "$log")
    fi
}

step() { echo; echo "=== test.sh: $*"; }

setup() { # dir, then extra meson options
    local dir=$1
    shift
    if [[ ! -f "$dir/build.ninja" ]]; then
        meson setup "$dir" "$@" || return 1
    else
        meson configure "$dir" "$@" >/dev/null || return 1
    fi
}

check() { # name, command...
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
    fi
}

step "build (werror) and run unit + interop tests"
if setup build -Dwerror=true && ninja -C build -j "$jobs"; then
    meson test -C build --no-rebuild --print-errorlogs --num-processes 1 --no-suite fuzz
    tally build
else
    failed=$((failed + 1)); failures+=("build")
fi

step "ASan+UBSan build, unit tests"
if CXX=g++ setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dcpp_args=-fno-sanitize-recover=all -Dinterop=false &&
    ninja -C build-asan -j "$jobs"; then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        meson test -C build-asan --no-rebuild --print-errorlogs --suite unit
    tally build-asan
else
    failed=$((failed + 1)); failures+=("build-asan")
fi

step "fuzz smoke runs (clang libFuzzer)"
# Only the fuzz targets are built here: the rest of the tree is already covered twice.
fuzz_targets() {
    meson introspect build-fuzz --tests | python3 -c 'import json,os,sys
for t in json.load(sys.stdin):
    if "fuzz" in t["suite"] or any(s.endswith(":fuzz") for s in t["suite"]):
        print(os.path.relpath(t["cmd"][0], sys.argv[1]))' "$root/build-fuzz"
}
if CXX=clang++ setup build-fuzz -Dfuzz=true -Dinterop=false &&
    ninja -C build-fuzz -j "$jobs" $(fuzz_targets); then
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz
    tally build-fuzz
else
    failed=$((failed + 1)); failures+=("build-fuzz")
fi

step "Debian package under a real systemd (debootstrap + systemd-nspawn)"
# Builds the .deb, boots a cached Debian 12 root file system and runs the service there
# (tests/service/systemd_service_test.sh); fails, never skips, when it cannot run.
deb_mark=$(mktemp)
check service-systemd ./tests/service/systemd_service_test.sh build

step "one fleet over three hosts: jamfleet export ansible + ansible-playbook over ssh (systemd-nspawn)"
# Reuses the .deb the service test just built (never an older one); else builds it itself.
fresh_deb=$(find "$PWD/build-deb" -maxdepth 1 -name 'jamfleet_*.deb' -newer "$deb_mark" 2>/dev/null | head -1)
rm -f "$deb_mark"
check hosts-ansible env JAMFLEET_TEST_DEB="$fresh_deb" ./tests/service/hosts_ansible_test.sh build

step "clang-format"
check clang-format ./tools/check-format.sh

step "layering"
check layering python3 tools/check-layers.py

echo
if ((failed > 0)); then
    python3 tools/failure-digest.py build build-asan build-fuzz
    echo "test.sh: failures:"
    printf '  %s\n' "${failures[@]}"
fi
echo "test.sh: $passed passed, $failed failed"
((failed == 0))
