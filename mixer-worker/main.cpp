// jamfleet-mixer: a Jamulus-compatible server. Exit codes: 0 after SIGTERM/SIGINT,
// 1 when it cannot start (busy port, bad secret file), 2 for a bad command line.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/log_style.h"
#include "base/version.h"
#include "io/loop.h"
#include "io/process_signals.h"
#include "mixer-worker/mixer_server.h"
#include "mixer-worker/options.h"
#include "mixer-worker/session.h"

int main(int argc, char** argv) {
    using namespace jamfleet;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto options = mixer::parse_options(args);
    if (!options.ok()) {
        std::cerr << "jamfleet-mixer: " << options.error() << "\n"
                  << "Try 'jamfleet-mixer --help' for the list of options.\n";
        return 2;
    }
    if (options->help) {
        std::cout << mixer::usage_text();
        return 0;
    }
    if (options->version) {
        std::cout << "jamfleet-mixer " << base::kJamfleetVersion << " (Jamulus server protocol, "
                  << "reports version " << mixer::kServerVersion << ")\n";
        return 0;
    }
    if (!options->log_level.empty()) {
        ::setenv(base::kLogLevelVariable, options->log_level.c_str(), 1);
    }
    // A JSON-RPC or control peer that disconnects mid-write must not kill the server.
    io::ignore_sigpipe();
    base::Logger log("mixer");
    for (const auto& w : options->warnings) {
        log.warn(w);
    }
    io::Loop loop;
    auto server = mixer::MixerServer::create(loop, std::move(options).value(), log);
    if (!server.ok()) {
        std::cerr << "jamfleet-mixer: " << server.error() << "\n";
        return 1;
    }
    loop.run();
    return 0;
}
