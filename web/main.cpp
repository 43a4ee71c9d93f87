// jamfleet-web: the fleet's dashboard and JSON API over HTTP (docs/web.md), a
// child of the supervisor. Exit codes: 0 after SIGTERM/SIGINT, 1 when it cannot
// start (port in use, unreadable token file), 2 for a bad command line.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/version.h"
#include "io/loop.h"
#include "io/process_signals.h"
#include "web/web_app.h"

int main(int argc, char** argv) {
    using namespace jamfleet;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto options = web::parse_web_options(args);
    if (!options.ok()) {
        std::cerr << "jamfleet-web: " << options.error() << "\n" << web::web_usage_text();
        return 2;
    }
    if (options->help) {
        std::cout << web::web_usage_text();
        return 0;
    }
    if (options->version) {
        std::cout << "jamfleet-web " << base::kJamfleetVersion << "\n";
        return 0;
    }
    io::ignore_sigpipe(); // a browser that goes away mid-write must not kill us
    base::Logger log("web");
    io::Loop loop;
    int exit_code = 0;
    {
        auto app = web::WebApp::start(loop, std::move(options).value(), log);
        if (!app.ok()) {
            log.error("cannot start", {{"error", app.error()}});
            exit_code = 1;
        } else {
            loop.run();
            log.info("stopped");
        }
    }
    return exit_code;
}
