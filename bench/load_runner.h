// Runs N simulated Jamulus clients against one server on a single thread and
// returns what they measured as a JSON object.
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "bench/load_options.h"

namespace jamfleet::bench {

// Error text on set-up failure (sockets, encoder); otherwise the report.
std::variant<nlohmann::json, std::string> run_load(const LoadOptions& options);

} // namespace jamfleet::bench
