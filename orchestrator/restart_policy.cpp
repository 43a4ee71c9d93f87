// Exponential backoff with jitter and a crash window (see restart_policy.h).
#include "orchestrator/restart_policy.h"

#include <algorithm>

namespace jamfleet::orchestrator {

RestartPolicy::RestartPolicy(RestartPolicyOptions options, std::uint32_t seed)
    : options_(options), random_(seed == 0 ? 1 : seed) {
    options_.max_crashes = std::clamp(options_.max_crashes, 1, 16);
}

void RestartPolicy::reset() {
    reset_window();
    failed_retries_ = 0;
}

void RestartPolicy::reset_window() {
    crash_count_ = 0;
    consecutive_ = 0;
}

TimePoint RestartPolicy::next_failed_retry(TimePoint now) {
    Duration delay = options_.failed_retry_first;
    for (int i = 0; i < failed_retries_ && delay < options_.failed_retry_max; ++i) {
        delay *= 2;
    }
    ++failed_retries_;
    return now + std::min(delay, options_.failed_retry_max);
}

RestartDecision RestartPolicy::on_exit(TimePoint started_at, TimePoint now) {
    if (now - started_at >= options_.stable_after) {
        consecutive_ = 0;
        failed_retries_ = 0;
    }
    // Drop crashes that fell out of the window, then record this one.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < crash_count_; ++i) {
        if (now - crashes_[i] < options_.window) {
            crashes_[kept++] = crashes_[i];
        }
    }
    crash_count_ = kept;
    if (crash_count_ == static_cast<std::size_t>(options_.max_crashes)) {
        std::copy(crashes_ + 1, crashes_ + crash_count_, crashes_);
        --crash_count_;
    }
    crashes_[crash_count_++] = now;

    RestartDecision decision;
    if (crash_count_ >= static_cast<std::size_t>(options_.max_crashes)) {
        decision.failed = true;
        return decision;
    }
    Duration delay = options_.initial_backoff;
    for (int i = 0; i < consecutive_ && delay < options_.max_backoff; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, options_.max_backoff);
    ++consecutive_;
    std::uniform_real_distribution<double> factor(1.0 - options_.jitter, 1.0 + options_.jitter);
    delay = std::chrono::duration_cast<Duration>(delay * factor(random_));
    decision.delay = delay;
    decision.restart_at = now + delay;
    return decision;
}

} // namespace jamfleet::orchestrator
