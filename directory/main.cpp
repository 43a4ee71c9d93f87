// jamfleet-directory: a Jamulus custom directory with a durable list.
// Exit codes: 0 clean stop, 1 start-up failure (database, socket, secret), 2 bad options.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/log_style.h"
#include "base/version.h"
#include "directory/directory_app.h"
#include "directory/options.h"
#include "io/loop.h"
#include "io/process_signals.h"

int main(int argc, char** argv) {
    using namespace jamfleet;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto options = directory::parse_options(args);
    if (!options) {
        std::cerr << "jamfleet-directory: " << options.error() << "\n"
                  << "Try 'jamfleet-directory --help'.\n";
        return 2;
    }
    if (options->help) {
        std::cout << directory::usage_text();
        return 0;
    }
    if (options->version) {
        std::cout << "jamfleet-directory " << base::kJamfleetVersion << "\n";
        return 0;
    }
    if (!options->log_level.empty()) {
        ::setenv(base::kLogLevelVariable, options->log_level.c_str(), 1);
    }
    // A Jamulus --directoryfile is read at start when it exists, as Jamulus does.
    if (options->directory_file && !options->import_directory_file) {
        std::error_code ec;
        if (std::filesystem::exists(*options->directory_file, ec)) {
            options->import_directory_file = options->directory_file;
        }
    }
    io::ignore_sigpipe(); // a vanished JSON-RPC or control peer must not kill us
    base::Logger log("directory");
    for (const auto& w : options->warnings) {
        log.warn(w);
    }
    io::Loop loop;
    int exit_code = 0;
    {
        auto app = directory::DirectoryApp::start(loop, std::move(options.value()), log);
        if (!app) {
            log.error(app.error().message);
            exit_code = app.error().exit_code;
        } else {
            loop.run();
            log.info("stopped");
        }
    }
    return exit_code;
}
