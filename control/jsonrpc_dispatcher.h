// Sans-I/O core of the Jamulus-compatible JSON-RPC 2.0 interface (protocol doc
// §8.1): one request line in, the reply line (if any) and whether to close out.
// The per-connection state is only "authenticated", owned by the caller.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace jamfleet::control {

// Error codes used by Jamulus 3.9.1 (src/rpcserver.h).
inline constexpr int kRpcParseError = -32700;
inline constexpr int kRpcInvalidRequest = -32600;
inline constexpr int kRpcMethodNotFound = -32601;
inline constexpr int kRpcInvalidParams = -32602;
inline constexpr int kRpcInternalError = -32603;
inline constexpr int kRpcAuthenticationFailed = 400;
inline constexpr int kRpcUnauthenticated = 401;

struct RpcError {
    int code;
    std::string message;
};

// Builds the "Invalid params: <name> is not a string" error Jamulus uses.
RpcError rpc_param_not_string(std::string_view name);

// A method receives the `params` object and returns the `result` value or an error.
using RpcHandler = std::function<base::Result<nlohmann::json, RpcError>(const nlohmann::json&)>;

struct RpcLineOutcome {
    std::optional<std::string> reply; // compact JSON, without the trailing newline
    bool close = false;
};

class JsonRpcDispatcher {
public:
    explicit JsonRpcDispatcher(std::string secret) : secret_(std::move(secret)) {}

    // Replaces any method of the same name. `jamulus/apiAuth` is built in.
    void add_method(std::string name, RpcHandler handler);
    bool has_method(const std::string& name) const { return methods_.contains(name); }

    RpcLineOutcome handle_line(bool& authenticated, std::string_view line) const;

    // `{"jsonrpc":"2.0","method":…,"params":…}` as one compact line.
    static std::string notification(const std::string& method, const nlohmann::json& params);

private:
    nlohmann::json process(bool& authenticated, const nlohmann::json& request) const;

    std::string secret_;
    std::map<std::string, RpcHandler, std::less<>> methods_;
};

// Compact JSON with sorted keys (as Qt writes it); invalid UTF-8 is replaced
// rather than thrown about.
std::string to_compact_json(const nlohmann::json& value);

} // namespace jamfleet::control
