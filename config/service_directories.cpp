// Service directory defaults; see service_directories.h.
#include "config/service_directories.h"

#include <cstdlib>

namespace jamfleet::config {
namespace {

std::string first_directory(const char* variable) {
    const char* value = std::getenv(variable);
    if (value == nullptr) {
        return {};
    }
    std::string text(value);
    text = text.substr(0, text.find(':'));
    // Only an absolute path is systemd's; anything else is left alone.
    return text.starts_with('/') ? text : std::string();
}

} // namespace

ServiceDirectories service_directories_from_environment() {
    return {first_directory("RUNTIME_DIRECTORY"), first_directory("STATE_DIRECTORY")};
}

void apply_service_directories(FleetConfig& fleet, const ServiceDirectories& dirs) {
    if (!dirs.runtime.empty()) {
        fleet.fleet.run_dir = dirs.runtime;
    }
    if (!dirs.state.empty()) {
        fleet.directory.database = dirs.state + "/directory.db";
    }
}

} // namespace jamfleet::config
