// Jamulus-compatible JSON-RPC server on TCP (127.0.0.1:port by default):
// newline-delimited requests, per-connection authentication with the secret
// from --jsonrpcsecretfile, notifications to authenticated connections.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "control/jsonrpc_dispatcher.h"
#include "io/line_server.h"
#include "io/loop.h"
#include "io/socket_address.h"

namespace jamfleet::control {

// Reads the secret: the first line of the file, line terminator stripped. Errors
// (start-up errors) name the file and the cause, e.g. "jsonrpc secret file
// /etc/x: the secret (first line) must be at least 16 characters, got 5".
base::Result<std::string, std::string> load_jsonrpc_secret(const std::string& path);

inline constexpr std::size_t kMinSecretChars = 16;

class JsonRpcServer {
public:
    // Error text: "jsonrpc: listen tcp 127.0.0.1:8765: address already in use".
    static base::Result<std::unique_ptr<JsonRpcServer>, std::string>
    start(io::Loop& loop, io::SocketAddress address, std::string secret);

    void add_method(std::string name, RpcHandler handler) {
        dispatcher_.add_method(std::move(name), std::move(handler));
    }
    // Sends a notification line to every authenticated connection.
    void broadcast_notification(const std::string& method, const nlohmann::json& params);

    io::SocketAddress local_address() const { return server_->local_address(); }
    std::size_t connection_count() const { return authenticated_.size(); }

private:
    explicit JsonRpcServer(std::string secret) : dispatcher_(std::move(secret)) {}
    void on_line(io::ConnectionId id, std::string_view line);

    JsonRpcDispatcher dispatcher_;
    std::unique_ptr<io::LineServer> server_;
    std::unordered_map<io::ConnectionId, bool> authenticated_;
};

} // namespace jamfleet::control
