#!/usr/bin/env bash
# jamfleet's Debian package under a real systemd: builds the .deb (build_deb.sh),
# boots a cached Debian 12 root file system (bookworm_rootfs.sh) with
# `systemd-nspawn --boot --ephemeral` on a veth pair into a network namespace made
# here, installs the package, and checks that `systemctl start jamfleet` reaches
# active with every room registered, that a real Jamulus 3.9.1 client in the
# namespace hears another through a room (service_client_test), that `systemctl
# reload` applies an edited fleet file, that the journal holds the children's
# labelled lines with their levels, and that `systemctl stop` leaves no process.
# Fails (never skips) when something it needs is missing. Removes exactly what it
# made: the container, its snapshot, the namespace with the veth, the work folder.
# Usage: systemd_service_test.sh BUILD_DIR   (the -Dwerror build, for the client)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
client="$build/tests/service/service_client_test"
t0=$(date +%s)
phase() { echo "service test: [$(($(date +%s) - t0)) s] $*"; }
fail() {
    echo "service test: FAIL: $*" >&2
    exit 1
}
# Any other failing command fails the test loudly too, naming itself.
trap 'echo "service test: FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

[[ $EUID -eq 0 ]] || fail "needs root (debootstrap, systemd-nspawn, network namespaces)"
for tool in systemd-nspawn debootstrap dpkg-buildpackage nsenter ip Jamulus jackd python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tools/deps.sh installs it)"
done
[[ -x "$client" ]] || fail "$client is not built (ninja -C $build tests/service/service_client_test)"

phase "root file system"
rootfs=$("$root/tests/service/bookworm_rootfs.sh") || fail "cannot make the Debian 12 root file system"
phase "package (dpkg-buildpackage -b)"
if [[ -n "${JAMFLEET_TEST_DEB:-}" ]]; then
    deb=$JAMFLEET_TEST_DEB # debugging aid: a .deb built before from this tree
else
    deb=$("$root/tests/service/build_deb.sh" "$root/build-deb") || fail "the package build failed"
fi

work=$(mktemp -d /tmp/jamfleet-service.XXXXXX)
ns="jfsvc$$"
machine="jfsvc$$"
nspawn_pid=""
snapshots_before=$(ls -d "$(dirname "$rootfs")"/.#* 2>/dev/null || true)
cleanup() {
    set +e
    if [[ -n "$nspawn_pid" ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" # nspawn asks the container's systemd to power off
        for _ in $(seq 1 60); do
            kill -0 "$nspawn_pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$nspawn_pid" 2>/dev/null; then
            kill -KILL "$nspawn_pid"
            wait "$nspawn_pid" 2>/dev/null
            # A killed nspawn leaves its --ephemeral snapshot: remove the one that
            # appeared during this run (a concurrent run's would be younger than ours).
            for snapshot in $(ls -d "$(dirname "$rootfs")"/.#machine.* 2>/dev/null); do
                grep -qxF "$snapshot" <<<"$snapshots_before" || rm -rf "$snapshot"
            done
        fi
        wait "$nspawn_pid" 2>/dev/null
    fi
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/share"
cp "$deb" "$work/share/jamfleet.deb"
# The fleet the test runs: a directory that only the fleet's rooms may fill, two rooms.
cat >"$work/share/fleet.yaml" <<'YAML'
fleet:
  name: Service test
  bind: 0.0.0.0
  base_port: 22124
directory:
  port: 22123
  name: Test directory
  country: DE
  whitelist: [127.0.0.1]
servers:
  - name: Room A
    log_file: /var/log/jamfleet/room-a.log
  - name: Room B
YAML
# The same with a third room, for the reload.
sed 's/^  - name: Room B$/  - name: Room B\n  - name: Room C/' "$work/share/fleet.yaml" >"$work/share/fleet2.yaml"

phase "boot the container"
ip netns add "$ns"
ip -n "$ns" link set lo up
# nsenter --net, not `ip netns exec`: the latter mounts a fresh /sys without the
# cgroup file systems nspawn needs. --register=no --keep-unit: no machined or D-Bus
# on the host; the container stays in the test's own cgroup.
nsenter --net="/run/netns/$ns" systemd-nspawn --quiet --boot --ephemeral --directory="$rootfs" \
    --machine="$machine" --register=no --keep-unit --network-veth \
    --bind-ro="$work/share:/mnt/jamfleet" >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 1 100); do
    leader=$(ps -o pid= --ppid "$nspawn_pid" | tr -d ' ' | head -1 || true)
    [[ -n "$leader" ]] && break
    sleep 0.2
done
[[ -n "$leader" ]] || { cat "$work/nspawn.log" >&2; fail "the container did not start"; }
inside() { nsenter --target "$leader" --all -- "$@"; }
state=""
for _ in $(seq 1 120); do
    state=$(inside systemctl is-system-running 2>/dev/null || true)
    [[ "$state" == running || "$state" == degraded ]] && break
    sleep 0.5
done
[[ "$state" == running || "$state" == degraded ]] ||
    { cat "$work/nspawn.log" >&2; fail "the container's systemd did not finish booting ($state)"; }

veth=$(ip -n "$ns" -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | head -1)
[[ -n "$veth" ]] || fail "no veth in the test namespace"
ip -n "$ns" addr add 10.77.0.1/24 dev "$veth"
ip -n "$ns" link set "$veth" up
inside ip addr add 10.77.0.2/24 dev host0
inside ip link set host0 up

phase "install the package"
inside dpkg -i /mnt/jamfleet/jamfleet.deb >"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log" >&2; fail "dpkg -i failed"; }
inside getent passwd jamfleet >/dev/null || fail "postinst did not create the jamfleet user"
verify=$(inside systemd-analyze verify jamfleet.service 2>&1) ||
    fail "systemd-analyze verify jamfleet.service: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify jamfleet.service warns: $verify"
echo "service test: $(inside systemd-analyze security jamfleet.service 2>/dev/null | tail -1)"
inside jamfleet --version | grep -q '^jamfleet ' || fail "jamfleet --version"
# The package starts the service with the example fleet file; it must be up.
[[ $(inside systemctl is-active jamfleet) == active ]] ||
    { inside journalctl -u jamfleet --no-pager | tail -30 >&2; fail "the packaged fleet is not active"; }
inside systemctl stop jamfleet
inside cp /mnt/jamfleet/fleet.yaml /etc/jamfleet/fleet.yaml

phase "systemctl start"
# Type=notify: start returns once the supervisor sent READY=1.
inside systemctl start jamfleet ||
    { inside journalctl -u jamfleet --no-pager | tail -30 >&2; fail "systemctl start jamfleet"; }
[[ $(inside systemctl is-active jamfleet) == active ]] || fail "jamfleet is not active after start"
registered() { # expected number of registered rooms
    inside jamfleet status --json --run-dir /run/jamfleet | python3 -c '
import json, sys
rooms = [c for c in json.load(sys.stdin)["children"] if c["kind"] == "mixer"]
ok = [c for c in rooms if c.get("child", {}).get("registration") == "registered"]
sys.exit(0 if len(rooms) == len(ok) == int(sys.argv[1]) else 1)' "$1"
}
registered 2 || { inside jamfleet status --run-dir /run/jamfleet >&2; fail "not every room registered at READY"; }

phase "a Jamulus 3.9.1 client hears another through Room A"
ip netns exec "$ns" env JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_SERVICE_ROOM=10.77.0.2:22124 \
    "$client" || fail "the Jamulus clients could not hear each other through the service"
inside grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}, 10\.77\.0\.1, connected \(1\)$' \
    /var/log/jamfleet/room-a.log || fail "Room A's connection log is not in Jamulus's format"

phase "systemctl reload with a third room"
inside cp /mnt/jamfleet/fleet2.yaml /etc/jamfleet/fleet.yaml
inside systemctl reload jamfleet || fail "systemctl reload jamfleet"
for _ in $(seq 1 60); do
    registered 3 && break
    sleep 0.5
done
registered 3 || { inside jamfleet status --run-dir /run/jamfleet >&2; fail "the reload did not add a registered Room C"; }
[[ $(inside systemctl is-active jamfleet) == active ]] || fail "jamfleet is not active after the reload"

phase "a killed room comes back under systemd"
room_b=$(inside jamfleet status --json --run-dir /run/jamfleet | python3 -c '
import json, sys
print(next(c["pid"] for c in json.load(sys.stdin)["children"] if c["name"] == "Room B"))')
inside kill -KILL "$room_b"
sleep 1
for _ in $(seq 1 60); do
    registered 3 && break
    sleep 0.5
done
registered 3 || fail "Room B did not come back registered after kill -9"

phase "the journal"
journal=$(inside journalctl -u jamfleet --no-pager -o json)
python3 - "$journal" <<'PY' || fail "the journal lacks labelled lines or their levels"
import json, sys
entries = [json.loads(line) for line in sys.argv[1].splitlines() if line.strip()]
messages = [(e.get("MESSAGE", ""), e.get("PRIORITY")) for e in entries]
def has(predicate, what):
    if not any(predicate(m, p) for m, p in messages):
        print("service test: journal: no " + what, file=sys.stderr)
        return False
    return True
ok = all([
    has(lambda m, p: m.startswith("info mixer: listening") and 'child="Room C"' in m and p == "6",
        "info line of Room C at priority 6"),
    has(lambda m, p: "child=directory" in m, "labelled directory line"),
    has(lambda m, p: m.startswith("info jamfleet: fleet ready") and p == "6", "'fleet ready' at priority 6"),
    has(lambda m, p: m.startswith("warn jamfleet: child exited; restarting") and p == "4",
        "warning about Room B at priority 4"),
])
# Levels were taken from the <N> prefixes, and no second timestamp is added in the journal.
bad = [m for m, p in messages if isinstance(m, str) and (m.startswith("<") or m[:4].isdigit())]
if bad:
    print("service test: journal: unparsed prefixes or timestamps: %r" % bad[:3], file=sys.stderr)
sys.exit(0 if ok and not bad else 1)
PY

phase "systemctl stop"
inside systemctl stop jamfleet
[[ $(inside systemctl is-active jamfleet || true) == inactive ]] || fail "jamfleet is not inactive after stop"
left=$(inside ps -u jamfleet -o pid=,args= || true)
[[ -z "$left" ]] || fail "processes left after stop: $left"

phase "passed"
