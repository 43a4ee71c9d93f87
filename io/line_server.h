// Newline-delimited text server on TCP (e.g. 127.0.0.1:port for JSON-RPC) or a
// unix socket path (supervisor control). Lines are delivered without '\n' (and
// without a trailing '\r'); a line above max_line_bytes closes its connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "io/loop.h"
#include "io/socket_address.h"

namespace jamfleet::io {

namespace detail {
class LineStream;
}

using ConnectionId = std::uint64_t;

struct LineServerOptions {
    std::size_t max_line_bytes = 1u << 20;
};

class LineServer {
public:
    // Errors read "listen tcp 127.0.0.1:8765: address already in use".
    static base::Result<std::unique_ptr<LineServer>, std::string>
    listen_tcp(Loop& loop, SocketAddress address, LineServerOptions options = {});
    // A stale socket file (nobody accepting) is replaced; a live one is an error.
    // The file is removed again when the server is destroyed.
    static base::Result<std::unique_ptr<LineServer>, std::string>
    listen_unix(Loop& loop, const std::string& path, LineServerOptions options = {});

    ~LineServer();
    LineServer(const LineServer&) = delete;
    LineServer& operator=(const LineServer&) = delete;

    // Handlers may destroy the server (e.g. a "stop" request); they are kept alive
    // for the duration of their own call.
    void set_on_connected(std::function<void(ConnectionId)> fn) {
        on_connected_ = std::make_shared<std::function<void(ConnectionId)>>(std::move(fn));
    }
    void set_on_line(std::function<void(ConnectionId, std::string_view)> fn) {
        on_line_ =
            std::make_shared<std::function<void(ConnectionId, std::string_view)>>(std::move(fn));
    }
    // Fires once per connection, after it closed for any reason (peer, error,
    // close()), except for connections still open when the server is destroyed.
    void set_on_closed(std::function<void(ConnectionId)> fn) {
        on_closed_ = std::make_shared<std::function<void(ConnectionId)>>(std::move(fn));
    }

    // Queues `line` + '\n'; false when the connection is unknown or closing.
    bool send(ConnectionId id, std::string line);
    // Sends what is queued, then closes.
    void close(ConnectionId id);
    std::vector<ConnectionId> connections() const;
    // "ip:port" of the peer for TCP, "unix" for unix sockets, "" when unknown.
    std::string peer(ConnectionId id) const;

    // TCP: the bound address (port resolved when 0 was asked). Unix: {0, 0}.
    SocketAddress local_address() const { return local_; }
    const std::string& path() const { return path_; }

private:
    struct Listener;
    struct Connection {
        detail::LineStream* stream;
        std::string peer;
    };

    LineServer(Loop& loop, LineServerOptions options);
    void on_connection();

    Loop& loop_;
    LineServerOptions options_;
    Listener* listener_ = nullptr;
    SocketAddress local_;
    std::string path_;
    ConnectionId next_id_ = 1;
    std::unordered_map<ConnectionId, Connection> connections_;
    std::shared_ptr<bool> alive_;
    std::shared_ptr<std::function<void(ConnectionId)>> on_connected_;
    std::shared_ptr<std::function<void(ConnectionId, std::string_view)>> on_line_;
    std::shared_ptr<std::function<void(ConnectionId)>> on_closed_;
};

} // namespace jamfleet::io
