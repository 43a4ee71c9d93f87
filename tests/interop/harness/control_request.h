// One request on a child's control socket (RUN_DIR/server-PORT.sock, RUN_DIR/directory.sock:
// the supervisor's channel, control/control_messages.h), for tests that drive it directly.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::interop {

// Connects, skips the hello line, sends {"id","op","args"} and returns the reply line as
// JSON; throws std::runtime_error when the socket does not answer within 5 s.
nlohmann::json control_request(const std::string& path, const std::string& op,
                               const nlohmann::json& args);

} // namespace jamfleet::interop
