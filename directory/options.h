// Command line of jamfleet-directory (Jamulus spellings where one exists) parsed
// into validated settings; errors are start-up errors (exit 2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "directory/directory_service.h"
#include "directory/list_filter.h"

namespace jamfleet::directory {

struct Options {
    std::uint16_t port = 22124;
    std::uint32_t bind_ip = 0;
    ListFilter list_filter;
    std::uint32_t public_ip = 0; // --serverpublicip; 0 = auto-detect
    SelfInfo self;
    std::size_t max_servers = kJamulusMaxServers;
    std::size_t max_servers_per_ip = 16;
    std::vector<Cidr> trusted; // --trusted: exempt from --max-servers-per-ip
    AbuseLimits limits;
    std::string db_path = "var/directory.sqlite";
    std::optional<std::string> import_directory_file;
    std::optional<std::uint16_t> jsonrpc_port;
    std::optional<std::string> jsonrpc_secret_file;
    std::optional<std::string> control_socket; // supervisor channel (unix socket path)
    // Unix datagram socket on which a room hands on directory requests it received
    // (see proto/directory_relay.h); answered from the UDP socket.
    std::optional<std::string> relay_socket;
    bool help = false;
    std::vector<std::string> warnings;
};

// The largest --maxservers for which the full list can fit a Jamulus client's
// 20000-byte datagram at all (entries with empty names and cities); above it the
// option is refused.
std::size_t max_servers_limit(const SelfInfo& self);
// The largest --maxservers for which even entries with maximal names and cities
// always fit; above it the runtime byte budget may refuse a registration first.
std::size_t max_servers_worst_case(const SelfInfo& self);

// Parses argv (without argv[0]). Error text names the option and the cause.
base::Result<Options, std::string> parse_options(std::span<const std::string> args);

std::string usage_text();

} // namespace jamfleet::directory
