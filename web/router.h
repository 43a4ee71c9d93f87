// Request routing for jamfleet-web, sans I/O: a request and what the web child
// knows now go in; out comes either the response itself or what the I/O shell
// must do to produce it (open an event stream, fetch metrics, send a control
// op). The fuzz target and the unit tests drive this directly. docs/web.md lists
// the routes.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "io/http_server.h"

namespace jamfleet::web {

// Where a control call goes.
enum class Target {
    Supervisor, // RUN_DIR/jamfleet.sock: {"command": op, ...args}
    Room,       // the room's control socket
    EveryRoom,  // every room's control socket (the result is per room)
    Directory,  // RUN_DIR/directory.sock
};

struct ControlCall {
    Target target = Target::Room;
    std::string room; // for Target::Room
    std::string op;
    nlohmann::json args = nlohmann::json::object();
    // The successful HTTP answer is {"ok": true} rather than the op's result.
    bool reply_ok_only = false;
};

struct OpenEvents {};   // GET /api/events
struct ServeMetrics {}; // GET /metrics

using Route = std::variant<io::HttpResponse, OpenEvents, ServeMetrics, ControlCall>;

struct RouterContext {
    std::string_view token;             // the action token ("" refuses every action)
    const nlohmann::json* fleet;        // the current /api/fleet document
    std::string_view page_html;         // GET /
    const std::set<std::string>* rooms; // rooms the fleet has now
    bool directory = false;             // the fleet has a directory
    bool metrics = false;               // /metrics is served
};

inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;

Route route(const io::HttpRequest& request, const RouterContext& context);

// {"error": text} with `status`.
io::HttpResponse error_response(int status, std::string_view text);
io::HttpResponse json_response(const nlohmann::json& body, int status = 200);

} // namespace jamfleet::web
