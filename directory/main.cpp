// jamfleet-directory: a Jamulus custom directory with a durable list.
// Exit codes: 0 clean stop, 1 start-up failure (database, socket, secret), 2 bad options.
#include <iostream>
#include <string>
#include <vector>

#include "base/log.h"
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
