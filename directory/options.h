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
    // --directoryfile (a Jamulus directory's own list file): imported at start when
    // it exists; SQLite stays the list of record.
    std::optional<std::string> directory_file;
    std::optional<std::uint16_t> jsonrpc_port;
    std::uint32_t jsonrpc_bind_ip = 0x7f000001; // --jsonrpcbindip; host order
    std::optional<std::string> jsonrpc_secret_file;
    std::optional<std::string> control_socket; // supervisor channel (unix socket path)
    // Unix datagram socket on which a room hands on directory requests it received
    // (see proto/directory_relay.h); answered from the UDP socket.
    std::optional<std::string> relay_socket;
    bool help = false;
    bool version = false;  // -v, --version
    std::string log_level; // --log-level; "" = $JAMFLEET_LOG_LEVEL or info
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
// A Jamulus directory's command line (`Jamulus -s -n -e localhost -p … -o … -f …
// --directoryfile F --serverpublicip …`) is accepted as it is: server-only
// options are ignored with a warning (docs/jamulus-unit-migration.md).
base::Result<Options, std::string> parse_options(std::span<const std::string> args);

std::string usage_text();

} // namespace jamfleet::directory
