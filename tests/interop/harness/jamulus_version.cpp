// Where each real Jamulus release lives and which options it needs on the test network.
#include "tests/interop/harness/jamulus_version.h"

#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

#include "tests/interop/harness/process.h"

#ifndef JAMFLEET_SOURCE_ROOT
#error "meson defines JAMFLEET_SOURCE_ROOT (the source tree) for the harness"
#endif

namespace jamfleet::interop {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

} // namespace

std::vector<JamulusVersion> all_jamulus_versions() {
    return {JamulusVersion::v3_9_1, JamulusVersion::v3_12_4, JamulusVersion::v4_0_0beta2};
}

std::string version_tag(JamulusVersion version) {
    switch (version) {
    case JamulusVersion::v3_9_1:
        return "3_9_1";
    case JamulusVersion::v3_12_4:
        return "3_12_4";
    case JamulusVersion::v4_0_0beta2:
        return "4_0_0beta2";
    }
    throw std::logic_error("unknown Jamulus version");
}

std::string version_text(JamulusVersion version) {
    switch (version) {
    case JamulusVersion::v3_9_1:
        return "3.9.1";
    case JamulusVersion::v3_12_4:
        return "3.12.4";
    case JamulusVersion::v4_0_0beta2:
        return "4.0.0beta2";
    }
    throw std::logic_error("unknown Jamulus version");
}

void PrintTo(JamulusVersion version, std::ostream* out) {
    *out << version_text(version);
}

std::filesystem::path peers_dir() {
    return env_or("JAMFLEET_PEERS_DIR",
                  (std::filesystem::path(JAMFLEET_SOURCE_ROOT) / ".." / "shared" / "peers")
                      .lexically_normal()
                      .string());
}

std::filesystem::path jamulus_program_path(JamulusVersion version) {
    return version == JamulusVersion::v3_9_1
               ? std::filesystem::path(env_or("JAMFLEET_JAMULUS_3_9_1", "/usr/bin/Jamulus"))
               : peers_dir() / ("jamulus-" + version_text(version)) / "jamulus";
}

std::filesystem::path jamulus_program(JamulusVersion version) {
    const auto path = jamulus_program_path(version);
    if (!std::filesystem::is_regular_file(path) || ::access(path.c_str(), X_OK) != 0) {
        throw std::runtime_error("real Jamulus " + version_text(version) +
                                 " is missing: " + path.string() +
                                 " is not an executable file (set JAMFLEET_PEERS_DIR to the "
                                 "folder holding jamulus-3.12.4/ and jamulus-4.0.0beta2/)");
    }
    return path;
}

std::vector<std::string> server_bind_args(JamulusVersion version, const std::string& ipv4,
                                          const std::string& ipv6) {
    if (version == JamulusVersion::v4_0_0beta2) {
        if (!ipv6.empty()) {
            return {"--serverbindip4", ipv4, "--serverbindip6", ipv6};
        }
        return {"--serverbindip4", ipv4, "--noipv6"};
    }
    if (!ipv6.empty()) {
        throw std::logic_error("real Jamulus " + version_text(version) +
                               " cannot bind IPv6 to one address (only -6, every address)");
    }
    return {"--serverbindip", ipv4};
}

std::vector<std::string> client_version_args(JamulusVersion version) {
    if (version == JamulusVersion::v4_0_0beta2) {
        return {"--noipv6"};
    }
    return {};
}

void require_all_peers(const std::filesystem::path& work_dir) {
    for (const auto version : all_jamulus_versions()) {
        const auto program = jamulus_program(version);
        const auto result = run_command({.name = "version",
                                         .program = program.string(),
                                         .args = {"--version"},
                                         .env = {},
                                         .work_dir = work_dir});
        if (result.output.find(version_text(version)) == std::string::npos) {
            throw std::runtime_error(program.string() + " --version does not say " +
                                     version_text(version) + ": " + result.output);
        }
    }
}

} // namespace jamfleet::interop
