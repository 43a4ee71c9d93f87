// io-internal: a newline-delimited text stream over a libuv TCP or pipe handle,
// shared by LineServer connections and LineClient. Self-owning: it deletes itself
// (and its handle) in the close callback, so owners hold a raw pointer that is
// valid until on_closed fires or until they call detach().
#pragma once

#include <uv.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace jamfleet::io::detail {

class LineStream {
public:
    struct Callbacks {
        std::function<void(std::string_view line)> on_line;
        // Fires exactly once, from the close callback, unless detach() came first.
        std::function<void()> on_closed;
    };

    enum class Kind { Tcp, Pipe };

    // Allocates and initializes the handle on `loop`; the stream is not reading yet.
    static LineStream* create(uv_loop_t* loop, Kind kind, std::size_t max_line_bytes,
                              Callbacks callbacks);

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
    // Queues `line` + '\n'; false when the stream is closing.
    bool write(std::string line);
    // Graceful: pending writes finish, then the handle closes.
    void close();
    // Immediate close; pending writes are dropped.
    void abort();
    // The owner is going away: no further callbacks; closes (gracefully when
    // nothing is stuck in the write queue).
    void detach();
    bool closing() const { return closing_; }

private:
    LineStream(Kind kind, std::size_t max_line_bytes, Callbacks callbacks);
    ~LineStream() = default;

    void on_read(ssize_t nread, const uv_buf_t* buf);
    void begin_close();

    static void alloc_cb(uv_handle_t* h, std::size_t suggested, uv_buf_t* buf);
    static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    static void close_cb(uv_handle_t* h);

    Kind kind_;
    uv_stream_t* handle_ = nullptr;
    std::size_t max_line_bytes_;
    std::shared_ptr<Callbacks> callbacks_;
    std::function<void(int)> on_connect_;
    std::string pending_;          // bytes received after the last newline
    std::size_t scanned_ = 0;      // prefix of pending_ already known to hold no newline
    std::size_t queued_bytes_ = 0; // written but not yet flushed to the kernel
    bool closing_ = false;
    bool established_ = false;
    char read_buffer_[65536];
};

} // namespace jamfleet::io::detail
