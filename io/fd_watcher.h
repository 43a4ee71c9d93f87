// Calls back when a file descriptor becomes readable (uv_poll); used for the UDP
// sockets and the tick timerfd. The fd stays owned by the caller and must stay
// open until the watcher is destroyed (declare the watcher after the socket).
#pragma once

#include <functional>
#include <memory>

#include "io/loop.h"

struct uv_poll_s;

namespace jamfleet::io {

class FdWatcher {
public:
    // Starts watching immediately.
    FdWatcher(Loop& loop, int fd, std::function<void()> on_readable);
    ~FdWatcher();
    FdWatcher(const FdWatcher&) = delete;
    FdWatcher& operator=(const FdWatcher&) = delete;

    void stop();
    void start();

private:
    uv_poll_s* handle_;
    std::shared_ptr<std::function<void()>> on_readable_;
};

} // namespace jamfleet::io
