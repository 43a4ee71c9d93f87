#!/usr/bin/env bash
# Captures golden protocol vectors from real Jamulus 3.9.1 (and, for the v40_* scenarios, the
# upstream 4.0.0 beta 2 build in shared/peers beside the checkout, or $JAMFLEET_PEERS_DIR) with
# tshark inside a private network namespace and writes them as hex to
# tests/proto/vectors/<scenario>.hex (see its README.md).
#
# Usage (as root): tools/capture-vectors.sh [OUTDIR] [SCENARIO...]
# Needs: Jamulus (3.9.1, Debian), jamulus 4.0.0beta2 (shared/peers), jackd2, tshark, python3,
# util-linux unshare, iproute2.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
outdir=${1:-$root/tests/proto/vectors}
shift || true

if [[ $(id -u) -ne 0 ]]; then
    echo "capture-vectors.sh: must run as root (network namespace and packet capture)" >&2
    exit 1
fi
for tool in Jamulus jackd jack_lsp tshark python3 unshare ip; do
    command -v "$tool" >/dev/null || {
        echo "capture-vectors.sh: missing $tool (apt-get install -y jamulus jackd2 tshark)" >&2
        exit 1
    }
done

peers=${JAMFLEET_PEERS_DIR:-$(dirname "$root")/shared/peers}
export JAMFLEET_JAMULUS_40=$peers/jamulus-4.0.0beta2/jamulus
[[ -x "$JAMFLEET_JAMULUS_40" ]] || {
    echo "capture-vectors.sh: missing Jamulus 4.0.0beta2 at $JAMFLEET_JAMULUS_40" >&2
    exit 1
}

# Re-run inside a fresh network namespace holding only lo: fixed ports cannot collide with
# anything else on the machine, and no packet can leave it.
if [[ "${JAMFLEET_CAPTURE_IN_NETNS:-}" != 1 ]]; then
    export JAMFLEET_CAPTURE_IN_NETNS=1
    exec unshare -n -- "$0" "$outdir" "$@"
fi
ip link set lo up
mkdir -p "$outdir"

work=$(mktemp -d /tmp/jamfleet-capture.XXXXXX)
[[ -n "${JAMFLEET_CAPTURE_KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT
python3 - "$work" "$outdir" "$@" <<'PYTHON'
# Drives real Jamulus programs through capture scenarios (runs inside the namespace that
# tools/capture-vectors.sh creates) and writes one hex vector file per scenario.
import base64
import ctypes
import json
import os
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time

WORK, OUTDIR = sys.argv[1], sys.argv[2]
ONLY = set(sys.argv[3:])
SECRET = "jamfleet-capture-secret-0123456789"
PORTS = {"server": 22124, "directory": 22224,
         "regserver": 22324, "regserver2": 22325, "tool": 22900}
ROLE_OF_PORT = {port: role for role, port in PORTS.items()}
MAX_AUDIO_PER_DIRECTION = 20
MAX_AUDIO_PER_SIZE = 8
MAX_IDENTICAL = 5
LIBC = ctypes.CDLL(None, use_errno=True)


def die(msg):
    print("capture-vectors.sh: " + msg, file=sys.stderr)
    sys.exit(1)


def pdeathsig():
    LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: children die with the capture


def crc16(data):
    c = 0xFFFF
    for byte in data:
        c ^= byte << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c ^ 0xFFFF


def frame(msg_id, payload=b"", counter=0):
    head = struct.pack("<HHBH", 0, msg_id, counter, len(payload)) + payload
    return head + struct.pack("<H", crc16(head))


def parse_frame(d):
    if len(d) < 9 or d[0] or d[1] or struct.unpack_from("<H", d, 5)[0] != len(d) - 9:
        return None
    if struct.unpack_from("<H", d, len(d) - 2)[0] != crc16(d[:-2]):
        return None
    return struct.unpack_from("<H", d, 2)[0]


def wait_until(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError("timed out after %.0f s waiting for %s" % (timeout, what))


def udp_ports_of(pid):
    """The local UDP ports of a process (Jamulus clients pick their own port near -p)."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    with open("/proc/net/udp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    return [int(row[1].split(":")[1], 16) for row in rows if row[9] in inodes]


def udp_port_bound(port):
    with open("/proc/net/udp") as f:
        return any(line.split()[1].endswith(":%04X" % port) for line in f.readlines()[1:])


class Proc:
    def __init__(self, scenario, role, argv, env=None):
        self.role, self.argv = role, argv
        self.home = os.path.join(WORK, scenario.name, role)
        os.makedirs(self.home, exist_ok=True)
        full_env = dict(os.environ, HOME=self.home, XDG_RUNTIME_DIR=self.home, LC_ALL="C.UTF-8")
        full_env.update(env or {})
        self.log_path = os.path.join(self.home, "output.log")
        with open(self.log_path, "ab") as log:
            self.p = subprocess.Popen(argv, env=full_env, cwd=self.home, stdin=subprocess.DEVNULL,
                                      stdout=log, stderr=subprocess.STDOUT, preexec_fn=pdeathsig)
        scenario.procs.append(self)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)


class Rpc:
    def __init__(self, port, timeout=15):
        self.sock = wait_until(lambda: self._connect(port), timeout, "JSON-RPC port %d" % port)
        self.buf, self.notes, self.next_id = b"", [], 1
        self.call("jamulus/apiAuth", {"secret": SECRET})

    @staticmethod
    def _connect(port):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            return None

    def _read(self, timeout):
        while b"\n" not in self.buf:
            self.sock.settimeout(timeout)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise ConnectionError("JSON-RPC connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        if "id" not in msg:
            self.notes.append(msg)
        return msg

    def call(self, method, params, timeout=10):
        rid, self.next_id = self.next_id, self.next_id + 1
        req = {"id": rid, "jsonrpc": "2.0", "method": method, "params": params}
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self._read(max(0.01, deadline - time.monotonic()))
            if msg is not None and msg.get("id") == rid:
                if "error" in msg:
                    raise RuntimeError("%s failed: %s" % (method, msg["error"]))
                return msg.get("result")
        raise TimeoutError("no reply to " + method)

    def wait_note(self, method, pred=lambda params: True, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            for note in self.notes:
                if note.get("method") == method and pred(note.get("params", {})):
                    return note["params"]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %s notification matching the condition; got %s" % (
                    method, json.dumps([n for n in self.notes if "Level" not in n["method"]][-6:],
                               ensure_ascii=False)))
            self._read(min(left, 0.2))


def wait_list(rpc, pred, timeout=15):
    """Polls getClientList: list notifications may precede our JSON-RPC authentication."""
    def current():
        try:
            return pred(rpc.call("jamulusclient/getClientList", {}))
        except RuntimeError:  # "Client is not connected" (error 1) until audio flows
            return False
    wait_until(current, timeout, "a client list matching the condition")


def names_in(params):
    return [c["name"] for c in params.get("clients", [])]


JAMULUS_40 = os.environ["JAMFLEET_JAMULUS_40"]


class Scenario:
    def __init__(self, name, description):
        self.name, self.description = name, description
        # v40_* scenarios run the upstream 4.0.0 beta 2 build (server and clients).
        self.program = JAMULUS_40 if name.startswith("v40_") else "Jamulus"
        self.procs, self.commands, self.steps, self.tool_sock = [], [], [], None
        self.jack_name = None

    def step(self, text):
        self.steps.append(text)

    def spawn(self, role, argv, env=None, note=None):
        text = shlex.join(argv).replace(WORK, "$WORK").replace("jfcap%d_" % os.getpid(), "jfcap$$_")
        text = text.replace(JAMULUS_40, "$PEERS/jamulus-4.0.0beta2/jamulus")
        self.commands.append("%s: %s%s" % (role, text, " (%s)" % note if note else ""))
        return Proc(self, role, argv, env)

    def jack(self, period):
        self.jack_name = "jfcap%d_%s" % (os.getpid(), self.name)
        env = {"JACK_NO_AUDIO_RESERVATION": "1"}
        self.spawn("jackd", ["jackd", "-n", self.jack_name, "-d", "dummy", "-r", "48000",
                             "-p", str(period)], env)
        wait_until(lambda: subprocess.run(["jack_lsp"], env=self.jack_env(os.environ),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           timeout=5).returncode == 0, 15, "jackd")

    def jack_env(self, base=None):
        env = dict(base or {})
        env.update(JACK_DEFAULT_SERVER=self.jack_name, JACK_NO_START_SERVER="1")
        return env

    def secret_file(self):
        path = os.path.join(WORK, "secret.txt")
        with open(path, "w") as f:
            f.write(SECRET + "\n")
        return path

    def server(self, role, extra, rpc_port, ipv6=None):
        # 4.0 renamed --serverbindip to --serverbindip4; --noipv6 keeps it on one socket, unless
        # the scenario wants 4.0's IPv6 socket bound to `ipv6`.
        if self.program != JAMULUS_40:
            bind = ["--serverbindip", "127.0.0.1"]
        elif ipv6:
            bind = ["--serverbindip4", "127.0.0.1", "--serverbindip6", ipv6]
        else:
            bind = ["--serverbindip4", "127.0.0.1", "--noipv6"]
        argv = [self.program, "-s", "-n", "-p", str(PORTS[role])] + bind + [
                "--jsonrpcport", str(rpc_port), "--jsonrpcsecretfile", self.secret_file()] + extra
        proc = self.spawn(role, argv)
        wait_until(lambda: udp_port_bound(PORTS[role]), 15, role + " UDP port")
        return proc, Rpc(rpc_port)

    def client(self, role, profile, rpc_port, server_role="server", gui=False):
        ini = os.path.join(WORK, self.name, role + ".ini")
        os.makedirs(os.path.dirname(ini), exist_ok=True)
        fields = []
        for key, value in profile.items():
            if key in ("name", "city"):
                fields.append("<%s_base64>%s</%s_base64>" % (
                    key, base64.b64encode(value.encode()).decode(), key))
            else:
                fields.append("<%s>%s</%s>" % (key, value, key))
        text = "<client>" + "".join(fields) + "</client>"
        with open(ini, "w") as f:
            f.write(text + "\n")
        argv = [self.program] + ([] if gui else ["-n"]) + (
            ["--noipv6"] if self.program == JAMULUS_40 else []) + [
                "-c", "127.0.0.1:%d" % PORTS[server_role], "-i", ini, "-p", "0", "-j", "--clientname", role, "--jsonrpcport", str(rpc_port),
                "--jsonrpcsecretfile", self.secret_file()]
        env = self.jack_env({"QT_QPA_PLATFORM": "offscreen"} if gui else {})
        proc = self.spawn(role, argv, env, note="ini " + text + (", QT_QPA_PLATFORM=offscreen"
                                                                  if gui else ""))
        port = wait_until(lambda: udp_ports_of(proc.p.pid), 15, role + " UDP port")[0]
        PORTS[role] = port
        ROLE_OF_PORT[port] = role
        return proc, Rpc(rpc_port)

    def tool_send(self, to_role, msg_id, payload=b""):
        if self.tool_sock is None:
            self.tool_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.tool_sock.bind(("127.0.0.1", PORTS["tool"]))
        self.tool_sock.sendto(frame(msg_id, payload), ("127.0.0.1", PORTS[to_role]))

    def tool_expect(self, ids, timeout=3):
        """Waits for replies with the given message IDs (one each), returns them."""
        wanted, got = list(ids), []
        deadline = time.monotonic() + timeout
        while wanted and time.monotonic() < deadline:
            self.tool_sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data, _ = self.tool_sock.recvfrom(65536)
            except socket.timeout:
                break
            msg_id = parse_frame(data)
            if msg_id in wanted:
                wanted.remove(msg_id)
                got.append(data)
        if wanted:
            raise TimeoutError("no reply with IDs %s" % wanted)
        return got

    def tool_expect_nothing(self, seconds):
        self.tool_sock.settimeout(seconds)
        try:
            data, _ = self.tool_sock.recvfrom(65536)
            raise RuntimeError("unexpected reply %s" % data.hex())
        except socket.timeout:
            pass

    def close(self):
        for proc in reversed(self.procs):
            proc.stop()
        if self.tool_sock:
            self.tool_sock.close()


class Capture:
    def __init__(self, scenario):
        self.pcap = os.path.join(WORK, scenario.name + ".pcap")
        self.err = os.path.join(WORK, scenario.name + ".tshark.log")
        with open(self.err, "wb") as err:
            self.p = subprocess.Popen(["tshark", "-i", "lo", "-f", "udp", "-w", self.pcap, "-q"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=err, preexec_fn=pdeathsig)
        wait_until(lambda: b"Capturing on" in open(self.err, "rb").read(), 20, "tshark start")

    def finish(self):
        time.sleep(0.5)  # let the last datagrams reach the capture buffer
        self.p.send_signal(signal.SIGINT)
        self.p.wait(20)
        out = subprocess.run(["tshark", "-r", self.pcap, "-T", "fields", "-e", "udp.srcport",
                              "-e", "udp.dstport", "-e", "udp.payload"],
                             check=True, capture_output=True, text=True, timeout=60).stdout
        rows = []
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2]:
                rows.append((int(parts[0]), int(parts[1]), bytes.fromhex(parts[2].replace(":", ""))))
        return rows


def role(port):
    if port not in ROLE_OF_PORT:
        die("datagram from/to unexpected port %d" % port)
    return ROLE_OF_PORT[port]


def select(rows):
    """Keeps every protocol frame (at most MAX_IDENTICAL identical copies) and a few audio
    datagrams per direction, preferring one of each packet size."""
    kept, audio_dir, audio_size, identical = [], {}, {}, {}
    dropped_audio = dropped_same = 0
    for src, dst, data in rows:
        key = (role(src), role(dst))
        if parse_frame(data) is None:
            size_key = key + (len(data),)
            if audio_dir.get(key, 0) >= MAX_AUDIO_PER_DIRECTION or \
                    audio_size.get(size_key, 0) >= MAX_AUDIO_PER_SIZE:
                dropped_audio += 1
                continue
            audio_dir[key] = audio_dir.get(key, 0) + 1
            audio_size[size_key] = audio_size.get(size_key, 0) + 1
        else:
            same_key = key + (data,)
            identical[same_key] = identical.get(same_key, 0) + 1
            if identical[same_key] > MAX_IDENTICAL:
                dropped_same += 1
                continue
        kept.append((key[0], key[1], data))
    return kept, dropped_audio, dropped_same


def jamulus_version(program="Jamulus"):
    out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=20)
    for line in (out.stdout + out.stderr).splitlines():
        if "Version" in line:
            return line.split("Version", 1)[1].strip()
    return "unknown"


def write_vectors(scenario, rows):
    kept, dropped_audio, dropped_same = select(rows)
    roles = sorted({r for row in kept for r in row[:2]})
    path = os.path.join(OUTDIR, scenario.name + ".hex")
    with open(path, "w") as f:
        if scenario.program == JAMULUS_40:
            origin = "upstream Jamulus 4.0.0 beta 2 (tag r4_0_0beta2, %s)" % jamulus_version(
                scenario.program)
        else:
            origin = "real Jamulus 3.9.1 (Debian %s)" % jamulus_version()
        f.write("# provenance: captured with tshark on loopback from %s "
                "by tools/capture-vectors.sh in a private network namespace; "
                "exact command lines follow\n" % origin)
        for command in scenario.commands:
            f.write("# command %s\n" % command)
        f.write("# scenario %s: %s\n" % (scenario.name, scenario.description))
        for number, text in enumerate(scenario.steps, 1):
            f.write("# step %d: %s\n" % (number, text))
        f.write("# roles: %s\n" % " ".join("%s=127.0.0.1:%d" % (r, PORTS[r]) for r in roles))
        f.write("# format: <from> <to> <hex of the UDP payload>, one datagram per line in capture "
                "order; every protocol frame kept (at most %d identical copies, %d more dropped); "
                "audio limited to %d per direction and %d per size (%d dropped)\n" % (
                    MAX_IDENTICAL, dropped_same, MAX_AUDIO_PER_DIRECTION, MAX_AUDIO_PER_SIZE,
                    dropped_audio))
        for src, dst, data in kept:
            f.write("%s %s %s\n" % (src, dst, data.hex()))
    print("wrote %s: %d datagrams (%d captured)" % (path, len(kept), len(rows)))


def run(scenario, body):
    capture = None
    try:
        capture = Capture(scenario)
        body(scenario)
    except Exception:
        if capture:
            capture.p.kill()
        for proc in scenario.procs:
            print("---- %s log (%s)" % (proc.role, proc.log_path), file=sys.stderr)
            sys.stderr.write(open(proc.log_path, errors="replace").read()[-3000:])
        raise
    finally:
        scenario.close()
    write_vectors(scenario, capture.finish())


ALICE = {"name": "Zoë Ångström", "city": "Köln", "country": 82, "instrument": 20, "skill": 2}
BOB = {"name": "Bob 日本", "city": "São Paulo", "country": 30, "instrument": 4, "skill": 3}
LONG_CHAT = "Grüße aus Köln! " * 45  # 810 bytes of UTF-8: split in both directions


def client_session(s):
    s.jack(128)
    s.step("server started with welcome message and licence")
    s.server("server", ["-w", "Hello <b>world</b>", "-L"], 8500)
    s.step("client (alice) starts and connects")
    _, alice = s.client("client", ALICE, 8601)
    wait_list(alice, lambda p: ALICE["name"] in names_in(p))
    s.step("client2 (bob) starts and connects")
    _, bob = s.client("client2", BOB, 8602)
    for rpc in (alice, bob):
        wait_list(rpc, lambda p: len(names_in(p)) == 2)
    s.step('client: sendChatText "hi <there> & \\"you\\""')
    alice.call("jamulusclient/sendChatText", {"chatText": 'hi <there> & "you"'})
    for rpc in (alice, bob):
        rpc.wait_note("jamulusclient/chatTextReceived", lambda p: "hi &lt;there&gt;" in p["chatText"])
    s.step("client2: sendChatText of %d UTF-8 bytes (split messages)" % len(LONG_CHAT.encode()))
    bob.call("jamulusclient/sendChatText", {"chatText": LONG_CHAT})
    for rpc in (alice, bob):
        rpc.wait_note("jamulusclient/chatTextReceived", lambda p: LONG_CHAT.strip() in p["chatText"])
    s.step('client: setName "Zoë renamed"')
    alice.call("jamulusclient/setName", {"name": "Zoë renamed"})
    wait_list(bob, lambda p: "Zoë renamed" in names_in(p))
    s.step('client2: setSkillLevel "beginner"')
    bob.call("jamulusclient/setSkillLevel", {"skillLevel": "beginner"})
    alice.wait_note("jamulusclient/clientListReceived",
                    lambda p: any(c["skillLevel"] == "beginner" for c in p["clients"]))
    s.step("client: setSkillLevel null")
    alice.call("jamulusclient/setSkillLevel", {"skillLevel": None})
    bob.wait_note("jamulusclient/clientListReceived",
                  lambda p: any(c["name"] == "Zoë renamed" and c["skillLevel"] is None
                                for c in p["clients"]))
    time.sleep(0.5)
    s.step("client2 stopped with SIGTERM (CLM_DISCONNECTION)")
    s.procs[-1].stop()
    wait_list(alice, lambda p: names_in(p) == ["Zoë renamed"])
    s.step("client stopped with SIGTERM (CLM_DISCONNECTION)")
    s.procs[-2].stop()
    time.sleep(0.5)


def server_queries(s):
    s.jack(128)
    s.server("server", [], 8500)
    s.step("tool: CLM_PING_MS_WITHNUMCLIENTS t=1000 to an empty server")
    s.tool_send("server", 1002, struct.pack("<IB", 1000, 0))
    s.tool_expect([1002])
    s.step("client (alice) connects")
    _, alice = s.client("client", ALICE, 8601)
    wait_list(alice, lambda p: ALICE["name"] in names_in(p))
    time.sleep(0.3)
    s.step("tool: CLM_PING_MS t=1000")
    s.tool_send("server", 1001, struct.pack("<I", 1000))
    s.tool_expect([1001])
    s.step("tool: CLM_PING_MS_WITHNUMCLIENTS t=123456789")
    s.tool_send("server", 1002, struct.pack("<IB", 123456789, 0))
    s.tool_expect([1002])
    s.step("tool: CLM_REQ_VERSION_AND_OS")
    s.tool_send("server", 1012)
    s.tool_expect([1011])
    s.step("tool: CLM_REQ_CONN_CLIENTS_LIST")
    s.tool_send("server", 1014)
    s.tool_expect([1013])
    s.step("tool: CLM_SEND_EMPTY_MESSAGE target 127.0.0.1:%d (the tool)" % PORTS["tool"])
    s.tool_send("server", 1008, struct.pack("<IH", 0x7F000001, PORTS["tool"]))
    s.tool_expect([1009])
    s.step("tool: CLM_REQ_SERVER_LIST to a non-directory server (no reply)")
    s.tool_send("server", 1007)
    s.tool_expect_nothing(1.0)
    s.step("client stopped with SIGTERM")
    s.procs[-1].stop()
    time.sleep(0.5)


def gain_change(level):
    def body(s):
        s.jack(128)
        s.server("server", [], 8500)
        s.step("client (alice, headless) connects")
        _, alice = s.client("client", ALICE, 8601)
        wait_list(alice, lambda p: ALICE["name"] in names_in(p))
        s.step("client2 (bob, GUI client, offscreen, newclientlevel %d) connects: its mixer "
               "sets new faders to %d %% and sends CHANNEL_GAIN" % (level, level))
        _, bob = s.client("client2", dict(BOB, newclientlevel=level), 8602, gui=True)
        wait_list(bob, lambda p: len(names_in(p)) == 2)
        time.sleep(2.0)
        s.step("client2, then client stopped with SIGTERM")
        s.procs[-1].stop()
        s.procs[-2].stop()
        time.sleep(0.3)
    return body


def server_full(s):
    s.jack(128)
    s.server("server", ["-u", "1"], 8500)
    _, alice = s.client("client", ALICE, 8601)
    s.step("client (alice) connects to a -u 1 server")
    wait_list(alice, lambda p: ALICE["name"] in names_in(p))
    s.step("client2 (bob) starts: every audio datagram gets CLM_SERVER_FULL")
    s.client("client2", BOB, 8602)
    time.sleep(1.0)
    s.step("client2, then client stopped with SIGTERM")
    s.procs[-1].stop()
    s.procs[-2].stop()
    time.sleep(0.3)


def server_shutdown(s):
    s.jack(128)
    server, _ = s.server("server", ["-d"], 8500)
    _, alice = s.client("client", ALICE, 8601)
    s.step("client (alice) connects to a server started with -d")
    wait_list(alice, lambda p: ALICE["name"] in names_in(p))
    time.sleep(0.3)
    s.step("server stopped with SIGTERM: sends CLM_DISCONNECTION")
    server.stop()
    alice.wait_note("jamulusclient/disconnected")
    time.sleep(0.3)


def audio_session(period, server_extra, profile_extra):
    def body(s):
        s.jack(period)
        s.server("server", server_extra, 8500)
        _, alice = s.client("client", dict(ALICE, **profile_extra), 8601)
        s.step("client connects with %s" % profile_extra)
        wait_list(alice, lambda p: ALICE["name"] in names_in(p))
        time.sleep(1.0)
        s.step("client stopped with SIGTERM")
        s.procs[-1].stop()
        time.sleep(0.3)
    return body


def directory(s):
    s.step("directory started")
    s.server("directory", ["-e", "127.0.0.1", "-o", "Jam Directory;Berlin;de"], 8500)
    s.step("tool: CLM_REQ_SERVER_LIST (only the directory's own entry)")
    s.tool_send("directory", 1007)
    s.tool_expect([1018, 1006])
    s.step("regserver registers")
    _, reg = s.server("regserver", ["-e", "127.0.0.1:%d" % PORTS["directory"], "-o",
                                    "Zürich Jam;Zürich;ch"], 8501)
    wait_until(lambda: reg.call("jamulusserver/getServerProfile", {})["registrationStatus"] ==
               "registered", 10, "regserver registered")
    s.step("regserver2 registers with --serverpublicip 10.1.2.3 and -u 5")
    _, reg2 = s.server("regserver2", ["-e", "127.0.0.1:%d" % PORTS["directory"], "-o",
                                      "Plain Server;Paris;fr", "--serverpublicip", "10.1.2.3",
                                      "-u", "5"], 8502)
    wait_until(lambda: reg2.call("jamulusserver/getServerProfile", {})["registrationStatus"] ==
               "registered", 10, "regserver2 registered")
    s.step("tool: CLM_REQ_SERVER_LIST (reduced, then full list)")
    s.tool_send("directory", 1007)
    s.tool_expect([1018, 1006])
    s.step("tool: CLM_PING_MS_WITHNUMCLIENTS t=4242 to the directory")
    s.tool_send("directory", 1002, struct.pack("<IB", 4242, 0))
    s.tool_expect([1002])
    s.step("regserver stopped with SIGTERM (CLM_UNREGISTER_SERVER)")
    s.procs[1].stop()
    time.sleep(0.5)
    s.step("tool: CLM_REQ_SERVER_LIST after the unregistration")
    s.tool_send("directory", 1007)
    s.tool_expect([1018, 1006])
    s.step("regserver2 and directory stopped with SIGTERM")
    s.procs[2].stop()
    time.sleep(0.3)


def v40_raw_and_features(s):
    s.jack(128)
    s.step("4.0 server started with a welcome message (RAWAUDIO_SUPPORTED offered)")
    s.server("server", ["-w", "Hello <b>raw</b>"], 8500)
    s.step("tool: CLM_REQ_SERVER_FEATURES and CLM_REQ_WELCOME_MESSAGE to the empty server")
    s.tool_send("server", 1020)
    s.tool_expect([1019])
    s.tool_send("server", 1022)
    s.tool_expect([1021])
    s.step("4.0 client (audioquality 3 = raw) connects: RAWAUDIO_SUPPORTED after CLIENT_ID, "
           "then raw PCM both ways")
    _, alice = s.client("client", dict(ALICE, audioquality=3), 8601)
    wait_list(alice, lambda p: ALICE["name"] in names_in(p))
    time.sleep(1.0)
    s.step("tool: CLM_REQ_SERVER_FEATURES with one client")
    s.tool_send("server", 1020)
    s.tool_expect([1019])
    s.step("client stopped with SIGTERM")
    s.procs[-1].stop()
    time.sleep(0.5)


def v40_features_ipv6(s):
    s.step("4.0 server with its IPv6 socket on ::1 beside the IPv4 one (no --noipv6)")
    s.server("server", [], 8500, ipv6="::1")
    s.step("tool: CLM_REQ_SERVER_FEATURES over IPv4 (reply: raw audio and IPv6 available)")
    s.tool_send("server", 1020)
    s.tool_expect([1019])
    s.step("server stopped with SIGTERM")
    s.procs[-1].stop()
    time.sleep(0.3)


SCENARIOS = [
    ("client_session", "two clients on a server with welcome message and licence: connect, chat "
     "(HTML escaping, split long chat), rename, skill changes, disconnect", client_session),
    ("server_queries", "connection-less queries from a tool to a server with one client",
     server_queries),
    ("gain_change", "a GUI client's mixer sends CHANNEL_GAIN for new faders (level 50)",
     gain_change(50)),
    ("mute_state", "a GUI client's new faders at level 0: CHANNEL_GAIN 0, MUTE_STATE_CHANGED",
     gain_change(0)),
    ("server_full", "a -u 1 server refuses a second client with CLM_SERVER_FULL", server_full),
    ("server_shutdown", "a -d server sends CLM_DISCONNECTION on SIGTERM", server_shutdown),
    ("audio_stereo_high", "stereo, high quality, 128-sample frames",
     audio_session(128, [], {"audiochannels": 2, "audioquality": 2})),
    ("audio_mono_in_stereo_out_low", "mono-in/stereo-out, low quality, 128-sample frames",
     audio_session(128, [], {"audiochannels": 1, "audioquality": 0})),
    ("audio_opus64", "64-sample frames (OPUS64): -F server, enableopussmall, JACK period 64",
     audio_session(64, ["-F"], {"enableopussmall": 1})),
    ("audio_opus64_stereo", "64-sample frames, stereo normal quality",
     audio_session(64, ["-F"], {"enableopussmall": 1, "audiochannels": 2})),
    ("directory", "two servers register with a directory, list requests, unregistration",
     directory),
    ("v40_raw_and_features", "Jamulus 4.0: server features and welcome message requests, a raw "
     "audio client (RAWAUDIO_SUPPORTED, 257-byte PCM datagrams)", v40_raw_and_features),
    ("v40_features_ipv6", "Jamulus 4.0: the server features answer of a server whose IPv6 "
     "socket is open", v40_features_ipv6),
]


def main():
    for name, description, body in SCENARIOS:
        if ONLY and name not in ONLY:
            continue
        print("capturing " + name, flush=True)
        for role in ("client", "client2"):
            ROLE_OF_PORT.pop(PORTS.pop(role, None), None)
        run(Scenario(name, description), body)


main()
PYTHON
