// jamfleet-load: N simulated Jamulus clients on loopback; prints one JSON report.
#include <cstdio>
#include <iostream>

#include "bench/load_options.h"
#include "bench/load_runner.h"

int main(int argc, char** argv) {
    using namespace jamfleet::bench;
    const auto parsed = parse_load_options(argc, argv);
    if (std::holds_alternative<HelpRequested>(parsed)) {
        std::fputs(load_usage(), stdout);
        return 0;
    }
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        std::fprintf(stderr, "jamfleet-load: %s\n", error->c_str());
        return 2;
    }
    const auto result = run_load(std::get<LoadOptions>(parsed));
    if (const auto* error = std::get_if<std::string>(&result)) {
        std::fprintf(stderr, "jamfleet-load: %s\n", error->c_str());
        return 1;
    }
    std::cout << std::get<nlohmann::json>(result).dump(2) << std::endl;
    return 0;
}
