// Periodic audio tick from a timerfd with absolute CLOCK_MONOTONIC deadlines, so
// the period never drifts and sub-millisecond periods (1.333 ms) work. Late
// wake-ups are reported as expirations > 1 and counted as overruns.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {

class TickSource {
public:
    // `on_tick(expirations)`: expirations is the number of periods elapsed since
    // the previous call (1 normally; more after the loop was blocked).
    TickSource(Loop& loop, Duration period, std::function<void(std::uint64_t expirations)> on_tick);
    ~TickSource();
    TickSource(const TickSource&) = delete;
    TickSource& operator=(const TickSource&) = delete;

    // Arms the timer: first deadline one period from now, then every period.
    void start();
    void stop();

    Duration period() const { return period_; }
    std::uint64_t ticks() const { return ticks_; }
    // Wake-ups that covered more than one period.
    std::uint64_t overruns() const { return overruns_; }
    // Periods whose deadline passed without their own wake-up (sum of expirations - 1).
    std::uint64_t missed_ticks() const { return missed_; }

private:
    void on_readable();

    int fd_;
    Duration period_;
    std::function<void(std::uint64_t)> on_tick_;
    std::unique_ptr<FdWatcher> watcher_;
    std::uint64_t ticks_ = 0;
    std::uint64_t overruns_ = 0;
    std::uint64_t missed_ = 0;
};

} // namespace jamfleet::io
