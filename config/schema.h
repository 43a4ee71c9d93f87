// The fleet file's key names per section: one table used both to reject unknown
// keys and (through a test) to prove docs/config.md documents every key.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jamfleet::config {

std::span<const std::string_view> top_level_keys();
std::span<const std::string_view> fleet_keys();
std::span<const std::string_view> defaults_keys(); // also valid in every server entry
std::span<const std::string_view> directory_keys();
std::span<const std::string_view> server_keys(); // server-only keys (besides defaults_keys)
std::span<const std::string_view> host_keys();   // each entry of `hosts:`
std::span<const std::string_view> web_keys();    // `web:`

// Every key as documented: "fleet.name", "defaults.qos", "directory.port", "servers[].port"...
std::vector<std::string> documented_key_names();

} // namespace jamfleet::config
