// Key tables of the fleet file (see docs/config.md for what each key means).
#include "config/schema.h"

#include <array>

namespace jamfleet::config {
namespace {

constexpr std::array<std::string_view, 6> kTop = {"fleet",   "defaults", "directory",
                                                  "servers", "web",      "hosts"};
constexpr std::array<std::string_view, 3> kWeb = {"bind", "port", "token_file"};
constexpr std::array<std::string_view, 12> kFleet = {
    "name",          "bind",         "bind6",   "public_host",       "public_ip",
    "base_port",     "run_dir",      "dns_ttl", "directory_address", "uplink_mbps",
    "downlink_mbps", "planned_audio"};
constexpr std::array<std::string_view, 12> kDefaults = {
    "max_clients",   "welcome",  "fast_update",      "delay_pan", "licence", "qos",
    "recording_dir", "norecord", "max_seats_per_ip", "bans",      "allow",   "noraw"};
constexpr std::array<std::string_view, 18> kDirectory = {"host",
                                                         "enabled",
                                                         "port",
                                                         "name",
                                                         "city",
                                                         "country",
                                                         "whitelist",
                                                         "min_version",
                                                         "database",
                                                         "max_servers",
                                                         "jsonrpc_port",
                                                         "jsonrpc_secret_file",
                                                         "max_servers_per_ip",
                                                         "ping_rate",
                                                         "list_rate",
                                                         "register_rate",
                                                         "punch_budget",
                                                         "dns_name"};
constexpr std::array<std::string_view, 12> kServer = {
    "name",     "city",         "country",
    "dns_name", "port",         "count",
    "first",    "jsonrpc_port", "jsonrpc_secret_file",
    "log_file", "host",         "spread"};
constexpr std::array<std::string_view, 4> kHost = {"name", "ssh", "public_address", "public_host"};

} // namespace

std::span<const std::string_view> top_level_keys() {
    return kTop;
}
std::span<const std::string_view> fleet_keys() {
    return kFleet;
}
std::span<const std::string_view> defaults_keys() {
    return kDefaults;
}
std::span<const std::string_view> directory_keys() {
    return kDirectory;
}
std::span<const std::string_view> server_keys() {
    return kServer;
}
std::span<const std::string_view> host_keys() {
    return kHost;
}

std::span<const std::string_view> web_keys() {
    return kWeb;
}

std::vector<std::string> documented_key_names() {
    std::vector<std::string> names;
    for (auto key : kTop) {
        names.emplace_back(key);
    }
    for (auto key : kFleet) {
        names.push_back("fleet." + std::string(key));
    }
    for (auto key : kDefaults) {
        names.push_back("defaults." + std::string(key));
    }
    for (auto key : kDirectory) {
        names.push_back("directory." + std::string(key));
    }
    for (auto key : kServer) {
        names.push_back("servers[]." + std::string(key));
    }
    for (auto key : kWeb) {
        names.push_back("web." + std::string(key));
    }
    for (auto key : kHost) {
        names.push_back("hosts[]." + std::string(key));
    }
    return names;
}

} // namespace jamfleet::config
