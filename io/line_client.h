// Newline-delimited text client over TCP or a unix socket: the supervisor's side
// of the control channel and the test side of JSON-RPC. Can reconnect after a close.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/loop.h"
#include "io/socket_address.h"

namespace jamfleet::io {

namespace detail {
class LineStream;
}

class LineClient {
public:
    // `error` reads "connect unix /run/x.sock: no such file or directory".
    using ConnectCallback = std::function<void(base::Status<std::string> result)>;

    explicit LineClient(Loop& loop, std::size_t max_line_bytes = 1u << 20);
    ~LineClient();
    LineClient(const LineClient&) = delete;
    LineClient& operator=(const LineClient&) = delete;

    // Starts connecting (dropping any current connection without on_closed).
    void connect_tcp(SocketAddress address, ConnectCallback on_connect);
    void connect_unix(const std::string& path, ConnectCallback on_connect);

    // Handlers may destroy the client; they stay alive for their own call.
    void set_on_line(std::function<void(std::string_view)> fn) {
        on_line_ = std::make_shared<std::function<void(std::string_view)>>(std::move(fn));
    }
    // Fires once when an established connection ends (peer, error or close()).
    void set_on_closed(std::function<void()> fn) {
        on_closed_ = std::make_shared<std::function<void()>>(std::move(fn));
    }

    // Queues `line` + '\n'; false when not connected.
    bool send(std::string line);
    // Sends what is queued, then closes; on_closed follows.
    void close();
    bool connected() const { return stream_ != nullptr && connected_; }

private:
    void start(bool pipe, const std::string& what, ConnectCallback on_connect,
               const std::function<void(detail::LineStream*, std::function<void(int)>)>& go);
    void drop();

    Loop& loop_;
    std::size_t max_line_bytes_;
    detail::LineStream* stream_ = nullptr;
    bool connected_ = false;
    std::shared_ptr<bool> alive_;
    std::shared_ptr<std::function<void(std::string_view)>> on_line_;
    std::shared_ptr<std::function<void()>> on_closed_;
};

} // namespace jamfleet::io
