// LineStream: line splitting with a bounded line length, direct non-signalling
// writes with a bounded backlog, and graceful (shutdown-then-close) or immediate
// teardown.
#include "io/detail/line_stream.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "base/log.h"
#include "io/detail/callback_guard.h"

namespace jamfleet::io::detail {
namespace {

std::string_view to_string(DropReason reason) {
    switch (reason) {
    case DropReason::LineTooLong:
        return "line too long";
    case DropReason::Backlog:
        return "peer is not reading";
    case DropReason::WriteError:
        return "write failed";
    }
    return "unknown";
}

struct WriteRequest {
    uv_write_t req;
    std::string data;
    LineStream* stream;
};

struct ConnectRequest {
    uv_connect_t req;
    LineStream* stream;
};

} // namespace

LineStream::LineStream(Kind kind, StreamLimits limits, Callbacks callbacks)
    : kind_(kind), limits_(limits), callbacks_(std::make_shared<Callbacks>(std::move(callbacks))),
      framer_(limits.max_line_bytes) {}

LineStream* LineStream::create(uv_loop_t* loop, Kind kind, StreamLimits limits,
                               Callbacks callbacks) {
    auto* self = new LineStream(kind, limits, std::move(callbacks));
    if (kind == Kind::Tcp) {
        auto* tcp = new uv_tcp_t;
        uv_tcp_init(loop, tcp);
        self->handle_ = reinterpret_cast<uv_stream_t*>(tcp);
    } else {
        auto* pipe = new uv_pipe_t;
        uv_pipe_init(loop, pipe, 0);
        self->handle_ = reinterpret_cast<uv_stream_t*>(pipe);
    }
    self->handle_->data = self;
    return self;
}

void LineStream::connect_tcp(const sockaddr* address, std::function<void(int)> done) {
    on_connect_ = std::move(done);
    auto* req = new ConnectRequest{{}, this};
    const int rc = uv_tcp_connect(&req->req, reinterpret_cast<uv_tcp_t*>(handle_), address,
                                  [](uv_connect_t* r, int status) {
                                      auto* cr = reinterpret_cast<ConnectRequest*>(r);
                                      LineStream* self = cr->stream;
                                      delete cr;
                                      if (self->on_connect_) {
                                          auto fn = std::move(self->on_connect_);
                                          guarded_call("connect", [&] { fn(status); });
                                      }
                                  });
    if (rc != 0) {
        delete req;
        auto fn = std::move(on_connect_);
        guarded_call("connect", [&] { fn(rc); });
    }
}

void LineStream::connect_pipe(const std::string& path, std::function<void(int)> done) {
    on_connect_ = std::move(done);
    auto* req = new ConnectRequest{{}, this};
    // uv_pipe_connect reports every failure through the callback.
    uv_pipe_connect(&req->req, reinterpret_cast<uv_pipe_t*>(handle_), path.c_str(),
                    [](uv_connect_t* r, int status) {
                        auto* cr = reinterpret_cast<ConnectRequest*>(r);
                        LineStream* self = cr->stream;
                        delete cr;
                        if (self->on_connect_) {
                            auto fn = std::move(self->on_connect_);
                            guarded_call("connect", [&] { fn(status); });
                        }
                    });
}

void LineStream::start_reading() {
    established_ = true;
    if (!closing_) {
        uv_read_start(handle_, alloc_cb, read_cb);
    }
}

bool LineStream::write(std::string line) {
    if (closing_) {
        return false;
    }
    line += '\n';
    std::size_t sent = 0;
    // Nothing waiting in libuv: everything written before is in the kernel, so a
    // direct send keeps the order.
    if (established_ && uv_stream_get_write_queue_size(handle_) == 0) {
        const auto n = send_now(line);
        if (n < 0) {
            return false;
        }
        sent = static_cast<std::size_t>(n);
        if (sent == line.size()) {
            return true;
        }
    }
    const std::size_t rest = line.size() - sent;
    const std::size_t backlog = uv_stream_get_write_queue_size(handle_);
    if (backlog + rest > limits_.max_queued_bytes) {
        drop(DropReason::Backlog, backlog + rest);
        return false;
    }
    auto* wr = new WriteRequest{{}, line.substr(sent), this};
    queued_bytes_ += wr->data.size();
    const uv_buf_t buf = uv_buf_init(wr->data.data(), static_cast<unsigned>(wr->data.size()));
    // libuv writes with write(2), which raises SIGPIPE on a dead peer: every
    // program ignores SIGPIPE (io/process_signals.h) for this remainder path.
    const int rc = uv_write(&wr->req, handle_, &buf, 1, [](uv_write_t* r, int status) {
        auto* w = reinterpret_cast<WriteRequest*>(r);
        LineStream* self = w->stream;
        self->queued_bytes_ -= w->data.size();
        delete w;
        if (status < 0 && status != UV_ECANCELED && !self->closing_) {
            self->abort(); // broken pipe or reset: the connection is gone
        }
    });
    if (rc != 0) {
        queued_bytes_ -= wr->data.size();
        delete wr;
        abort();
        return false;
    }
    return true;
}

std::ptrdiff_t LineStream::send_now(std::string_view data) {
    uv_os_fd_t fd = -1;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(handle_), &fd) != 0) {
        return 0; // let uv_write report whatever is wrong
    }
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n =
            ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            abort(); // EPIPE, ECONNRESET: the peer is gone; nothing to flush
            return -1;
        }
    }
    return static_cast<std::ptrdiff_t>(done);
}

void LineStream::drop(DropReason reason, std::size_t bytes) {
    if (closing_) {
        return;
    }
    auto callbacks = callbacks_;
    if (callbacks->on_drop) {
        guarded_call("drop", [&] { callbacks->on_drop(reason, bytes); });
    } else {
        base::Logger("io").warn("closing stream",
                                {{"reason", to_string(reason)}, {"bytes", bytes}});
    }
    abort();
}

void LineStream::close() {
    if (closing_) {
        return;
    }
    closing_ = true;
    if (!established_) {
        // Still connecting: libuv would hold a shutdown until the connect ends.
        begin_close();
        return;
    }
    uv_read_stop(handle_);
    flushing_since_ms_ = std::max<std::uint64_t>(uv_now(handle_->loop), 1);
    auto* req = new uv_shutdown_t;
    req->data = this;
    const int rc = uv_shutdown(req, handle_, [](uv_shutdown_t* r, int) {
        auto* self = static_cast<LineStream*>(r->data);
        delete r;
        self->begin_close();
    });
    if (rc != 0) {
        delete req;
        begin_close(); // not connected (or already shut down): nothing to flush
    }
}

void LineStream::abort() {
    if (closing_ && uv_is_closing(reinterpret_cast<uv_handle_t*>(handle_))) {
        return;
    }
    closing_ = true;
    begin_close();
}

void LineStream::detach() {
    callbacks_ = std::make_shared<Callbacks>();
    on_connect_ = nullptr;
    // uv_write hands small lines to the kernel at once, so a reply queued just
    // before (e.g. to "stop") is usually flushed already: close gracefully then.
    // Whatever libuv still queues means a slow peer; do not wait for it.
    if (queued_bytes_ == 0 || uv_stream_get_write_queue_size(handle_) == 0) {
        close();
    } else {
        abort();
    }
}

void LineStream::begin_close() {
    flushing_since_ms_ = 0; // no longer waiting for the peer
    auto* h = reinterpret_cast<uv_handle_t*>(handle_);
    if (!uv_is_closing(h)) {
        uv_close(h, close_cb);
    }
}

void LineStream::close_cb(uv_handle_t* h) {
    auto* self = static_cast<LineStream*>(h->data);
    auto callbacks = self->callbacks_;
    if (self->kind_ == Kind::Tcp) {
        delete reinterpret_cast<uv_tcp_t*>(h);
    } else {
        delete reinterpret_cast<uv_pipe_t*>(h);
    }
    delete self;
    if (callbacks->on_closed) {
        guarded_call("stream closed", callbacks->on_closed);
    }
}

void LineStream::alloc_cb(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    auto* self = static_cast<LineStream*>(h->data);
    *buf = uv_buf_init(self->read_buffer_, sizeof self->read_buffer_);
}

void LineStream::read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    static_cast<LineStream*>(s->data)->on_read(nread, buf);
}

void LineStream::on_read(ssize_t nread, const uv_buf_t* buf) {
    if (nread < 0) {
        // EOF or reset. A final line without its newline is incomplete: dropped.
        if (nread == UV_EOF) {
            close();
        } else {
            abort();
        }
        return;
    }
    if (closing_ || nread == 0) {
        return;
    }
    // The callbacks object stays alive even if the owner detaches from inside on_line.
    auto callbacks = callbacks_;
    const auto outcome = framer_.feed(
        std::string_view(buf->base, static_cast<std::size_t>(nread)), [&](std::string_view line) {
            if (callbacks->on_line) {
                guarded_call("line", [&] { callbacks->on_line(line); });
            }
            return !closing_;
        });
    if (outcome == LineFramer::Outcome::LineTooLong) {
        drop(DropReason::LineTooLong, framer_.oversize_bytes());
    }
}

} // namespace jamfleet::io::detail
