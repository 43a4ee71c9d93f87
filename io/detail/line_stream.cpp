// LineStream: line splitting with a bounded line length, write queueing with a
// bounded backlog, and graceful (shutdown-then-close) or immediate teardown.
#include "io/detail/line_stream.h"

#include "base/log.h"
#include "io/detail/callback_guard.h"

namespace jamfleet::io::detail {
namespace {

// A peer that stops reading must not make us buffer without limit.
constexpr std::size_t kMaxQueuedBytes = 16u << 20;

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

LineStream::LineStream(Kind kind, std::size_t max_line_bytes, Callbacks callbacks)
    : kind_(kind), max_line_bytes_(max_line_bytes),
      callbacks_(std::make_shared<Callbacks>(std::move(callbacks))) {}

LineStream* LineStream::create(uv_loop_t* loop, Kind kind, std::size_t max_line_bytes,
                               Callbacks callbacks) {
    auto* self = new LineStream(kind, max_line_bytes, std::move(callbacks));
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
    if (queued_bytes_ + line.size() > kMaxQueuedBytes) {
        base::Logger("io").warn("stream peer is not reading, closing",
                                {{"queued_bytes", queued_bytes_}});
        abort();
        return false;
    }
    auto* wr = new WriteRequest{{}, std::move(line), this};
    queued_bytes_ += wr->data.size();
    const uv_buf_t buf = uv_buf_init(wr->data.data(), static_cast<unsigned>(wr->data.size()));
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
    pending_.append(buf->base, static_cast<std::size_t>(nread));
    // The callbacks object stays alive even if the owner detaches from inside on_line.
    auto callbacks = callbacks_;
    std::size_t start = 0;
    while (!closing_) {
        const auto nl = pending_.find('\n', std::max(start, scanned_));
        if (nl == std::string::npos) {
            break;
        }
        std::string_view line(pending_.data() + start, nl - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        start = nl + 1;
        if (line.size() > max_line_bytes_) {
            base::Logger("io").warn("line too long, closing", {{"bytes", line.size()}});
            abort();
            return;
        }
        if (callbacks->on_line) {
            guarded_call("line", [&] { callbacks->on_line(line); });
        }
    }
    pending_.erase(0, start);
    scanned_ = pending_.size();
    if (!closing_ && pending_.size() > max_line_bytes_) {
        base::Logger("io").warn("line too long, closing", {{"bytes", pending_.size()}});
        abort();
    }
}

} // namespace jamfleet::io::detail
