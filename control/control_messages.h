// Supervisor <-> child control protocol: one JSON object per line over a unix
// socket in the run directory. The child greets with "hello", answers requests
// by id, and may push events:
//   child -> {"type":"hello","kind":"mixer","name":"main","pid":42,"port":22124,"version":"0.1.0",
//             "fleet":"My fleet","settings":"9f86d081884c7d65"}
//   sup.  -> {"id":7,"op":"status","args":{}}
//   child -> {"type":"response","id":7,"ok":true,"result":{...}}
//   child -> {"type":"response","id":8,"ok":false,"error":"unknown op: frobnicate"}
//   child -> {"type":"event","event":"registration","data":{...}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace jamfleet::control {

// Well-known ops. "status" returns a child-defined JSON object; "stop" replies
// "stopping" and then starts the child's graceful shutdown.
inline constexpr std::string_view kOpStatus = "status";
inline constexpr std::string_view kOpStop = "stop";

struct Hello {
    std::string kind; // "mixer", "directory"
    std::string name; // the fleet file's name for this child
    std::int64_t pid = 0;
    std::uint16_t port = 0; // main UDP port, 0 when none
    std::string version;
    // The supervisor's identity for this child, handed down in the environment
    // (kFleetEnv, kSettingsEnv) and echoed back, so a restarted supervisor can
    // prove a process it finds is the child it started ("" outside a fleet).
    std::string fleet;
    std::string settings; // digest of the child's launch settings
};

inline constexpr const char* kFleetEnv = "JAMFLEET_FLEET";
inline constexpr const char* kSettingsEnv = "JAMFLEET_SETTINGS";

struct ControlRequest {
    std::uint64_t id = 0;
    std::string op;
    nlohmann::json args = nlohmann::json::object();
};

struct ControlResponse {
    std::uint64_t id = 0;
    bool ok = false;
    nlohmann::json result; // when ok
    std::string error;     // when !ok
};

struct ControlEvent {
    std::string event;
    nlohmann::json data = nlohmann::json::object();
};

using ChildMessage = std::variant<Hello, ControlResponse, ControlEvent>;

std::string encode(const Hello& hello);
std::string encode(const ControlRequest& request);
std::string encode(const ControlResponse& response);
std::string encode(const ControlEvent& event);

// Errors describe what is wrong ("control request: missing string member op").
base::Result<ControlRequest, std::string> decode_request(std::string_view line);
base::Result<ChildMessage, std::string> decode_child_message(std::string_view line);

} // namespace jamfleet::control
