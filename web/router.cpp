#include "web/router.h"

#include "control/json_nesting.h"
#include "web/token.h"

namespace jamfleet::web {

using nlohmann::json;

io::HttpResponse json_response(const json& body, int status) {
    return io::HttpResponse{status, "application/json",
                            body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

io::HttpResponse error_response(int status, std::string_view text) {
    return json_response(json{{"error", std::string(text)}}, status);
}

namespace {

constexpr std::string_view kRoomsPrefix = "/api/rooms/";

struct BadRequest {
    std::string text;
};

using Args = std::variant<json, BadRequest>;

bool has_type(const json& body, const char* key, json::value_t type, bool required) {
    const auto it = body.find(key);
    if (it == body.end()) {
        return !required;
    }
    if (type == json::value_t::number_integer) {
        return it->is_number_integer();
    }
    return it->type() == type;
}

// Copies the listed members of `body` after checking their types.
Args take(const json& body, std::initializer_list<std::pair<const char*, json::value_t>> required,
          std::initializer_list<std::pair<const char*, json::value_t>> optional = {}) {
    json out = json::object();
    for (const auto& [key, type] : required) {
        if (!has_type(body, key, type, true)) {
            return BadRequest{std::string(key) + " is missing or of the wrong type"};
        }
        out[key] = body[key];
    }
    for (const auto& [key, type] : optional) {
        if (!has_type(body, key, type, false)) {
            return BadRequest{std::string(key) + " is of the wrong type"};
        }
        if (body.contains(key)) {
            out[key] = body[key];
        }
    }
    return out;
}

constexpr auto kString = json::value_t::string;
constexpr auto kInt = json::value_t::number_integer;
constexpr auto kArray = json::value_t::array;

Args ban_args(const json& body) {
    return take(body, {{"address", kString}}, {{"seconds", kInt}, {"reason", kString}});
}

Route call(Target target, std::string room, std::string op, Args args, bool ok_only = false) {
    if (auto* bad = std::get_if<BadRequest>(&args)) {
        return error_response(400, bad->text);
    }
    return ControlCall{target, std::move(room), std::move(op), std::get<json>(std::move(args)),
                       ok_only};
}

Route room_action(const std::string& room, std::string_view action, const json& body) {
    if (action == "restart") {
        return call(Target::Supervisor, {}, "restart", json{{"name", room}}, true);
    }
    if (action == "recording") {
        auto args = take(body, {{"action", kString}});
        if (auto* a = std::get_if<json>(&args)) {
            const auto verb = (*a)["action"].get<std::string>();
            if (verb != "start" && verb != "stop" && verb != "new") {
                return error_response(400, "action is not start, stop or new");
            }
        }
        return call(Target::Room, room, "recording", std::move(args));
    }
    if (action == "chat") {
        return call(Target::Room, room, "chat", take(body, {{"text", kString}}));
    }
    if (action == "kick") {
        return call(Target::Room, room, "kick", take(body, {{"id", kInt}}, {{"banSeconds", kInt}}));
    }
    if (action == "ban") {
        return call(Target::Room, room, "ban", ban_args(body));
    }
    if (action == "unban") {
        return call(Target::Room, room, "unban", take(body, {{"address", kString}}));
    }
    if (action == "allow") {
        return call(Target::Room, room, "setAllowList", take(body, {{"addresses", kArray}}));
    }
    return error_response(404, "no such action");
}

Route post(const io::HttpRequest& request, const RouterContext& context) {
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || !bearer_matches(auth->second, context.token)) {
        return error_response(401, "missing or wrong token (Authorization: Bearer ...)");
    }
    if (request.body.size() > kMaxBodyBytes) {
        return error_response(413, "request body over 64 KiB");
    }
    json body = json::object();
    // Arguments go on to a child as JSON: no deep nesting (control/json_nesting.h).
    if (!control::json_nesting_within(request.body)) {
        return error_response(400, "the body nests too deep");
    }
    if (!request.body.empty()) {
        body = json::parse(request.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
            return error_response(400, "the body is not a JSON object");
        }
    }
    const std::string& path = request.path;
    if (path.starts_with(kRoomsPrefix)) {
        const std::string rest = path.substr(kRoomsPrefix.size());
        const auto slash = rest.rfind('/');
        if (slash == std::string::npos || slash == 0) {
            return error_response(404, "no such route");
        }
        const std::string room = rest.substr(0, slash);
        if (context.rooms == nullptr || context.rooms->count(room) == 0) {
            return error_response(404, "no room named " + room);
        }
        return room_action(room, std::string_view(rest).substr(slash + 1), body);
    }
    if (path == "/api/chat") {
        return call(Target::EveryRoom, {}, "chat", take(body, {{"text", kString}}));
    }
    if (path == "/api/bans") {
        return call(Target::Supervisor, {}, "ban", ban_args(body));
    }
    if (path == "/api/unban") {
        return call(Target::Supervisor, {}, "unban", take(body, {{"address", kString}}));
    }
    if (path.starts_with("/api/directory/")) {
        if (!context.directory) {
            return error_response(404, "the fleet has no directory");
        }
        const std::string_view action = std::string_view(path).substr(15);
        if (action == "evict") {
            return call(Target::Directory, {}, "evict", take(body, {{"address", kString}}));
        }
        if (action == "ban") {
            return call(Target::Directory, {}, "ban", ban_args(body));
        }
        if (action == "unban") {
            return call(Target::Directory, {}, "unban", take(body, {{"address", kString}}));
        }
    }
    return error_response(404, "no such route");
}

} // namespace

Route route(const io::HttpRequest& request, const RouterContext& context) {
    const std::string& path = request.path;
    if (request.method == "POST") {
        return post(request, context);
    }
    if (request.method != "GET" && request.method != "HEAD") {
        return error_response(405, "method not allowed");
    }
    if (path == "/") {
        return io::HttpResponse{200, "text/html; charset=utf-8", std::string(context.page_html)};
    }
    if (path == "/api/fleet") {
        return context.fleet != nullptr ? json_response(*context.fleet)
                                        : error_response(503, "no fleet status yet");
    }
    if (path == "/api/events") {
        return OpenEvents{};
    }
    if (path == "/healthz") {
        return json_response(json{{"ok", true}});
    }
    if (path == "/metrics" && context.metrics) {
        return ServeMetrics{};
    }
    return error_response(404, "no such route");
}

} // namespace jamfleet::web
