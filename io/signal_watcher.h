// Runs a callback on the loop when a signal arrives (uv_signal), e.g. SIGTERM
// for shutdown, SIGHUP for reload.
#pragma once

#include <functional>
#include <memory>

#include "io/loop.h"

struct uv_signal_s;

namespace jamfleet::io {

class SignalWatcher {
public:
    // Starts watching immediately.
    SignalWatcher(Loop& loop, int signum, std::function<void()> on_signal);
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    int signum() const { return signum_; }

private:
    uv_signal_s* handle_;
    int signum_;
    std::shared_ptr<std::function<void()>> on_signal_;
};

} // namespace jamfleet::io
