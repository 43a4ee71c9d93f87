// The event loop (owns a uv_loop_t). Every io handle belongs to one Loop, and a
// Loop must outlive the handles created on it.
#pragma once

#include <functional>

#include "base/clock.h"

struct uv_loop_s;

namespace jamfleet::io {

using base::Duration;
using base::TimePoint;

class Loop {
public:
    Loop();
    // Closes any handle still open and runs the loop until their close callbacks ran.
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs until stop() is called or no active handle remains.
    void run();
    // Makes run() return after the current iteration.
    void stop();
    // Processes ready events without blocking; returns true when handles remain active.
    bool run_once_nowait();
    // Runs until `done()` is true (checked after every loop iteration) or `timeout`
    // elapsed; returns done(). Meant for tests and bounded shutdown waits.
    bool run_until(const std::function<bool()>& done, Duration timeout);

    // For io/ internals only (other layers cannot name libuv types).
    uv_loop_s* raw() { return loop_; }

private:
    uv_loop_s* loop_;
};

} // namespace jamfleet::io
