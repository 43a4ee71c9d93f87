// JsonRpcDispatcher: the error table and authentication rules of Jamulus 3.9.1's
// JSON-RPC server, re-derived from docs/protocol.md §8.1.
#include "control/jsonrpc_dispatcher.h"

#include <exception>

#include "base/log.h"
#include "control/json_nesting.h"

namespace jamfleet::control {
namespace {

using nlohmann::json;

json error_object(int code, std::string_view message) {
    return json{{"code", code}, {"message", message}};
}

// A reply for a line that never became a request (no id member at all).
std::string bare_error(int code, std::string_view message) {
    return to_compact_json(json{{"jsonrpc", "2.0"}, {"error", error_object(code, message)}});
}

// Length-independent comparison: the secret must not leak through timing.
bool same_secret(std::string_view a, std::string_view b) {
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |=
            static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    }
    return diff == 0;
}

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

} // namespace

RpcError rpc_param_not_string(std::string_view name) {
    return RpcError{kRpcInvalidParams, "Invalid params: " + std::string(name) + " is not a string"};
}

std::string to_compact_json(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void JsonRpcDispatcher::add_method(std::string name, RpcHandler handler) {
    methods_[std::move(name)] = std::move(handler);
}

std::string JsonRpcDispatcher::notification(const std::string& method, const json& params) {
    return to_compact_json(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

RpcLineOutcome JsonRpcDispatcher::handle_line(bool& authenticated, std::string_view line) const {
    if (is_blank(line)) {
        return {bare_error(kRpcParseError, "Parse error: Blank line received"), false};
    }
    // Too deep to echo back safely: treated like invalid JSON (reply, then close).
    if (!json_nesting_within(line)) {
        return {bare_error(kRpcParseError, "Parse error: Invalid JSON received"), true};
    }
    json doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
    // Qt 5 refuses top-level scalars as invalid JSON, so they land here too.
    if (doc.is_discarded() || !(doc.is_object() || doc.is_array())) {
        return {bare_error(kRpcParseError, "Parse error: Invalid JSON received"), true};
    }
    if (doc.is_object()) {
        return {to_compact_json(process(authenticated, doc)), false};
    }
    if (doc.empty()) {
        return {bare_error(kRpcInvalidRequest, "Invalid request: Empty batch request encountered"),
                true};
    }
    json out = json::array();
    for (const auto& item : doc) {
        if (!item.is_object()) {
            // Jamulus 3.9.1 prepares an error but returns before sending it; earlier
            // items have already taken effect.
            return {std::nullopt, true};
        }
        out.push_back(process(authenticated, item));
    }
    return {to_compact_json(out), false};
}

json JsonRpcDispatcher::process(bool& authenticated, const json& request) const {
    json response{{"jsonrpc", "2.0"}};
    const auto id = request.find("id");
    response["id"] = id == request.end() ? json(nullptr) : *id;

    const auto method = request.find("method");
    if (method == request.end() || !method->is_string()) {
        response["error"] = error_object(kRpcInvalidRequest,
                                         "Invalid request: The `method` member is not a string");
        return response;
    }
    const auto params = request.find("params");
    if (params == request.end() || !params->is_object()) {
        response["error"] =
            error_object(kRpcInvalidParams, "Invalid params: The `params` member is not an object");
        return response;
    }
    const auto& name = method->get_ref<const std::string&>();
    if (name == "jamulus/apiAuth") {
        const auto secret = params->find("secret");
        if (secret == params->end() || !secret->is_string()) {
            const auto e = rpc_param_not_string("secret");
            response["error"] = error_object(e.code, e.message);
        } else if (same_secret(secret->get_ref<const std::string&>(), secret_)) {
            authenticated = true;
            response["result"] = "ok";
        } else {
            base::Logger("jsonrpc").warn("rejected invalid authentication secret");
            response["error"] = error_object(kRpcAuthenticationFailed, "Authentication failed.");
        }
        return response;
    }
    if (!authenticated) {
        response["error"] =
            error_object(kRpcUnauthenticated,
                         "Unauthenticated: Please authenticate using jamulus/apiAuth first");
        return response;
    }
    const auto handler = methods_.find(name);
    if (handler == methods_.end()) {
        response["error"] = error_object(kRpcMethodNotFound, "Method not found");
        return response;
    }
    try {
        auto result = handler->second(*params);
        if (result.ok()) {
            response["result"] = std::move(result.value());
        } else {
            response["error"] = error_object(result.error().code, result.error().message);
        }
    } catch (const std::exception& e) {
        // A handler bug must not take the process down or leave the caller hanging.
        base::Logger("jsonrpc").error("method threw", {{"method", name}, {"error", e.what()}});
        response["error"] = error_object(kRpcInternalError, "Internal error");
    }
    return response;
}

} // namespace jamfleet::control
