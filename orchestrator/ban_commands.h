// `jamfleet ban|unban|bans`: fleet-wide bans through the running supervisor
// (docs/moderation.md, "Fleet-wide bans").
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {

// One line per ban: "192.0.2.7/32  for 3600 s  spam" (or "until lifted").
std::string format_bans(const nlohmann::json& bans);

// seconds 0 = until lifted.
int command_ban(const std::string& run_dir, const std::string& address, std::int64_t seconds,
                const std::string& reason, std::ostream& out, std::ostream& err);
int command_unban(const std::string& run_dir, const std::string& address, std::ostream& out,
                  std::ostream& err);
int command_bans(const std::string& run_dir, bool json, std::ostream& out, std::ostream& err);

} // namespace jamfleet::orchestrator
