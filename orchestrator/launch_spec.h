// How each child of a fleet is started: program, command line, the UDP port it
// binds and its control socket. Pure functions of the normalized fleet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::orchestrator {

enum class ChildKind { Directory, Mixer, Web };

// The executables the supervisor starts.
struct BinPaths {
    std::string mixer;
    std::string directory;
    std::string web; // "" when jamfleet-web was not found (a fleet with web: then fails to start)
    // Whether each accepts --control-socket (probed from its --help at start-up,
    // so a child built without the control channel still runs).
    bool mixer_control = true;
    bool directory_control = true;
    // Whether the mixer has the jam recorder (-R); without it recording_dir is ignored.
    bool mixer_recording = true;
};

// The label of the directory child in logs, status and `jamfleet restart`.
inline constexpr const char* kDirectoryChildName = "directory";
// The label of the web child (jamfleet-web).
inline constexpr const char* kWebChildName = "web";

struct LaunchSpec {
    std::string name; // server name, or kDirectoryChildName
    ChildKind kind = ChildKind::Mixer;
    std::string program;
    std::vector<std::string> args; // argv[1..]
    std::string bind;              // the IPv4 address and UDP port it binds
    std::uint16_t port = 0;
    std::string control_socket; // path in the run directory

    bool operator==(const LaunchSpec&) const = default;
};

// `-f` for the directory: "[min_version];entry;...;member-ip", or "" when every
// server may register (no whitelist and no minimum version).
std::string directory_list_filter(const config::FleetConfig& fleet);

// The address a room registers with (`-e`), or "" when it registers nowhere.
std::string registration_target(const config::FleetConfig& fleet);

// `-o name;city;country` (country lower-case as Jamulus 3.9.1 requires; 0 when unset).
std::string server_info(const std::string& name, const std::string& city,
                        const std::string& country);

std::optional<LaunchSpec> directory_launch(const config::FleetConfig& fleet, const BinPaths& bins);
LaunchSpec server_launch(const config::FleetConfig& fleet, const config::ServerConfig& server,
                         const BinPaths& bins);

// jamfleet-web when the fleet has `web:` (docs/web.md).
std::optional<LaunchSpec> web_launch(const config::FleetConfig& fleet, const BinPaths& bins);

// The supervisor's own control socket.
std::string supervisor_socket_path(const std::string& run_dir);

} // namespace jamfleet::orchestrator
