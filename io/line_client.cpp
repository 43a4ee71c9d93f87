// LineClient: one detail::LineStream at a time; a weak "alive" flag guards every
// callback because a stream can outlive the client that created it.
#include "io/line_client.h"

#include <uv.h>

#include "io/detail/callback_guard.h"
#include "io/detail/line_stream.h"

namespace jamfleet::io {

LineClient::LineClient(Loop& loop, std::size_t max_line_bytes)
    : loop_(loop), max_line_bytes_(max_line_bytes), alive_(std::make_shared<bool>(true)) {}

LineClient::~LineClient() {
    drop();
}

void LineClient::drop() {
    if (stream_ != nullptr) {
        stream_->detach();
        stream_ = nullptr;
    }
    connected_ = false;
}

void LineClient::start(
    bool pipe, const std::string& what, ConnectCallback on_connect,
    const std::function<void(detail::LineStream*, std::function<void(int)>)>& go) {
    drop();
    auto* stream = detail::LineStream::create(
        loop_.raw(), pipe ? detail::LineStream::Kind::Pipe : detail::LineStream::Kind::Tcp,
        detail::StreamLimits{.max_line_bytes = max_line_bytes_}, {});
    stream_ = stream;
    std::weak_ptr<bool> alive = alive_;
    detail::LineStream::Callbacks callbacks;
    callbacks.on_line = [this, alive](std::string_view line) {
        if (alive.expired()) {
            return;
        }
        if (auto fn = on_line_; fn && *fn) {
            (*fn)(line);
        }
    };
    callbacks.on_closed = [this, alive, stream] {
        if (alive.expired() || stream_ != stream) {
            return;
        }
        const bool was_connected = connected_;
        stream_ = nullptr;
        connected_ = false;
        if (auto fn = on_closed_; was_connected && fn && *fn) {
            (*fn)();
        }
    };
    stream->set_callbacks(std::move(callbacks));
    go(stream, [this, alive, stream, what, on_connect = std::move(on_connect)](int status) {
        // detach() clears this callback, so reaching here means the client still wants it.
        if (alive.expired() || stream_ != stream) {
            return;
        }
        if (status != 0) {
            drop();
            if (on_connect) {
                on_connect(base::Err{what + uv_strerror(status)});
            }
            return;
        }
        connected_ = true;
        stream->start_reading();
        if (on_connect) {
            on_connect(base::kOk);
        }
    });
}

void LineClient::connect_tcp(SocketAddress address, ConnectCallback on_connect) {
    start(false, "connect tcp " + address.to_string() + ": ", std::move(on_connect),
          [address](detail::LineStream* s, std::function<void(int)> done) {
              sockaddr_in sa{};
              uv_ip4_addr(address.ip_string().c_str(), address.port, &sa);
              s->connect_tcp(reinterpret_cast<const sockaddr*>(&sa), std::move(done));
          });
}

void LineClient::connect_unix(const std::string& path, ConnectCallback on_connect) {
    start(true, "connect unix " + path + ": ", std::move(on_connect),
          [path](detail::LineStream* s, std::function<void(int)> done) {
              s->connect_pipe(path, std::move(done));
          });
}

bool LineClient::send(std::string line) {
    if (!connected()) {
        return false;
    }
    return stream_->write(std::move(line));
}

void LineClient::close() {
    if (stream_ != nullptr) {
        if (connected_) {
            stream_->close();
        } else {
            drop(); // still connecting: nothing to flush, and no on_closed for it
        }
    }
}

} // namespace jamfleet::io
