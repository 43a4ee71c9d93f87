#!/usr/bin/env bash
# Proof of `jamfleet export kubernetes` without a cluster:
# - every exported object validates offline against the Kubernetes schemas (the npm
#   package kubernetes-models, pinned by tests/service/kube/package-lock.json and
#   installed into /var/cache/jamfleet-test/npm), rooms are pinned, on the host network,
#   OnDelete, probed with `jamfleet probe`;
# - one room's pod runs under `podman kube play` from an image made here (`podman
#   import` of our built programs and their libraries), registers with a directory,
#   answers its own liveness and readiness probes inside the container, and two real
#   Jamulus 3.9.1 clients hear each other through it (service_client_test);
# - `jamfleet rollout --kubernetes` (with a stand-in kubectl that lists this pod as
#   outdated) keeps the pod while a real client is in the room, reports it at its
#   deadline, and deletes it (`podman kube down`) once the room is empty;
# - `podman kube down` and `podman rmi` remove exactly what it made.
# Everything runs in a private network namespace (the pod's host network is that
# namespace's) with podman's storage in the test's work folder.
# Usage: kube_podman_test.sh BUILD_DIR
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
npm_cache=${JAMFLEET_TEST_NPM_DIR:-/var/cache/jamfleet-test/npm}
t0=$(date +%s)
phase() { echo "kube test: [$(($(date +%s) - t0)) s] $*"; }
fail() {
    echo "kube test: FAIL: $*" >&2
    exit 1
}

if [[ "${JAMFLEET_KUBE_NETNS:-}" != 1 ]]; then
    [[ $EUID -eq 0 ]] || fail "needs root (podman with a private storage root, a network namespace)"
    command -v unshare >/dev/null || fail "unshare is missing (util-linux)"
    command -v npm >/dev/null || fail "npm is missing (the nodejs package)"
    # Before leaving the network: the registry is outside the test's namespace.
    phase "kubernetes-models (npm) in $npm_cache"
    mkdir -p "$npm_cache"
    if ! cmp -s "$root/tests/service/kube/package-lock.json" "$npm_cache/package-lock.json" ||
        [[ ! -d "$npm_cache/node_modules/kubernetes-models" ]]; then
        cp "$root/tests/service/kube/package.json" "$root/tests/service/kube/package-lock.json" "$npm_cache/"
        (cd "$npm_cache" && npm ci --no-audit --no-fund --cache "$npm_cache/.npm") >&2 ||
            fail "npm ci of kubernetes-models failed"
    fi
    # Node resolves an ES module's imports next to the script: run it from the cache.
    cp "$root/tests/service/kube/validate_manifests.mjs" "$npm_cache/"
    # A private network namespace: the pod's host network, the directory and the clients.
    exec unshare --net env JAMFLEET_KUBE_NETNS=1 "$0" "$@"
fi
ip link set lo up

for tool in podman runc catatonit node npm ldd strip tar Jamulus jackd; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tools/deps.sh installs it)"
done
jamfleet="$build/orchestrator/jamfleet"
client="$build/tests/service/service_client_test"
for program in "$jamfleet" "$build/mixer-worker/jamfleet-mixer" "$build/directory/jamfleet-directory" "$client"; do
    [[ -x "$program" ]] || fail "$program is not built"
done

work=$(mktemp -d /tmp/jamfleet-kube.XXXXXX)
image="localhost/jamfleet-kubetest:$$"
directory_pid=""
played=""
holder_pid=""
# podman with the sandbox's recipe: runc (crun fails on hybrid cgroups), ulimits under
# the hard limit, no systemd; storage and state only in $work.
cat >"$work/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$work/containers.conf"
pod() { podman --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs "$@"; }
cleanup() {
    [[ -n "$holder_pid" ]] && kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null
    if [[ -n "$played" ]]; then
        pod kube down "$played" >/dev/null 2>&1 || echo "kube test: podman kube down failed" >&2
    fi
    pod rmi --force "$image" >/dev/null 2>&1 || true
    # The pause image podman builds for a pod lives in the same private storage.
    pod rmi --all --force >/dev/null 2>&1 || true
    [[ -n "$directory_pid" ]] && kill "$directory_pid" 2>/dev/null && wait "$directory_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "kube test: FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

validate() { node "$npm_cache/validate_manifests.mjs" "$@"; }

phase "export and validate a fleet of two hosts"
mkdir -p "$work/festival"
cat >"$work/festival/fleet.yaml" <<'YAML'
fleet: {name: Festival}
hosts:
  - {name: dir, public_address: 198.51.100.2}
  - {name: eu, public_address: 198.51.100.3}
directory: {host: dir, port: 22123}
servers:
  - {name: Berlin, host: eu}
  - {name: "Session {n}", count: 3, spread: [dir, eu]}
YAML
"$jamfleet" export kubernetes "$work/festival/fleet.yaml" "$work/festival/k8s" --image "$image" >/dev/null
validate "$work/festival/k8s" >"$work/validate.log" 2>&1 || { cat "$work/validate.log" >&2; fail "the manifests do not validate"; }
grep -q '"room":4' "$work/validate.log" || { cat "$work/validate.log" >&2; fail "expected 4 room manifests"; }
sed 's/^/kube test: /' "$work/validate.log" | tail -1

phase "image from our programs and their libraries (podman import)"
rootfs="$work/rootfs"
mkdir -p "$rootfs/usr/bin" "$rootfs/tmp" "$rootfs/var/lib/jamfleet" "$rootfs/run/jamfleet" "$rootfs/etc/jamfleet"
for program in "$jamfleet" "$build/mixer-worker/jamfleet-mixer" "$build/directory/jamfleet-directory"; do
    cp "$program" "$rootfs/usr/bin/"
    for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
    done
done
strip --strip-unneeded "$rootfs"/usr/bin/*
tar -C "$rootfs" -cf "$work/rootfs.tar" .
pod import "$work/rootfs.tar" "$image" >/dev/null

phase "one room's pod under podman kube play, registering with a directory"
# One host whose public address is loopback in this namespace; the directory runs
# outside podman (its pod would put the database under the node's /var/lib/jamfleet).
mkdir -p "$work/one"
cat >"$work/one/fleet.yaml" <<'YAML'
fleet: {name: Kube test, base_port: 22124}
hosts:
  - {name: node1, public_address: 127.0.0.1}
directory: {host: node1, port: 22123}
servers:
  - {name: Podman room, host: node1}
YAML
"$jamfleet" export kubernetes "$work/one/fleet.yaml" "$work/one/k8s" --image "$image" >/dev/null
validate "$work/one/k8s" >/dev/null
validate --pod "$work/one/k8s/room-node1-22124.yaml" "$work/one/pod.yaml"
"$build/directory/jamfleet-directory" -p 22123 --serverbindip 127.0.0.1 --db "$work/directory.db" \
    >"$work/directory.log" 2>&1 &
directory_pid=$!
pod kube play --configmap "$work/one/k8s/configmap.yaml" "$work/one/pod.yaml" >"$work/play.log" 2>&1 ||
    { cat "$work/play.log" >&2; fail "podman kube play failed"; }
played="$work/one/pod.yaml"
container=jamfleet-room-node1-22124-mixer
[[ $(pod inspect --format '{{.State.Running}}' "$container") == true ]] || fail "the room's container does not run"

phase "probes: from outside, and the pod's own liveness and readiness commands inside it"
ready=""
for _ in $(seq 1 40); do
    if "$jamfleet" probe 127.0.0.1:22124 --registered 127.0.0.1:22123 --listed-as 127.0.0.1:22124 \
        >"$work/probe.log" 2>&1; then
        ready=1
        break
    fi
    sleep 0.5
done
[[ -n "$ready" ]] || { cat "$work/probe.log" "$work/directory.log" >&2; pod logs "$container" >&2; fail "the room never registered"; }
sed 's/^/kube test: /' "$work/probe.log"
probe_command() { # livenessProbe|readinessProbe → its exec command, one word a line
    node -e 'const y=require(process.argv[1]); const p=y.load(require("fs").readFileSync(process.argv[2],"utf8"));
             for (const w of p.spec.containers[0][process.argv[3]].exec.command) console.log(w)' \
        "$npm_cache/node_modules/js-yaml" "$work/one/pod.yaml" "$1"
}
for probe in livenessProbe readinessProbe; do
    mapfile -t command < <(probe_command "$probe")
    pod exec "$container" "${command[@]}" >"$work/$probe.log" 2>&1 ||
        { cat "$work/$probe.log" >&2; fail "the pod's $probe (${command[*]}) fails inside the container"; }
    echo "kube test: $probe in the pod: $(tr '\n' ' ' <"$work/$probe.log")"
done
if "$jamfleet" probe 127.0.0.1:22124 --registered 127.0.0.1:22123 --listed-as 127.0.0.1:22199 >/dev/null 2>&1; then
    fail "readiness for a room the directory does not list succeeded"
fi

phase "two Jamulus 3.9.1 clients hear each other in the pod's room"
JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_SERVICE_ROOM=127.0.0.1:22124 \
    "$client" --gtest_filter=ServiceRoom.AJamulusClientHearsAnotherThroughTheInstalledFleet \
    >"$work/hear.log" 2>&1 || { cat "$work/hear.log" >&2; fail "clients in the pod's room did not hear each other"; }
grep 'hears alice' "$work/hear.log" | sed 's/^/kube test: /'

phase "jamfleet rollout --kubernetes keeps the pod while a Jamulus client is in it"
# A stand-in kubectl on PATH: it lists the room's set (template at rev-2) and the pod
# podman runs (rev-1: outdated; rev-2 once deleted), and deletes it with `podman kube
# down`. The client count comes from the real room over UDP.
mkdir -p "$work/bin" "$work/hold"
cat >"$work/bin/kubectl" <<KUBECTL
#!/bin/sh
echo "\$*" >>"$work/kubectl.calls"
case " \$* " in
*" get "*)
    revision=rev-1
    [ -e "$work/deleted" ] && revision=rev-2
    cat <<JSON
{"kind": "List", "items": [
 {"kind": "StatefulSet", "metadata": {"name": "jamfleet-room-node1-22124",
   "annotations": {"jamfleet.io/room": "Podman room", "jamfleet.io/address": "127.0.0.1:22124"}},
  "status": {"updateRevision": "rev-2"}},
 {"kind": "Pod", "metadata": {"name": "jamfleet-room-node1-22124-0",
   "labels": {"controller-revision-hash": "\$revision"},
   "ownerReferences": [{"kind": "StatefulSet", "name": "jamfleet-room-node1-22124"}]},
  "status": {"conditions": [{"type": "Ready", "status": "True"}]}}]}
JSON
    ;;
*" delete pod "*)
    podman --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs kube down "$played" >/dev/null 2>&1 &&
        touch "$work/deleted"
    ;;
esac
KUBECTL
chmod +x "$work/bin/kubectl"
rollout() { PATH="$work/bin:$PATH" "$jamfleet" rollout --kubernetes --poll 1 "$@"; }
JAMFLEET_INTEROP_SHARED_NETNS=1 JAMFLEET_SERVICE_ROOM=127.0.0.1:22124 JAMFLEET_SERVICE_HOLD_DIR="$work/hold" \
    "$client" --gtest_filter=ServiceRoom.AClientStaysConnectedUntilReleased >"$work/hold.log" 2>&1 &
holder_pid=$!
for _ in $(seq 1 160); do
    [[ -e "$work/hold/connected" ]] && break
    kill -0 "$holder_pid" 2>/dev/null || break
    sleep 0.25
done
[[ -e "$work/hold/connected" ]] || { cat "$work/hold.log" >&2; fail "the held client did not join the pod's room"; }
if rollout --deadline 3 >"$work/rollout1.log" 2>&1; then
    cat "$work/rollout1.log" >&2
    fail "rollout succeeded while a client was in the room"
fi
grep -q 'still occupied at the deadline.*Podman room (1 clients)' "$work/rollout1.log" ||
    { cat "$work/rollout1.log" >&2; fail "rollout did not report the occupied room at its deadline"; }
grep -q ' delete ' "$work/kubectl.calls" && fail "rollout deleted an occupied room's pod"
sed 's/^/kube test: /' "$work/rollout1.log"
touch "$work/hold/release"
wait "$holder_pid" || { cat "$work/hold.log" >&2; fail "the held client was disconnected during the rollout"; }
holder_pid=""
grep 'while held' "$work/hold.log" | sed 's/^/kube test: /'

phase "once empty, rollout replaces it (kubectl delete pod → podman kube down)"
# The room sees the client leave within its timeout; the rollout waits for that.
rollout --deadline 30 >"$work/rollout2.log" 2>&1 || { cat "$work/rollout2.log" >&2; fail "rollout did not replace the empty room"; }
grep -q 'replacing jamfleet-room-node1-22124-0 (empty)' "$work/rollout2.log" ||
    { cat "$work/rollout2.log" >&2; fail "rollout did not delete the empty room's pod"; }
grep -q 'delete pod jamfleet-room-node1-22124-0 --wait=false' "$work/kubectl.calls" || fail "kubectl was not asked to delete the pod"
sed 's/^/kube test: /' "$work/rollout2.log"
played=""
[[ -z $(pod ps -a --format '{{.Names}}') ]] || fail "containers left after kube down: $(pod ps -a --format '{{.Names}}')"
"$jamfleet" probe 127.0.0.1:22124 --timeout 0.5 >/dev/null 2>&1 && fail "the room still answers after kube down"

phase "podman rmi"
pod rmi "$image" >/dev/null
phase "PASS"
