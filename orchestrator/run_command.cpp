// The foreground supervisor process: load, start, wait for signals and control
// requests, stop in order, exit 0.
#include "orchestrator/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "base/log.h"
#include "config/placement_file.h"
#include "io/host_address.h"
#include "io/loop.h"
#include "io/signal_watcher.h"
#include "io/timer.h"
#include "orchestrator/bandwidth_plan.h"
#include "orchestrator/control_socket.h"
#include "orchestrator/network_report.h"
#include "orchestrator/offline_commands.h"
#include "orchestrator/service_notifier.h"
#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

bool executable(const fs::path& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

// Finds `name` in one directory, in either layout.
std::optional<std::string> find_in(const fs::path& dir, const std::string& name,
                                   const std::string& build_folder) {
    for (const fs::path& candidate :
         {dir / name, dir / build_folder / name, dir.parent_path() / build_folder / name}) {
        if (executable(candidate)) {
            return fs::absolute(candidate).lexically_normal().string();
        }
    }
    return std::nullopt;
}

// The program's --help text (empty when it cannot be run).
std::string help_text(const std::string& program) {
    const std::string command = "timeout 5 '" + program + "' --help 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return {};
    }
    std::string output;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        output.append(buffer, n);
    }
    ::pclose(pipe);
    return output;
}

// JAMFLEET_FAILED_RETRY_MS=FIRST[,MAX]: a hidden knob so tests need not wait
// minutes for a failed child's retry.
void apply_retry_override(RestartPolicyOptions& restart) {
    const char* env = std::getenv("JAMFLEET_FAILED_RETRY_MS");
    if (env == nullptr || *env == '\0') {
        return;
    }
    char* end = nullptr;
    const long first = std::strtol(env, &end, 10);
    if (first > 0) {
        restart.failed_retry_first = std::chrono::milliseconds(first);
        restart.failed_retry_max = std::max(restart.failed_retry_max, restart.failed_retry_first);
    }
    if (end != nullptr && *end == ',') {
        const long max = std::strtol(end + 1, nullptr, 10);
        if (max >= first && max > 0) {
            restart.failed_retry_max = std::chrono::milliseconds(max);
        }
    }
}

} // namespace

std::string supervisor_version() {
    if (const char* env = std::getenv("JAMFLEET_VERSION_OVERRIDE"); env != nullptr && *env) {
        return env;
    }
    return JAMFLEET_VERSION;
}

std::optional<BinPaths> find_binaries(const std::string& bin_dir, std::string& error) {
    std::vector<fs::path> dirs;
    if (!bin_dir.empty()) {
        dirs.emplace_back(bin_dir);
    } else if (const char* env = std::getenv("JAMFLEET_BIN_DIR"); env != nullptr && *env) {
        dirs.emplace_back(env);
    } else {
        std::error_code ec;
        const fs::path self = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) {
            dirs.push_back(self.parent_path());
        }
    }
    for (const auto& dir : dirs) {
        auto mixer = find_in(dir, "jamfleet-mixer", "mixer-worker");
        auto directory = find_in(dir, "jamfleet-directory", "directory");
        if (mixer && directory) {
            BinPaths bins{*mixer, *directory};
            const std::string mixer_help = help_text(*mixer);
            bins.mixer_control = mixer_help.find("--control-socket") != std::string::npos;
            bins.mixer_recording = mixer_help.find("--recording") != std::string::npos;
            bins.directory_control =
                help_text(*directory).find("--control-socket") != std::string::npos;
            bins.web = find_in(dir, "jamfleet-web", "web").value_or("");
            return bins;
        }
        error = "cannot find " + std::string(!mixer ? "jamfleet-mixer" : "jamfleet-directory") +
                " in " + dir.string() + " (use --bin-dir DIR or JAMFLEET_BIN_DIR)";
    }
    if (dirs.empty()) {
        error = "cannot locate the jamfleet binary's directory (use --bin-dir DIR)";
    }
    return std::nullopt;
}

int command_run(const std::string& file, const std::string& bin_dir, const std::string& host) {
    auto loaded = config::load_fleet_for_run(file, host);
    if (!loaded.ok()) {
        for (const auto& error : loaded.error()) {
            std::cerr << error.to_string() << "\n";
        }
        std::cerr << loaded.error().size() << " error(s); nothing started\n";
        return kExitUsage;
    }
    std::string error;
    auto bins = find_binaries(bin_dir, error);
    if (!bins) {
        std::cerr << "jamfleet: " << error << "\n";
        return kExitFailure;
    }
    const std::string run_dir = loaded->fleet.run_dir;
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec) {
        std::cerr << "jamfleet: create run directory " << run_dir << ": " << ec.message() << "\n";
        return kExitFailure;
    }

    base::Logger log("jamfleet");
    base::SteadyClock clock;
    io::Loop loop;
    SupervisorOptions options;
    options.fleet_file = file;
    options.host = host;
    options.bins = *bins;
    options.version = supervisor_version();
    // Set by the supervisor this one replaced (`jamfleet upgrade --now`).
    if (const char* now = std::getenv("JAMFLEET_UPGRADE_NOW"); now != nullptr) {
        options.restart_outdated_now = std::string(now) == "1";
        ::unsetenv("JAMFLEET_UPGRADE_NOW");
    }
    apply_retry_override(options.restart);
    Supervisor supervisor(loop, options, std::move(loaded).value(), clock, log);
    ServiceNotifier notifier(loop, supervisor,
                             {!registration_target(supervisor.fleet()).empty(),
                              bins->mixer_control && bins->directory_control},
                             SystemdNotify::from_environment(), log);
    auto shutdown = [&] {
        notifier.stopping();
        supervisor.stop([&loop] { loop.stop(); });
    };
    // Upgrade: re-execute this program's path (which may hold a new binary by
    // now) in place, so the pid stays (systemd is content) and the children stay
    // ours; the new image adopts them. The short delay lets the reply go out.
    std::error_code exe_error;
    const std::string self = fs::read_symlink("/proc/self/exe", exe_error).string();
    io::Timer upgrade_timer(loop);
    auto upgrade = [&](bool now) {
        upgrade_timer.start(std::chrono::milliseconds(200), base::Duration::zero(), [&, now] {
            std::vector<std::string> argv_strings{self, "run", file};
            if (!bin_dir.empty()) {
                argv_strings.insert(argv_strings.end(), {"--bin-dir", bin_dir});
            }
            if (!host.empty()) {
                argv_strings.insert(argv_strings.end(), {"--host", host});
            }
            std::vector<char*> argv;
            for (auto& arg : argv_strings) {
                argv.push_back(arg.data());
            }
            argv.push_back(nullptr);
            log.info("upgrade: re-executing", {{"program", self}, {"version", options.version}});
            std::fflush(stderr);
            ::setenv("JAMFLEET_UPGRADE_NOW", now ? "1" : "0", 1);
            ::execv(self.c_str(), argv.data());
            ::unsetenv("JAMFLEET_UPGRADE_NOW");
            log.error("upgrade failed; this supervisor keeps running",
                      {{"program", self}, {"error", std::strerror(errno)}});
        });
    };
    auto control =
        ControlSocket::listen(loop, supervisor_socket_path(run_dir), supervisor, shutdown, upgrade);
    if (!control.ok()) {
        std::cerr << "jamfleet: " << control.error() << " (is another jamfleet running?)\n";
        return kExitFailure;
    }
    io::SignalWatcher on_term(loop, SIGTERM, shutdown);
    io::SignalWatcher on_int(loop, SIGINT, shutdown);
    io::SignalWatcher on_hup(loop, SIGHUP, [&] {
        notifier.reloading();
        (void)supervisor.reload();
    });
    log.info("fleet starting", {{"file", file},
                                {"host", host.empty() ? "-" : host},
                                {"version", options.version},
                                {"servers", supervisor.fleet().servers.size()},
                                {"mixer", bins->mixer},
                                {"directory", bins->directory}});
    // Once, on stdout (logs go to stderr): what the network must provide.
    std::cout << network_report(supervisor.fleet(), HostNetwork{io::routed_ipv4_address()})
              << describe_bandwidth(plan_bandwidth(supervisor.fleet())) << std::flush;
    if (!bins->mixer_control || !bins->directory_control) {
        log.warn("a child program has no --control-socket; its status details are unavailable");
    }
    const auto& servers = supervisor.fleet().servers;
    const bool records = std::any_of(servers.begin(), servers.end(), [](const auto& server) {
        return !server.options.recording_dir.empty();
    });
    if (records && !bins->mixer_recording) {
        log.warn("jamfleet-mixer has no jam recorder (-R); recording_dir and norecord are ignored");
    }
    supervisor.start();
    notifier.started();
    loop.run();
    log.info("exiting");
    return kExitOk;
}

} // namespace jamfleet::orchestrator
