// One-shot or repeating loop timer (libuv, 1 ms resolution: use io/tick_source.h
// for audio frame timing).
#pragma once

#include <functional>
#include <memory>

#include "io/loop.h"

struct uv_timer_s;

namespace jamfleet::io {

class Timer {
public:
    explicit Timer(Loop& loop);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Fires after `delay`, then every `repeat` when non-zero. Restarting replaces
    // the previous schedule and callback. Durations are rounded up to milliseconds.
    void start(Duration delay, Duration repeat, std::function<void()> on_fire);
    void stop();
    bool active() const;

private:
    uv_timer_s* handle_;
    std::shared_ptr<std::function<void()>> on_fire_;
};

} // namespace jamfleet::io
