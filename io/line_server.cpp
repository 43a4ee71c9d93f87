// LineServer: a libuv listener (TCP or pipe) handing each accepted connection to a
// detail::LineStream; connections are identified by ids so users never hold handles.
// A sweeper timer closes connections that send no line in time and cuts off
// closing ones whose peer does not read the rest.
#include "io/line_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cstring>

#include "io/detail/callback_guard.h"
#include "io/detail/line_stream.h"

namespace jamfleet::io {

struct LineServer::Listener {
    detail::LineStream::Kind kind;
    union {
        uv_tcp_t tcp;
        uv_pipe_t pipe;
    };
    LineServer* owner = nullptr;

    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp); }
    uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&tcp); }
};

// Repeating timer for the first-line deadline and the close grace; unreferenced so it never keeps a
// loop running on its own. Deleted in its close callback.
struct LineServer::Sweeper {
    uv_timer_t timer;
    LineServer* owner = nullptr;
};

namespace {

constexpr auto kDropLogInterval = std::chrono::seconds(5);

// True when something accepts connections on `path` (a live server, not a stale file).
bool unix_socket_is_live(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return live;
}

std::string peer_of(uv_tcp_t* tcp) {
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&ss), &len) != 0 ||
        ss.ss_family != AF_INET) {
        return "";
    }
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    return SocketAddress{ntohl(sin->sin_addr.s_addr), ntohs(sin->sin_port)}.to_string();
}

} // namespace

LineServer::LineServer(Loop& loop, LineServerOptions options)
    : loop_(loop), options_(std::move(options)),
      drop_logs_(static_cast<std::size_t>(Drop::Count), base::RateLimit(kDropLogInterval)),
      alive_(std::make_shared<bool>(true)) {}

namespace {

std::uint64_t to_ms(Duration d) {
    return d <= Duration::zero() ? 0
                                 : static_cast<std::uint64_t>(
                                       std::chrono::ceil<std::chrono::milliseconds>(d).count());
}

} // namespace

void LineServer::start_sweeper() {
    const std::uint64_t first_line_ms = to_ms(options_.first_line_timeout);
    const std::uint64_t grace_ms = to_ms(options_.close_grace);
    if (first_line_ms == 0 && grace_ms == 0) {
        return;
    }
    // The shorter of the two (ignoring a disabled one), checked four times over.
    const std::uint64_t timeout_ms = first_line_ms == 0 ? grace_ms
                                     : grace_ms == 0    ? first_line_ms
                                                        : std::min(first_line_ms, grace_ms);
    auto* sweeper = new Sweeper{{}, this};
    uv_timer_init(loop_.raw(), &sweeper->timer);
    sweeper->timer.data = sweeper;
    // A late connection is closed within 1.25 timeouts.
    const std::uint64_t period_ms = std::clamp<std::uint64_t>(timeout_ms / 4, 1, 1000);
    uv_timer_start(
        &sweeper->timer,
        [](uv_timer_t* t) {
            auto* sw = static_cast<Sweeper*>(t->data);
            if (sw->owner != nullptr) {
                sw->owner->sweep();
            }
        },
        period_ms, period_ms);
    uv_unref(reinterpret_cast<uv_handle_t*>(&sweeper->timer));
    sweeper_ = sweeper;
}

void LineServer::sweep() {
    const std::uint64_t now_ms = uv_now(loop_.raw());
    const std::uint64_t first_line_ms = to_ms(options_.first_line_timeout);
    const std::uint64_t grace_ms = to_ms(options_.close_grace);
    std::vector<std::pair<ConnectionId, Drop>> late;
    for (const auto& [id, conn] : connections_) {
        const auto* stream = conn.stream;
        if (!stream->closing()) {
            if (first_line_ms != 0 && !conn.sent_a_line &&
                now_ms - conn.accepted_ms >= first_line_ms) {
                late.emplace_back(id, Drop::NoLineInTime);
            }
        } else if (grace_ms != 0 && stream->flushing_since_ms() != 0 &&
                   now_ms - stream->flushing_since_ms() >= grace_ms) {
            late.emplace_back(id, Drop::StuckClosing);
        }
    }
    for (const auto& [id, drop] : late) {
        const auto it = connections_.find(id);
        if (drop == Drop::NoLineInTime) {
            note_drop(drop, it->second.peer, "bytes", it->second.stream->buffered_bytes());
        } else {
            note_drop(drop, it->second.peer, "queued_bytes", it->second.stream->queued_bytes());
        }
        it->second.stream->abort();
    }
}

void LineServer::note_drop(Drop drop, const std::string& peer, std::string_view key,
                           std::size_t value) {
    std::uint64_t* counter = nullptr;
    std::string_view reason;
    switch (drop) {
    case Drop::LineTooLong:
        counter = &drops_.line_too_long;
        reason = "line too long";
        break;
    case Drop::Backlog:
        counter = &drops_.backlog;
        reason = "peer is not reading";
        break;
    case Drop::ConnectionCap:
        counter = &drops_.over_connection_cap;
        reason = "too many connections";
        break;
    case Drop::NoLineInTime:
        counter = &drops_.no_line_in_time;
        reason = "no line in time";
        break;
    case Drop::StuckClosing:
        counter = &drops_.stuck_closing;
        reason = "peer did not take the last replies";
        break;
    case Drop::WriteError:
    case Drop::Count:
        counter = &drops_.write_error;
        reason = "write failed";
        break;
    }
    ++*counter;
    std::uint64_t suppressed = 0;
    if (drop_logs_[static_cast<std::size_t>(drop)].allow(clock_.now(), suppressed)) {
        log_.warn("closing connection", {{"endpoint", options_.name},
                                         {"reason", reason},
                                         {"peer", peer},
                                         {key, value},
                                         {"total", *counter},
                                         {"suppressed", suppressed}});
    }
}

base::Result<std::unique_ptr<LineServer>, std::string>
LineServer::listen_tcp(Loop& loop, SocketAddress address, LineServerOptions options) {
    const std::string what = "listen tcp " + address.to_string() + ": ";
    const bool named = !options.name.empty();
    std::unique_ptr<LineServer> server(new LineServer(loop, std::move(options)));
    auto* l = new Listener{detail::LineStream::Kind::Tcp, {}, server.get()};
    uv_tcp_init(loop.raw(), &l->tcp);
    l->handle()->data = l;
    server->listener_ = l;
    sockaddr_in sa{};
    uv_ip4_addr(address.ip_string().c_str(), address.port, &sa);
    int rc = uv_tcp_bind(&l->tcp, reinterpret_cast<const sockaddr*>(&sa), 0);
    if (rc == 0) {
        rc = uv_listen(l->stream(), 64, [](uv_stream_t* s, int status) {
            auto* listener = static_cast<Listener*>(s->data);
            if (status == 0 && listener->owner != nullptr) {
                listener->owner->on_connection();
            }
        });
    }
    if (rc != 0) {
        return base::Err{what + uv_strerror(rc)};
    }
    sockaddr_in bound{};
    int len = sizeof bound;
    uv_tcp_getsockname(&l->tcp, reinterpret_cast<sockaddr*>(&bound), &len);
    server->local_ = SocketAddress{ntohl(bound.sin_addr.s_addr), ntohs(bound.sin_port)};
    if (!named) {
        server->options_.name = "tcp " + server->local_.to_string();
    }
    server->start_sweeper();
    return server;
}

base::Result<std::unique_ptr<LineServer>, std::string>
LineServer::listen_unix(Loop& loop, const std::string& path, LineServerOptions options) {
    const std::string what = "listen unix " + path + ": ";
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
        return base::Err{what + "path too long"};
    }
    if (options.name.empty()) {
        options.name = "unix " + path;
    }
    std::unique_ptr<LineServer> server(new LineServer(loop, std::move(options)));
    auto* l = new Listener{detail::LineStream::Kind::Pipe, {}, server.get()};
    uv_pipe_init(loop.raw(), &l->pipe, 0);
    l->handle()->data = l;
    server->listener_ = l;
    int rc = uv_pipe_bind(&l->pipe, path.c_str());
    if (rc == UV_EADDRINUSE) {
        if (unix_socket_is_live(path)) {
            return base::Err{what + "address already in use (another process is listening)"};
        }
        ::unlink(path.c_str()); // left behind by a process that died
        rc = uv_pipe_bind(&l->pipe, path.c_str());
    }
    if (rc == 0) {
        server->path_ = path;
        rc = uv_listen(l->stream(), 64, [](uv_stream_t* s, int status) {
            auto* listener = static_cast<Listener*>(s->data);
            if (status == 0 && listener->owner != nullptr) {
                listener->owner->on_connection();
            }
        });
    }
    if (rc != 0) {
        server->path_.clear(); // not ours to remove
        return base::Err{what + uv_strerror(rc)};
    }
    server->start_sweeper();
    return server;
}

LineServer::~LineServer() {
    *alive_ = false;
    if (listener_ != nullptr) {
        listener_->owner = nullptr;
        uv_close(listener_->handle(),
                 [](uv_handle_t* closed) { delete static_cast<Listener*>(closed->data); });
    }
    if (sweeper_ != nullptr) {
        sweeper_->owner = nullptr;
        uv_close(reinterpret_cast<uv_handle_t*>(&sweeper_->timer),
                 [](uv_handle_t* closed) { delete static_cast<Sweeper*>(closed->data); });
    }
    for (auto& [id, conn] : connections_) {
        conn.stream->detach();
    }
    if (!path_.empty()) {
        ::unlink(path_.c_str());
    }
}

void LineServer::on_connection() {
    const detail::StreamLimits limits{options_.max_line_bytes, options_.max_queued_bytes};
    auto* stream = detail::LineStream::create(loop_.raw(), listener_->kind, limits, {});
    if (uv_accept(listener_->stream(), stream->handle()) != 0) {
        stream->detach();
        return;
    }
    std::string peer = listener_->kind == detail::LineStream::Kind::Tcp
                           ? peer_of(reinterpret_cast<uv_tcp_t*>(stream->handle()))
                           : "unix";
    // Accepted (so it leaves the kernel's backlog) and closed at once: a flood of
    // connections costs a file descriptor each only for a moment.
    if (connections_.size() >= options_.max_connections) {
        note_drop(Drop::ConnectionCap, peer, "connections", connections_.size());
        stream->abort();
        return;
    }
    const ConnectionId id = next_id_++;
    connections_.emplace(id, Connection{stream, std::move(peer), uv_now(loop_.raw())});
    // Callbacks hold a weak flag, not `this` alone, because the stream may outlive us.
    std::weak_ptr<bool> alive = alive_;
    detail::LineStream::Callbacks callbacks;
    callbacks.on_line = [this, id, alive](std::string_view line) {
        if (alive.expired()) {
            return;
        }
        if (const auto it = connections_.find(id); it != connections_.end()) {
            it->second.sent_a_line = true;
        }
        if (auto fn = on_line_; fn && *fn) {
            (*fn)(id, line);
        }
    };
    callbacks.on_closed = [this, id, alive] {
        if (alive.expired()) {
            return;
        }
        connections_.erase(id);
        if (auto fn = on_closed_; fn && *fn) {
            (*fn)(id);
        }
    };
    callbacks.on_drop = [this, id, alive](detail::DropReason reason, std::size_t bytes) {
        if (alive.expired()) {
            return;
        }
        const auto it = connections_.find(id);
        const Drop drop = reason == detail::DropReason::LineTooLong ? Drop::LineTooLong
                          : reason == detail::DropReason::Backlog   ? Drop::Backlog
                                                                    : Drop::WriteError;
        note_drop(drop, it == connections_.end() ? std::string() : it->second.peer,
                  drop == Drop::Backlog ? "queued_bytes" : "bytes", bytes);
    };
    // Set before reading starts so no line can arrive without its callback.
    stream->set_callbacks(std::move(callbacks));
    stream->start_reading();
    if (auto fn = on_connected_; fn && *fn) {
        detail::guarded_call("connected", [&] { (*fn)(id); });
    }
}

bool LineServer::send(ConnectionId id, std::string line) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) {
        return false;
    }
    return it->second.stream->write(std::move(line));
}

void LineServer::close(ConnectionId id) {
    const auto it = connections_.find(id);
    if (it != connections_.end()) {
        it->second.stream->close();
    }
}

std::vector<ConnectionId> LineServer::connections() const {
    std::vector<ConnectionId> ids;
    for (const auto& [id, conn] : connections_) {
        if (!conn.stream->closing()) {
            ids.push_back(id);
        }
    }
    return ids;
}

std::string LineServer::peer(ConnectionId id) const {
    const auto it = connections_.find(id);
    return it == connections_.end() ? std::string() : it->second.peer;
}

} // namespace jamfleet::io
