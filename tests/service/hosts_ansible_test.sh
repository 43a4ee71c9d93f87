#!/usr/bin/env bash
# One fleet file across three hosts, deployed by `jamfleet export ansible` and a real
# ansible-playbook over ssh (docs/many-hosts.md). Three Debian 12 containers ("dir",
# "eu", "us") boot with `systemd-nspawn --boot` from one cached, read-only root file
# system (bookworm_hosts_rootfs.sh), each under its own overlay, on one bridge in a
# network namespace made here; sshd in each accepts a key made here. Then:
# - site.yml installs the .deb, the fleet file, its placement and the `--host NAME`
#   drop-in on every host; the directory runs on "dir", four rooms spread over "eu"
#   and "us";
# - the one directory lists every room at its own host's address (hosts_list_test);
#   two real Jamulus 3.9.1 clients hear each other in a room on "eu" and in one on
#   "us" (service_client_test);
# - upgrade.yml (a rolling upgrade to a re-versioned package) with a Jamulus client
#   held in Room 1: the deadline expiry names Room 1, whose mixer keeps its PID while
#   occupied (off the list: drained) and is replaced and listed again after the client
#   leaves; every other room and the directory are replaced and stay listed;
# - powering off host "us" takes its rooms off the list; "eu"'s rooms keep their PIDs.
# Fails (never skips) when a tool is missing. Removes exactly what it made: the
# containers, their overlays and mounts, the namespace with its bridge, the work folder.
# Usage: hosts_ansible_test.sh BUILD_DIR   ($JAMFLEET_TEST_DEB: a .deb built before)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
client="$build/tests/service/service_client_test"
lister="$build/tests/service/hosts_list_test"
t0=$(date +%s)
declare -A leader=() # host → the PID of its container's init, once booted
phase() { echo "hosts test: [$(($(date +%s) - t0)) s] $*"; }
fail() {
    echo "hosts test: FAIL: $*" >&2
    # What each host's supervisor says, for whoever reads the failure.
    for name in "${!leader[@]}"; do
        echo "--- $name: jamfleet status; journalctl -u jamfleet | tail" >&2
        nsenter --target "${leader[$name]}" --all -- jamfleet status --run-dir /run/jamfleet >&2 || true
        nsenter --target "${leader[$name]}" --all -- journalctl -u jamfleet --no-pager | tail -15 >&2 || true
    done
    exit 1
}
trap 'echo "hosts test: FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

[[ $EUID -eq 0 ]] || fail "needs root (systemd-nspawn, overlay mounts, network namespaces)"
for tool in systemd-nspawn ansible-playbook ssh ssh-keygen dpkg-deb nsenter ip Jamulus jackd python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tools/deps.sh installs it)"
done
for program in "$client" "$lister" "$build/orchestrator/jamfleet"; do
    [[ -x "$program" ]] || fail "$program is not built"
done

phase "root file system"
rootfs=$("$root/tests/service/bookworm_hosts_rootfs.sh") || fail "cannot make the hosts' root file system"
phase "package"
if [[ -n "${JAMFLEET_TEST_DEB:-}" ]]; then
    deb=$JAMFLEET_TEST_DEB # the one systemd_service_test.sh built in this ./test.sh run
else
    deb=$("$root/tests/service/build_deb.sh" "$root/build-deb") || fail "the package build failed"
fi
[[ -f "$deb" ]] || fail "no package at $deb"
# Ansible looks a relative src up under the playbook's folder, not where this script runs.
deb=$(realpath "$deb")

work=$(mktemp -d /tmp/jamfleet-hosts.XXXXXX)
ns="jfhosts$$"
names=(dir eu us)
declare -A address=([dir]=10.88.0.2 [eu]=10.88.0.3 [us]=10.88.0.4)
declare -A nspawn_pid=()
holder_pid=""
cleanup() {
    set +e
    if [[ -n "$holder_pid" ]] && kill -0 "$holder_pid" 2>/dev/null; then
        touch "$work/hold/release"
        for _ in $(seq 1 40); do
            kill -0 "$holder_pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -TERM "$holder_pid" 2>/dev/null
        wait "$holder_pid" 2>/dev/null
    fi
    for name in "${names[@]}"; do
        pid=${nspawn_pid[$name]:-}
        [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null # the container's systemd powers off
    done
    for name in "${names[@]}"; do
        pid=${nspawn_pid[$name]:-}
        [[ -z "$pid" ]] && continue
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        wait "$pid" 2>/dev/null
    done
    for name in "${names[@]}"; do
        mountpoint -q "$work/$name/root" && umount "$work/$name/root"
    done
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

inside() { # host, command...
    local host=$1
    shift
    nsenter --target "${leader[$host]}" --all -- "$@"
}
child_pid() { # host, child name → its pid in `jamfleet status`
    inside "$1" jamfleet status --json --run-dir /run/jamfleet | python3 -c '
import json, sys
print(next(c["pid"] for c in json.load(sys.stdin)["children"] if c["name"] == sys.argv[1]))' "$2"
}

phase "network namespace, bridge, three containers"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add 10.88.0.1/24 dev br0
ip -n "$ns" link set br0 up
ssh-keygen -q -t ed25519 -N '' -C jamfleet-hosts-test -f "$work/key"
for name in "${names[@]}"; do
    mkdir -p "$work/$name/upper" "$work/$name/work" "$work/$name/root"
    mount -t overlay overlay \
        -o "lowerdir=$rootfs,upperdir=$work/$name/upper,workdir=$work/$name/work" "$work/$name/root"
    echo "$name" >"$work/$name/root/etc/hostname"
    install -d -m 0700 "$work/$name/root/root/.ssh"
    install -m 0600 "$work/key.pub" "$work/$name/root/root/.ssh/authorized_keys"
    # nsenter --net, not `ip netns exec` (which mounts a /sys without the cgroup file
    # systems nspawn needs); --register=no --keep-unit: no machined or D-Bus here.
    nsenter --net="/run/netns/$ns" systemd-nspawn --quiet --boot --directory="$work/$name/root" \
        --machine="jfh$$$name" --register=no --keep-unit --network-bridge=br0 \
        >"$work/$name.nspawn.log" 2>&1 &
    nspawn_pid[$name]=$!
done
for name in "${names[@]}"; do
    for _ in $(seq 1 100); do
        leader[$name]=$(ps -o pid= --ppid "${nspawn_pid[$name]}" | tr -d ' ' | head -1 || true)
        [[ -n "${leader[$name]}" ]] && break
        sleep 0.2
    done
    [[ -n "${leader[$name]}" ]] || { cat "$work/$name.nspawn.log" >&2; fail "container $name did not start"; }
done
for name in "${names[@]}"; do
    state=""
    for _ in $(seq 1 120); do
        state=$(inside "$name" systemctl is-system-running 2>/dev/null || true)
        [[ "$state" == running || "$state" == degraded ]] && break
        sleep 0.5
    done
    [[ "$state" == running || "$state" == degraded ]] ||
        { cat "$work/$name.nspawn.log" >&2; fail "$name's systemd did not finish booting ($state)"; }
    inside "$name" ip addr add "${address[$name]}/24" dev host0
    inside "$name" ip link set host0 up
done
ssh_options=(-i "$work/key" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o LogLevel=ERROR -o ConnectTimeout=3)
for name in "${names[@]}"; do
    for _ in $(seq 1 40); do
        ip netns exec "$ns" ssh "${ssh_options[@]}" "root@${address[$name]}" true 2>/dev/null && break
        sleep 0.5
    done
    ip netns exec "$ns" ssh "${ssh_options[@]}" "root@${address[$name]}" true ||
        fail "no ssh to $name at ${address[$name]}"
done

phase "jamfleet export ansible"
mkdir -p "$work/fleet"
cat >"$work/fleet/fleet.yaml" <<YAML
fleet:
  name: Hosts test
  base_port: 22124
hosts:
  - {name: dir, ssh: root@${address[dir]}, public_address: ${address[dir]}}
  - {name: eu, ssh: root@${address[eu]}, public_address: ${address[eu]}}
  - {name: us, ssh: root@${address[us]}, public_address: ${address[us]}}
directory:
  host: dir
  port: 22123
  name: Hosts directory
  list_rate: 0
  ping_rate: 0
servers:
  - {name: "Room {n}", count: 4, spread: [eu, us]}
YAML
"$build/orchestrator/jamfleet" export ansible "$work/fleet/fleet.yaml" "$work/ansible" >"$work/export.log" ||
    { cat "$work/export.log" >&2; fail "jamfleet export ansible"; }
"$build/orchestrator/jamfleet" check "$work/fleet/fleet.yaml" | grep -- ' -> ' | sed 's/^/hosts test: placement /'
rooms="Room 1@${address[eu]}:22124;Room 2@${address[us]}:22124;Room 3@${address[eu]}:22125;Room 4@${address[us]}:22125"
# Ansible's own files stay in the work folder; no ssh master outlives a command.
export ANSIBLE_HOME="$work/ansible-home" ANSIBLE_LOCAL_TEMP="$work/ansible-tmp"
export ANSIBLE_PRIVATE_KEY_FILE="$work/key" ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PIPELINING=True
export ANSIBLE_SSH_ARGS="-o ControlMaster=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORKS=3
playbook() { # playbook file, extra arguments...
    local book=$1
    shift
    (cd "$work/ansible" && ip netns exec "$ns" ansible-playbook -i inventory.ini "$book" "$@")
}

phase "ansible-playbook site.yml (install, fleet file, --host drop-in, start)"
t_site=$(date +%s)
playbook site.yml -e "jamfleet_deb=$deb" >"$work/site.log" 2>&1 ||
    { tail -40 "$work/site.log" >&2; fail "ansible-playbook site.yml"; }
echo "hosts test: site.yml took $(($(date +%s) - t_site)) s"
for name in "${names[@]}"; do
    [[ $(inside "$name" systemctl is-active jamfleet) == active ]] || fail "jamfleet is not active on $name"
    inside "$name" systemctl show -p ExecStart --value jamfleet | grep -q -- "--host $name" ||
        fail "$name's unit does not run --host $name"
done

phase "one list from the directory, every room at its host's address"
list() { # expected rooms
    ip netns exec "$ns" env JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_HOSTS_DIRECTORY="${address[dir]}:22123" JAMFLEET_HOSTS_ROOMS="$1" \
        "$lister" --gtest_filter=HostsList.* >"$work/list.log" 2>&1 || { cat "$work/list.log" >&2; return 1; }
    grep '^hosts list:' "$work/list.log" | sed 's/^/hosts test: /'
}
list "$rooms" || fail "the directory's list is not every room at its own host"

phase "Jamulus 3.9.1 clients hear each other in a room on eu and in one on us"
for room in "${address[eu]}:22124" "${address[us]}:22125"; do
    ip netns exec "$ns" env JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_SERVICE_ROOM="$room" \
        "$client" --gtest_filter=ServiceRoom.AJamulusClientHearsAnotherThroughTheInstalledFleet \
        >"$work/hear.log" 2>&1 || { cat "$work/hear.log" >&2; fail "clients in $room did not hear each other"; }
    grep 'hears alice' "$work/hear.log" | sed 's/^/hosts test: /'
done

phase "rolling upgrade (upgrade.yml) with a client held in Room 1 on eu"
# A newer version of the same build: the package's files are replaced on every host.
dpkg-deb -R "$deb" "$work/newdeb"
sed -i 's/^Version: \(.*\)$/Version: \1+hosts1/' "$work/newdeb/DEBIAN/control"
dpkg-deb -b "$work/newdeb" "$work/jamfleet-new.deb" >/dev/null
mkdir -p "$work/hold"
ip netns exec "$ns" env JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_SERVICE_ROOM="${address[eu]}:22124" \
    JAMFLEET_SERVICE_HOLD_DIR="$work/hold" "$client" \
    --gtest_filter=ServiceRoom.AClientStaysConnectedUntilReleased >"$work/hold.log" 2>&1 &
holder_pid=$!
for _ in $(seq 1 160); do
    [[ -e "$work/hold/connected" ]] && break
    kill -0 "$holder_pid" 2>/dev/null || break
    sleep 0.25
done
[[ -e "$work/hold/connected" ]] || { cat "$work/hold.log" >&2; fail "the held client did not join Room 1"; }
declare -A before=()
for pair in "eu:Room 1" "eu:Room 3" "us:Room 2" "us:Room 4" "dir:directory"; do
    before[$pair]=$(child_pid "${pair%%:*}" "${pair#*:}")
done
t_upgrade=$(date +%s)
playbook upgrade.yml -e "jamfleet_deb=$work/jamfleet-new.deb" -e jamfleet_drain_deadline=8 \
    >"$work/upgrade.log" 2>&1 || { tail -40 "$work/upgrade.log" >&2; fail "ansible-playbook upgrade.yml"; }
echo "hosts test: upgrade.yml took $(($(date +%s) - t_upgrade)) s"
grep -q 'still occupied at the deadline.*Room 1' "$work/upgrade.log" ||
    { tail -40 "$work/upgrade.log" >&2; fail "upgrade.yml did not report Room 1 occupied at the deadline"; }
grep -o 'still occupied at the deadline, kept[^"]*' "$work/upgrade.log" | sed 's/^/hosts test: upgrade.yml: /'
for name in "${names[@]}"; do
    inside "$name" dpkg-query -W -f '${Version}\n' jamfleet | grep -q '+hosts1$' ||
        fail "$name does not have the new package"
done
[[ $(child_pid eu "Room 1") == "${before[eu:Room 1]}" ]] || fail "occupied Room 1 was restarted"
for pair in "eu:Room 3" "us:Room 2" "us:Room 4" "dir:directory"; do
    now=$(child_pid "${pair%%:*}" "${pair#*:}")
    [[ "$now" != "${before[$pair]}" && "$now" != None ]] ||
        fail "${pair#*:} on ${pair%%:*} was not replaced (pid ${before[$pair]} -> $now)"
done
# Drained: the occupied room left the list while it waits; every other room is listed.
list "Room 2@${address[us]}:22124;Room 3@${address[eu]}:22125;Room 4@${address[us]}:22125" ||
    fail "the list during the upgrade is not every room but the drained Room 1"
kill -0 "$holder_pid" 2>/dev/null || { cat "$work/hold.log" >&2; fail "the held client ended early"; }
touch "$work/hold/release"
wait "$holder_pid" || { cat "$work/hold.log" >&2; fail "the held client was disconnected during the upgrade"; }
holder_pid=""
grep 'samples while held' "$work/hold.log" | sed 's/^/hosts test: /'
room1_after=${before[eu:Room 1]}
for _ in $(seq 1 80); do
    room1_after=$(child_pid eu "Room 1")
    [[ "$room1_after" != "${before[eu:Room 1]}" && "$room1_after" != None ]] && break
    sleep 0.25
done
[[ "$room1_after" != "${before[eu:Room 1]}" ]] || fail "Room 1 did not move to the new version once empty"
echo "hosts test: Room 1 pid ${before[eu:Room 1]} while occupied -> $room1_after once empty"
list "$rooms" || fail "the list is not complete after the upgrade (Room 1 listed again)"

phase "powering off host us: its rooms leave the list, eu's rooms are unaffected"
eu_pids="$(child_pid eu "Room 1") $(child_pid eu "Room 3")"
# SIGTERM to nspawn powers the container off: its systemd stops jamfleet (rooms unregister).
kill -TERM "${nspawn_pid[us]}"
unset 'leader[us]'
list "Room 1@${address[eu]}:22124;Room 3@${address[eu]}:22125" || fail "us's rooms did not leave the list"
# The rest of the shutdown (journald, ...) can take a while on a loaded machine.
for _ in $(seq 1 180); do
    kill -0 "${nspawn_pid[us]}" 2>/dev/null || break
    sleep 0.5
done
kill -0 "${nspawn_pid[us]}" 2>/dev/null && fail "host us did not power off within 90 s"
wait "${nspawn_pid[us]}" || true
[[ "$(child_pid eu "Room 1") $(child_pid eu "Room 3")" == "$eu_pids" ]] || fail "eu's rooms changed when us stopped"

phase "passed (the clean-up follows)"
