// Interop fixture for `jamfleet run`: starts the supervisor on a fleet file in a
// scratch directory, asks it for status, and asks its directory for the list.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "proto/clm_messages.h"
#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

std::string orchestrator_program(); // JAMFLEET_ORCHESTRATOR
std::string directory_program();    // JAMFLEET_DIRECTORY
std::string mixer_program();        // JAMFLEET_MIXER
std::filesystem::path source_dir(); // JAMFLEET_SOURCE_DIR

struct FleetRunOptions {
    std::string program; // "" for orchestrator_program()
    Env env;             // added to the supervisor's environment
};

class FleetRun {
public:
    // `jamfleet run FILE` with cwd `dir` (so ./var/ lands there).
    FleetRun(const std::filesystem::path& dir, const std::filesystem::path& fleet_file,
             FleetRunOptions options = {});
    ~FleetRun();

    Process& process() { return *process_; }
    // `jamfleet ARGS...` in the same directory, bounded.
    CommandResult command(std::vector<std::string> args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
    nlohmann::json status(); // `jamfleet status --json`
    // The status entry of child `name` (null when absent).
    nlohmann::json child(const std::string& name);
    std::int64_t pid_of(const std::string& name);
    bool all_running(std::size_t expected_children);

private:
    std::filesystem::path dir_;
    std::unique_ptr<Process> process_;
};

// The full list (CLM_SERVER_LIST) of the directory on `port`; nullopt when none came.
std::optional<proto::ServerList> request_server_list(std::uint16_t port);
bool lists(const proto::ServerList& list, const std::string& name, std::uint16_t port);
// Whether a server answers CLM_PING_MS on `port`.
bool answers_ping(std::uint16_t port);
// The CLM_SERVER_FEATURES bits (Jamulus 4.0) the server on `port` answers; nullopt when none came.
std::optional<std::uint32_t> server_features(std::uint16_t port);

bool process_exists(std::int64_t pid);

} // namespace jamfleet::interop
