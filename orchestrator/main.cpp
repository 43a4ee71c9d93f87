// `jamfleet`: runs and controls a fleet of jamfleet-mixer servers and a directory
// described by one YAML file. This file only dispatches the sub-commands.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "base/log_style.h"
#include "base/version.h"
#include "io/process_signals.h"
#include "orchestrator/ansible_export.h"
#include "orchestrator/ban_commands.h"
#include "orchestrator/client_commands.h"
#include "orchestrator/command_help.h"
#include "orchestrator/fleet_bans.h"
#include "orchestrator/kube_rollout.h"
#include "orchestrator/kubernetes_export.h"
#include "orchestrator/offline_commands.h"
#include "orchestrator/run_command.h"
#include "orchestrator/udp_probe.h"

namespace {

constexpr const char* kUsage =
    R"(usage: jamfleet [--log-level LEVEL] COMMAND [ARGS]   (jamfleet COMMAND --help)
  check FILE             validate FILE and print the normalized fleet (exit 0, or 2 on errors)
  srv FILE               print DNS SRV records, one per dns_name
  run FILE [--bin-dir DIR] [--host NAME]
                         run the fleet in the foreground (SIGHUP reloads, SIGTERM/SIGINT stop);
                         --host: only that host's part of a fleet file with hosts:
  export ansible FILE DIR
                         write an Ansible inventory and playbooks for a fleet with hosts:
  export kubernetes FILE DIR [--image IMAGE]
                         write Kubernetes manifests (rooms pinned to the nodes named in hosts:)
  probe ADDRESS:PORT [--timeout S] [--registered DIRECTORY:PORT [--listed-as ADDRESS:PORT]]
                         ask a room or directory over UDP whether it answers (and is listed)
  rollout --kubernetes [--namespace NS] [--deadline S] [--poll S]
                         replace outdated room pods (OnDelete) only when empty (kubectl)
  status [--json] [--run-dir DIR | FILE]
                         show every child of the running supervisor
  metrics [--run-dir DIR | FILE]
                         print the fleet's metrics in the Prometheus text format
  ban ADDRESS [--for DURATION] [--reason TEXT] [--run-dir DIR | FILE]
                         ban an address or CIDR range in every room (DURATION: 90s, 15m, 2h, 7d)
  unban ADDRESS [--run-dir DIR | FILE]
                         lift a fleet-wide ban
  bans [--json] [--run-dir DIR | FILE]
                         list the fleet-wide bans
  reload [--run-dir DIR | FILE]
                         re-read the fleet file of the running supervisor
  restart NAME [--run-dir DIR | FILE]
                         restart one server (or "directory"), also one marked failed
  stop [--run-dir DIR | FILE]
                         stop the running supervisor and all its children
  upgrade [--now] [--run-dir DIR | FILE]
                         re-execute the supervisor's (possibly replaced) binary in place;
                         the children keep running and are adopted; rooms whose binary was
                         replaced restart when empty (--now: at once)
  --version              print the version
  --log-level LEVEL      debug, info, warn or error (default info; children inherit it)
)";

struct Arguments {
    std::vector<std::string> positional;
    std::string run_dir;
    std::string bin_dir;
    std::string ban_for;
    std::string reason;
    std::string host;
    std::string image = std::string("jamfleet:") + jamfleet::base::kJamfleetVersion;
    bool json = false;
    bool now = false;
    bool help = false;
    std::string error;
};

Arguments parse(const std::vector<std::string>& args) {
    Arguments parsed;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") {
            parsed.json = true;
        } else if (arg == "--now") {
            parsed.now = true;
        } else if (arg == "-h" || arg == "--help") {
            parsed.help = true;
        } else if (arg == "--image" && i + 1 < args.size()) {
            parsed.image = args[++i];
        } else if (arg == "--run-dir" || arg == "--bin-dir" || arg == "--for" ||
                   arg == "--reason" || arg == "--host") {
            if (i + 1 >= args.size()) {
                parsed.error = arg + " needs a value";
                return parsed;
            }
            (arg == "--run-dir"   ? parsed.run_dir
             : arg == "--bin-dir" ? parsed.bin_dir
             : arg == "--for"     ? parsed.ban_for
             : arg == "--reason"  ? parsed.reason
                                  : parsed.host) = args[++i];
        } else if (arg.starts_with("--")) {
            parsed.error = "unknown option " + arg;
            return parsed;
        } else {
            parsed.positional.push_back(arg);
        }
    }
    return parsed;
}

// Removes `--log-level LEVEL` (or --log-level=LEVEL) wherever it is; returns LEVEL
// ("?" when the value is missing).
std::string take_log_level(std::vector<std::string>& args) {
    std::string level;
    for (std::size_t i = 0; i < args.size();) {
        if (args[i] == "--log-level") {
            level = i + 1 < args.size() ? args[i + 1] : "?";
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                       args.begin() + static_cast<std::ptrdiff_t>(std::min(i + 2, args.size())));
        } else if (args[i].starts_with("--log-level=")) {
            level = args[i].substr(12);
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            ++i;
        }
    }
    return level;
}

} // namespace

int main(int argc, char** argv) {
    using namespace jamfleet::orchestrator;
    jamfleet::io::ignore_sigpipe(); // a control client that hangs up must not stop the fleet
    std::vector<std::string> args(argv + 1, argv + argc);
    if (auto level = take_log_level(args); !level.empty()) {
        if (!jamfleet::base::parse_log_level(level)) {
            std::cerr << "jamfleet: --log-level expects debug, info, warn or error\n";
            return kExitUsage;
        }
        // Read by every logger of this process and of the children it starts.
        ::setenv(jamfleet::base::kLogLevelVariable, level.c_str(), 1);
    }
    if (!args.empty() && (args[0] == "--version" || args[0] == "-v")) {
        std::cout << "jamfleet " << jamfleet::base::kJamfleetVersion << "\n";
        return kExitOk;
    }
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? std::cerr : std::cout) << kUsage;
        return args.empty() ? kExitUsage : kExitOk;
    }
    const std::string& command = args[0];
    if (command == "probe" || command == "rollout") { // their own options
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
            std::cout << command_help(command).value_or("");
            return kExitOk;
        }
        return command == "probe" ? command_probe(rest, std::cout, std::cerr)
                                  : command_rollout(rest, std::cout, std::cerr);
    }
    const Arguments a = parse(args);
    const auto usage_error = [&](const std::string& why) {
        std::cerr << "jamfleet " << command << ": " << why << "\n" << kUsage;
        return kExitUsage;
    };
    if (a.help) {
        if (auto help = command_help(command)) {
            std::cout << *help;
            return kExitOk;
        }
        return usage_error("unknown command");
    }
    if (!a.error.empty()) {
        return usage_error(a.error);
    }
    const std::size_t n = a.positional.size();
    if (command == "check" || command == "srv") {
        if (n != 1) {
            return usage_error("expects exactly one FILE");
        }
        return command == "check" ? command_check(a.positional[0], std::cout, std::cerr)
                                  : command_srv(a.positional[0], std::cout, std::cerr);
    }
    if (command == "run") {
        if (n != 1) {
            return usage_error("expects exactly one FILE");
        }
        return command_run(a.positional[0], a.bin_dir, a.host);
    }
    if (command == "export") {
        if (n != 3 || (a.positional[0] != "ansible" && a.positional[0] != "kubernetes")) {
            return usage_error("expects ansible|kubernetes FILE DIR");
        }
        if (a.positional[0] == "kubernetes") {
            return command_export_kubernetes(a.positional[1], a.positional[2], a.image, std::cout,
                                             std::cerr);
        }
        return command_export_ansible(a.positional[1], a.positional[2], std::cout, std::cerr);
    }
    const std::size_t names =
        command == "restart" || command == "ban" || command == "unban" ? 1 : 0;
    if (command != "status" && command != "metrics" && command != "reload" &&
        command != "restart" && command != "stop" && command != "upgrade" && command != "ban" &&
        command != "unban" && command != "bans") {
        return usage_error("unknown command");
    }
    if (n < names || n > names + 1) {
        return usage_error(names ? (command == "restart" ? "expects NAME and optionally FILE"
                                                         : "expects ADDRESS and optionally FILE")
                                 : "expects at most one FILE");
    }
    std::string error;
    const std::string run_dir =
        resolve_run_dir(a.run_dir, n > names ? a.positional[names] : "", error);
    if (run_dir.empty()) {
        std::cerr << error;
        return kExitUsage;
    }
    if (command == "status") {
        return command_status(run_dir, a.json, std::cout, std::cerr);
    }
    if (command == "metrics") {
        return command_metrics(run_dir, std::cout, std::cerr);
    }
    if (command == "ban") {
        std::int64_t seconds = 0;
        if (!a.ban_for.empty()) {
            const auto parsed = parse_ban_duration(a.ban_for);
            if (!parsed) {
                return usage_error("--for wants a duration up to a year: 90s, 15m, 2h or 7d");
            }
            seconds = *parsed;
        }
        return command_ban(run_dir, a.positional[0], seconds, a.reason, std::cout, std::cerr);
    }
    if (command == "unban") {
        return command_unban(run_dir, a.positional[0], std::cout, std::cerr);
    }
    if (command == "bans") {
        return command_bans(run_dir, a.json, std::cout, std::cerr);
    }
    if (command == "reload") {
        return command_reload(run_dir, std::cout, std::cerr);
    }
    if (command == "restart") {
        return command_restart(run_dir, a.positional[0], std::cout, std::cerr);
    }
    if (command == "upgrade") {
        return command_upgrade(run_dir, a.now, std::cout, std::cerr);
    }
    return command_stop(run_dir, std::cout, std::cerr);
}
