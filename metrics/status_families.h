// Metric families made from parts of the supervisor's status document (internal to metrics/).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/exposition.h"

namespace jamfleet::metrics {

// The number at doc[key] (integer or floating point); nullopt when absent or not a number.
std::optional<double> number_at(const nlohmann::json& doc, const char* key);
// The string at doc[key], an integer as its digits, else "" (for label values).
std::string text_at(const nlohmann::json& doc, const char* key);

// Fleet info and, per child, its state, restarts and CPU time.
void add_supervisor_families(const nlohmann::json& status, std::vector<Family>& out);
// Per room (children of kind "mixer"): clients, traffic, audio, ticks, drops.
void add_room_families(const nlohmann::json& status, std::vector<Family>& out);
// The directory child: entries, requests, registrations, drops, punches, bans.
void add_directory_families(const nlohmann::json& status, std::vector<Family>& out);

} // namespace jamfleet::metrics
