// Time as a value: sans-I/O cores take `TimePoint` arguments; the real clock and
// a fake clock for tests implement the same small interface.
#pragma once

#include <chrono>

namespace jamfleet::base {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
public:
    TimePoint now() const override {
        return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
    }
};

// Test clock: time moves only when the test says so.
class FakeClock final : public Clock {
public:
    explicit FakeClock(TimePoint start = TimePoint{}) : now_(start) {}
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }
    void set(TimePoint t) { now_ = t; }

private:
    TimePoint now_;
};

} // namespace jamfleet::base
