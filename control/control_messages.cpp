// Control message encoding and strict decoding (the supervisor trusts its own
// children, but a malformed line must still be an error value, never a throw).
#include "control/control_messages.h"

#include <limits>

#include "control/jsonrpc_dispatcher.h"

namespace jamfleet::control {
namespace {

using nlohmann::json;

base::Result<json, std::string> parse_object(std::string_view line, std::string_view what) {
    json doc = json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return base::Err{std::string(what) + ": not a JSON object"};
    }
    return doc;
}

bool get_string(const json& obj, const char* key, std::string& out) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
        return false;
    }
    out = it->get<std::string>();
    return true;
}

bool get_u64(const json& obj, const char* key, std::uint64_t& out) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_unsigned()) {
        return false;
    }
    out = it->get<std::uint64_t>();
    return true;
}

std::string missing(std::string_view what, const char* type, const char* key) {
    return std::string(what) + ": missing " + type + " member " + key;
}

} // namespace

std::string encode(const Hello& h) {
    return to_compact_json(json{{"type", "hello"},
                                {"kind", h.kind},
                                {"name", h.name},
                                {"pid", h.pid},
                                {"port", h.port},
                                {"version", h.version},
                                {"fleet", h.fleet},
                                {"settings", h.settings}});
}

std::string encode(const ControlRequest& r) {
    return to_compact_json(json{{"id", r.id}, {"op", r.op}, {"args", r.args}});
}

std::string encode(const ControlResponse& r) {
    json out{{"type", "response"}, {"id", r.id}, {"ok", r.ok}};
    if (r.ok) {
        out["result"] = r.result;
    } else {
        out["error"] = r.error;
    }
    return to_compact_json(out);
}

std::string encode(const ControlEvent& e) {
    return to_compact_json(json{{"type", "event"}, {"event", e.event}, {"data", e.data}});
}

base::Result<ControlRequest, std::string> decode_request(std::string_view line) {
    constexpr std::string_view what = "control request";
    auto doc = parse_object(line, what);
    if (!doc.ok()) {
        return base::Err{doc.error()};
    }
    ControlRequest r;
    if (!get_u64(*doc, "id", r.id)) {
        return base::Err{missing(what, "unsigned", "id")};
    }
    if (!get_string(*doc, "op", r.op)) {
        return base::Err{missing(what, "string", "op")};
    }
    if (const auto args = doc->find("args"); args != doc->end()) {
        if (!args->is_object()) {
            return base::Err{std::string(what) + ": args is not an object"};
        }
        r.args = *args;
    }
    return r;
}

base::Result<ChildMessage, std::string> decode_child_message(std::string_view line) {
    constexpr std::string_view what = "control message";
    auto doc = parse_object(line, what);
    if (!doc.ok()) {
        return base::Err{doc.error()};
    }
    const json& obj = *doc;
    std::string type;
    if (!get_string(obj, "type", type)) {
        return base::Err{missing(what, "string", "type")};
    }
    if (type == "hello") {
        Hello h;
        std::uint64_t pid = 0;
        std::uint64_t port = 0;
        if (!get_string(obj, "kind", h.kind) || !get_string(obj, "name", h.name) ||
            !get_u64(obj, "pid", pid) || !get_u64(obj, "port", port) || port > 65535 ||
            pid > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return base::Err{std::string(what) + ": malformed hello"};
        }
        get_string(obj, "version", h.version); // optional
        get_string(obj, "fleet", h.fleet);     // optional: absent outside a fleet
        get_string(obj, "settings", h.settings);
        h.pid = static_cast<std::int64_t>(pid);
        h.port = static_cast<std::uint16_t>(port);
        return ChildMessage{h};
    }
    if (type == "response") {
        ControlResponse r;
        const auto ok = obj.find("ok");
        if (!get_u64(obj, "id", r.id) || ok == obj.end() || !ok->is_boolean()) {
            return base::Err{std::string(what) + ": malformed response"};
        }
        r.ok = ok->get<bool>();
        if (r.ok) {
            const auto result = obj.find("result");
            r.result = result == obj.end() ? json(nullptr) : *result;
        } else if (!get_string(obj, "error", r.error)) {
            return base::Err{std::string(what) + ": error response without error text"};
        }
        return ChildMessage{std::move(r)};
    }
    if (type == "event") {
        ControlEvent e;
        if (!get_string(obj, "event", e.event)) {
            return base::Err{missing(what, "string", "event")};
        }
        if (const auto data = obj.find("data"); data != obj.end()) {
            e.data = *data;
        }
        return ChildMessage{std::move(e)};
    }
    return base::Err{std::string(what) + ": unknown type " + type};
}

} // namespace jamfleet::control
