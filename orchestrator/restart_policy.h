// When to restart a crashed child: exponential backoff with jitter, "failed"
// after too many crashes within a window, and a long growing retry of a failed
// child (minutes) so an unattended fleet heals once the cause is gone.
// Sans-I/O: time comes in as arguments.
#pragma once

#include <cstdint>
#include <random>

#include "base/clock.h"

namespace jamfleet::orchestrator {

using base::Duration;
using base::TimePoint;

struct RestartPolicyOptions {
    // First delay; short so a killed room is back (and re-registered) within 2 s.
    Duration initial_backoff = std::chrono::milliseconds(100);
    Duration max_backoff = std::chrono::seconds(30);
    // Each delay is scaled by a random factor in [1 - jitter, 1 + jitter].
    double jitter = 0.2;
    // This many crashes within `window` mark the child failed.
    int max_crashes = 5;
    Duration window = std::chrono::seconds(60);
    // A child that ran this long before exiting starts over at initial_backoff.
    Duration stable_after = std::chrono::seconds(30);
    // A failed child is tried again after this, doubling up to failed_retry_max.
    Duration failed_retry_first = std::chrono::minutes(1);
    Duration failed_retry_max = std::chrono::minutes(30);
};

struct RestartDecision {
    bool failed = false;    // give up until a reload or `jamfleet restart`
    TimePoint restart_at{}; // when not failed
    Duration delay{};       // restart_at - now
};

class RestartPolicy {
public:
    explicit RestartPolicy(RestartPolicyOptions options = {}, std::uint32_t seed = 1);

    // The child started (or was restarted) at `started_at` and exited at `now`.
    RestartDecision on_exit(TimePoint started_at, TimePoint now);
    // The child was marked failed at `now`: when to try it again (1, 2, 4 …
    // minutes by default, capped). Each call grows the next delay.
    TimePoint next_failed_retry(TimePoint now);
    // Forget the crash history and the failed-retry growth (manual restart, reload).
    void reset();
    // Forget only the crash window, before a scheduled retry of a failed child
    // (the failed-retry growth goes on until the child runs stably).
    void reset_window();

    int crashes_in_window() const { return static_cast<int>(crash_count_); }

private:
    RestartPolicyOptions options_;
    std::minstd_rand random_;
    // Crash times inside the window, oldest first (at most max_crashes kept).
    TimePoint crashes_[16]{};
    std::size_t crash_count_ = 0;
    int consecutive_ = 0;
    int failed_retries_ = 0;
};

} // namespace jamfleet::orchestrator
