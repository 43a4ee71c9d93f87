// io-internal: a newline-delimited text stream over a libuv TCP or pipe handle,
// shared by LineServer connections and LineClient. Self-owning: it deletes itself
// (and its handle) in the close callback, so owners hold a raw pointer that is
// valid until on_closed fires or until they call detach(). Writes go straight to
// the socket with MSG_NOSIGNAL when nothing is queued, so a vanished peer is an
// error value, not a SIGPIPE; only a remainder the kernel would not take is queued.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/detail/line_framer.h"

namespace jamfleet::io::detail {

// Why a stream closed itself (the peer closing or resetting is not a drop).
enum class DropReason { LineTooLong, Backlog, WriteError };

struct StreamLimits {
    std::size_t max_line_bytes = 1u << 20;
    // Bytes libuv may hold for a peer that does not read (beyond the kernel's
    // socket buffer); a write that would exceed it drops the connection.
    std::size_t max_queued_bytes = 4u << 20;
};

class LineStream {
public:
    struct Callbacks {
        std::function<void(std::string_view line)> on_line;
        // Fires exactly once, from the close callback, unless detach() came first.
        std::function<void()> on_closed;
        // Fires just before the stream drops itself; `bytes` is the line length
        // or the backlog. Without it the stream logs the drop itself.
        std::function<void(DropReason reason, std::size_t bytes)> on_drop;
    };

    enum class Kind { Tcp, Pipe };

    // Allocates and initializes the handle on `loop`; the stream is not reading yet.
    static LineStream* create(uv_loop_t* loop, Kind kind, StreamLimits limits, Callbacks callbacks);
    static LineStream* create(uv_loop_t* loop, Kind kind, std::size_t max_line_bytes,
                              Callbacks callbacks) {
        return create(loop, kind, StreamLimits{.max_line_bytes = max_line_bytes},
                      std::move(callbacks));
    }

    uv_stream_t* handle() { return handle_; }
    Kind kind() const { return kind_; }

    // Starts an outgoing connection; `done(status)` runs unless the stream was
    // detached meanwhile (status 0 on success, a libuv error otherwise).
    void connect_tcp(const sockaddr* address, std::function<void(int status)> done);
    void connect_pipe(const std::string& path, std::function<void(int status)> done);

    // Replaces the callbacks (used when the owner learns its id after creation).
    void set_callbacks(Callbacks callbacks) {
        callbacks_ = std::make_shared<Callbacks>(std::move(callbacks));
    }
    // Reading also marks the stream established (accepted or connected), which
    // makes close() graceful; before that close() just closes.
    void start_reading();
    // Sends `line` + '\n' (queueing what the kernel does not take at once); false
    // when the stream is closing or the write dropped it (peer gone, backlog).
    bool write(std::string line);
    // Graceful: pending writes finish, then the handle closes.
    void close();
    // Immediate close; pending writes are dropped.
    void abort();
    // The owner is going away: no further callbacks; closes (gracefully when
    // nothing is stuck in the write queue).
    void detach();
    bool closing() const { return closing_; }
    // uv_now() when a graceful close began waiting for writes to drain; 0 otherwise.
    std::uint64_t flushing_since_ms() const { return flushing_since_ms_; }
    // Bytes libuv still holds for the peer (not yet in the kernel).
    std::size_t queued_bytes() const { return uv_stream_get_write_queue_size(handle_); }
    // Bytes of an incomplete line received so far.
    std::size_t buffered_bytes() const { return framer_.buffered_bytes(); }

private:
    LineStream(Kind kind, StreamLimits limits, Callbacks callbacks);
    ~LineStream() = default;

    void on_read(ssize_t nread, const uv_buf_t* buf);
    // Writes what the kernel takes now without blocking; returns the count, or
    // -1 when the peer is gone (the stream is then aborted).
    std::ptrdiff_t send_now(std::string_view data);
    void drop(DropReason reason, std::size_t bytes);
    void begin_close();

    static void alloc_cb(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void close_cb(uv_handle_t* h);

    Kind kind_;
    uv_stream_t* handle_ = nullptr;
    StreamLimits limits_;
    std::shared_ptr<Callbacks> callbacks_;
    std::function<void(int)> on_connect_;
    LineFramer framer_;
    std::size_t queued_bytes_ = 0; // handed to uv_write, callback not yet run
    bool closing_ = false;
    std::uint64_t flushing_since_ms_ = 0;
    bool established_ = false;
    char read_buffer_[65536];
};

} // namespace jamfleet::io::detail
