// Help texts of jamfleet's sub-commands; see command_help.h.
#include "orchestrator/command_help.h"

namespace jamfleet::orchestrator {
namespace {

struct CommandHelp {
    std::string_view name;
    std::string_view text;
};

constexpr std::string_view kRunDirNote = R"(
The running supervisor is found through its control socket in the run directory:
--run-dir DIR, else the run_dir of FILE, else /run/jamfleet when a supervisor
listens there (the packaged service), else ./var/run.
)";

constexpr CommandHelp kHelp[] = {
    {"check", R"(usage: jamfleet check FILE
Validates the fleet file and what a start would trip on (welcome and secret files,
writable recording and log directories, the database's directory, free JSON-RPC
ports, ranges the children accept), prints warnings (an open directory anyone may
fill, ...), then the normalized fleet. Exit 0 when it would start, 2 on errors.
)"},
    {"srv", R"(usage: jamfleet srv FILE
Prints the DNS SRV records (_jamulus._udp) of every room with a dns_name.
)"},
    {"run", R"(usage: jamfleet [--log-level LEVEL] run FILE [--bin-dir DIR]
Runs the fleet in the foreground: the directory and one jamfleet-mixer per room.
SIGHUP reloads FILE (as `jamfleet reload`), SIGTERM and SIGINT stop everything in
order. Under systemd (Type=notify) it reports READY=1 once every room listens and
has its directory's answer (or failed), and feeds WatchdogSec from its loop.
  --bin-dir DIR   where jamfleet-mixer and jamfleet-directory are (default: next to
                  this program, or $JAMFLEET_BIN_DIR)
  --host NAME     a fleet file with hosts: runs only host NAME's rooms, the directory
                  if it is there, rooms registering with the directory's host
Exit 0 after a stop, 1 when it cannot start, 2 for a bad FILE.
)"},
    {"export", R"(usage: jamfleet export ansible FILE DIR
For a fleet file with hosts: writes DIR/inventory.ini, DIR/site.yml (install the
package, the fleet file and placement, a unit drop-in running `jamfleet run --host
NAME`; start) and DIR/upgrade.yml (rolling upgrade that never restarts an occupied
room), and records the placement next to FILE. See docs/many-hosts.md.
usage: jamfleet export kubernetes FILE DIR [--image IMAGE]
Writes Kubernetes manifests for a fleet with hosts: (host names = node names):
DIR/configmap.yaml (fleet file and placement), DIR/directory.yaml (one pod pinned
to its node, SQLite on the node's disk) and DIR/room-HOST-PORT.yaml (one pod per
room, host network, pinned, OnDelete updates, `jamfleet probe` liveness and
readiness). IMAGE (default jamfleet:VERSION) has our programs in /usr/bin.
See docs/kubernetes.md.
)"},
    {"probe", R"(usage: jamfleet probe ADDRESS:PORT [--timeout S] [--registered DIRECTORY:PORT
                      [--listed-as ADDRESS:PORT]]
Sends Jamulus connection-less pings (CLM_PING_MS, CLM_PING_MS_WITHNUMCLIENTS) to a
room or directory and prints the round trip (and a room's client count). With
--registered it also asks that directory for its server list and succeeds only
when the room is in it, at --listed-as (the room's public address and port;
default ADDRESS:PORT). Resends every 500 ms until answered or --timeout (default
2 s). ADDRESS may be [IPV6] for a room's IPv6 socket (a dual-stack room answers
on both); --registered needs an IPv4 one, as directories and their lists are
IPv4. Exit 0 when answered (and listed), 1 when not, 2 for bad arguments. Used as
a room pod's liveness and readiness probe (docs/kubernetes.md).
)"},
    {"rollout", R"(usage: jamfleet rollout --kubernetes [--namespace NS] [--deadline S] [--poll S]
After `kubectl apply` of a new `jamfleet export kubernetes` (new image or settings),
replaces the pods of room StatefulSets (OnDelete) whose revision is outdated, one
room at a time as each is empty: every --poll seconds (default 5) it lists the rooms
with kubectl, pings each outdated room at its address for its client count
(`jamfleet probe`) and deletes the pod of an empty one; occupied rooms are reported
and kept. Exit 0 once every room runs its new revision and is ready, 1 at the
--deadline (default 600 s) with the rooms still occupied (run it again later).
)"},
    {"status", R"(usage: jamfleet status [--json] [--run-dir DIR | FILE]
Shows every child of the running supervisor: state, pid, restarts, clients,
registration. --json prints the supervisor's status document.
)"},
    {"metrics", R"(usage: jamfleet metrics [--run-dir DIR | FILE]
Prints the running fleet's metrics in the Prometheus text exposition format 0.0.4
(the same text as the web endpoint's /metrics; docs/metrics.md lists every family),
e.g. for node_exporter's textfile collector:
  jamfleet metrics > /var/lib/node_exporter/fleet.prom.tmp &&
    mv /var/lib/node_exporter/fleet.prom.tmp /var/lib/node_exporter/fleet.prom
)"},
    {"ban", R"(usage: jamfleet ban ADDRESS [--for DURATION] [--reason TEXT] [--run-dir DIR | FILE]
Bans ADDRESS (a.b.c.d, a.b.c.d/n, an IPv6 address or v6/n) in every room of the running
fleet: connected clients it covers are disconnected and new ones refused. The ban is kept
in the run directory (fleet-bans.json) and given to rooms that start or restart later.
  --for DURATION  90s, 15m, 2h or 7d (at most a year); without it, until lifted
  --reason TEXT   shown with the ban
)"},
    {"unban", R"(usage: jamfleet unban ADDRESS [--run-dir DIR | FILE]
Lifts the fleet-wide ban on exactly ADDRESS (as `jamfleet bans` shows it) in every room.
)"},
    {"bans", R"(usage: jamfleet bans [--json] [--run-dir DIR | FILE]
Lists the fleet-wide bans with the time they have left and their reason.
)"},
    {"reload", R"(usage: jamfleet reload [--run-dir DIR | FILE]
Makes the running supervisor re-read its fleet file and restart exactly the
children whose settings changed. A file with errors is rejected (exit 2) and the
running fleet stays as it is.
)"},
    {"restart", R"(usage: jamfleet restart NAME [--run-dir DIR | FILE]
Restarts one room (by name) or "directory", also one marked failed.
)"},
    {"stop", R"(usage: jamfleet stop [--run-dir DIR | FILE]
Stops the running supervisor: rooms first (they unregister), then the directory.
)"},
};

} // namespace

std::optional<std::string> command_help(std::string_view command) {
    for (const auto& help : kHelp) {
        if (help.name == command) {
            std::string text(help.text);
            if (command != "check" && command != "srv" && command != "run" && command != "export" &&
                command != "probe" && command != "rollout") {
                text += kRunDirNote;
            }
            return text;
        }
    }
    return std::nullopt;
}

} // namespace jamfleet::orchestrator
