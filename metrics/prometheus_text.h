// The fleet's metrics in the Prometheus text exposition format 0.0.4, made from the
// supervisor's status document (`jamfleet status --json`, each child's own status under
// children[].child). Used by `jamfleet metrics` and the web child's /metrics. docs/metrics.md
// lists every family.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::metrics {

// Fields missing from the document (a child that has not answered yet, an older child)
// leave their samples out; nothing is invented.
std::string render_prometheus(const nlohmann::json& supervisor_status);

} // namespace jamfleet::metrics
