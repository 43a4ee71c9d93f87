// Newline-delimited text server on TCP (e.g. 127.0.0.1:port for JSON-RPC) or a
// unix socket path (supervisor control). Lines are delivered without '\n' (and
// without a trailing '\r'). Every connection is bounded (docs/operations.md,
// "Control endpoint limits"): line length, bytes queued for a peer that does not
// read, the number of connections, and the time to a first line. A connection
// that breaks a limit is closed, counted and logged at a limited rate.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "io/loop.h"
#include "io/socket_address.h"

namespace jamfleet::io {

namespace detail {
class LineStream;
}

using ConnectionId = std::uint64_t;

// Defaults fit control and JSON-RPC endpoints, whose lines are small.
struct LineServerOptions {
    std::size_t max_line_bytes = 64u << 10;
    // Bytes held for a peer that does not read, beyond the kernel's socket buffer.
    std::size_t max_queued_bytes = 1u << 20;
    // Further connections are accepted and closed at once.
    std::size_t max_connections = 64;
    // A connection that has not sent one complete line by then is closed; 0 = never.
    Duration first_line_timeout = std::chrono::seconds(10);
    // A closing connection whose peer does not take the rest of its replies within
    // this time is cut off, so it cannot hold a connection slot for ever.
    Duration close_grace = std::chrono::seconds(5);
    // Names the endpoint in logs ("jsonrpc", "control"); default "tcp ADDRESS" or "unix PATH".
    std::string name;
};

// Connections closed by the server because they broke a limit, since it started.
struct LineServerDrops {
    std::uint64_t line_too_long = 0;
    std::uint64_t backlog = 0;
    std::uint64_t over_connection_cap = 0;
    std::uint64_t no_line_in_time = 0;
    std::uint64_t stuck_closing = 0;
    std::uint64_t write_error = 0;
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
    const LineServerDrops& drops() const { return drops_; }
    const LineServerOptions& options() const { return options_; }

private:
    struct Listener;
    struct Sweeper;
    struct Connection {
        detail::LineStream* stream;
        std::string peer;
        std::uint64_t accepted_ms; // uv_now() when accepted
        bool sent_a_line = false;
    };
    enum class Drop {
        LineTooLong,
        Backlog,
        ConnectionCap,
        NoLineInTime,
        StuckClosing,
        WriteError,
        Count
    };

    LineServer(Loop& loop, LineServerOptions options);
    void on_connection();
    void start_sweeper();
    void sweep();
    // Counts the drop and logs it, at most once per interval and reason.
    // `key`=`value` says how far the limit was broken (bytes, connections).
    void note_drop(Drop drop, const std::string& peer, std::string_view key, std::size_t value);

    Loop& loop_;
    LineServerOptions options_;
    Listener* listener_ = nullptr;
    SocketAddress local_;
    std::string path_;
    Sweeper* sweeper_ = nullptr;
    LineServerDrops drops_;
    base::Logger log_{"io"};
    base::SteadyClock clock_;
    std::vector<base::RateLimit> drop_logs_;
    ConnectionId next_id_ = 1;
    std::unordered_map<ConnectionId, Connection> connections_;
    std::shared_ptr<bool> alive_;
    std::shared_ptr<std::function<void(ConnectionId)>> on_connected_;
    std::shared_ptr<std::function<void(ConnectionId, std::string_view)>> on_line_;
    std::shared_ptr<std::function<void(ConnectionId)>> on_closed_;
};

} // namespace jamfleet::io
