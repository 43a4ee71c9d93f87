// Restart policy with a fake clock: backoff doubles with bounded jitter, resets
// after a stable run, and too many crashes in the window mark the child failed.
#include "orchestrator/restart_policy.h"

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

using namespace std::chrono_literals;

TEST(RestartPolicy, FirstRestartIsQuickEnoughToBeBackWithinTwoSeconds) {
    base::FakeClock clock;
    RestartPolicy policy;
    const auto started = clock.now();
    clock.advance(5s);
    const RestartDecision d = policy.on_exit(started, clock.now());
    EXPECT_FALSE(d.failed);
    EXPECT_GE(d.delay, 80ms);
    EXPECT_LE(d.delay, 120ms);
    EXPECT_EQ(d.restart_at, clock.now() + d.delay);
}

TEST(RestartPolicy, BackoffDoublesWithJitterWithinBounds) {
    RestartPolicyOptions options;
    options.max_crashes = 16;
    options.window = 1s; // crashes spaced 2 s apart never accumulate
    options.max_backoff = 1h;
    RestartPolicy policy(options, 42);
    base::FakeClock clock;
    Duration expected = options.initial_backoff;
    for (int i = 0; i < 8; ++i) {
        const auto started = clock.now();
        clock.advance(2s);
        const RestartDecision d = policy.on_exit(started, clock.now());
        ASSERT_FALSE(d.failed);
        EXPECT_GE(d.delay, expected * 0.8 - 1ns) << i;
        EXPECT_LE(d.delay, expected * 1.2 + 1ns) << i;
        expected *= 2;
    }
}

TEST(RestartPolicy, JitterSpreadsDelaysOfDifferentChildren) {
    base::FakeClock clock;
    RestartPolicy a({}, 1);
    RestartPolicy b({}, 2);
    clock.advance(1s);
    EXPECT_NE(a.on_exit(TimePoint{}, clock.now()).delay, b.on_exit(TimePoint{}, clock.now()).delay);
}

TEST(RestartPolicy, BackoffIsCappedAtMax) {
    RestartPolicyOptions options;
    options.max_crashes = 16;
    options.window = 1ms;
    options.max_backoff = 1s;
    options.jitter = 0;
    RestartPolicy policy(options);
    base::FakeClock clock;
    RestartDecision d;
    for (int i = 0; i < 12; ++i) {
        const auto started = clock.now();
        clock.advance(1s);
        d = policy.on_exit(started, clock.now());
    }
    EXPECT_EQ(d.delay, 1s);
}

TEST(RestartPolicy, MarksFailedAfterMaxCrashesInWindow) {
    RestartPolicy policy; // 5 crashes in 60 s
    base::FakeClock clock;
    for (int i = 0; i < 4; ++i) {
        const auto started = clock.now();
        clock.advance(1s);
        EXPECT_FALSE(policy.on_exit(started, clock.now()).failed) << i;
    }
    const auto started = clock.now();
    clock.advance(1s);
    EXPECT_TRUE(policy.on_exit(started, clock.now()).failed);
}

TEST(RestartPolicy, CrashesOutsideTheWindowAreForgotten) {
    RestartPolicy policy;
    base::FakeClock clock;
    for (int i = 0; i < 20; ++i) {
        const auto started = clock.now();
        clock.advance(20s); // 3 crashes per minute at most
        EXPECT_FALSE(policy.on_exit(started, clock.now()).failed) << i;
    }
}

TEST(RestartPolicy, StableRunResetsTheBackoff) {
    RestartPolicyOptions options;
    options.jitter = 0;
    options.window = 1s;
    RestartPolicy policy(options);
    base::FakeClock clock;
    for (int i = 0; i < 3; ++i) {
        const auto started = clock.now();
        clock.advance(2s);
        policy.on_exit(started, clock.now());
    }
    const auto started = clock.now();
    clock.advance(options.stable_after);
    EXPECT_EQ(policy.on_exit(started, clock.now()).delay, options.initial_backoff);
}

TEST(RestartPolicy, ResetClearsTheCrashHistory) {
    RestartPolicy policy;
    base::FakeClock clock;
    for (int i = 0; i < 4; ++i) {
        clock.advance(1s);
        policy.on_exit(clock.now() - 1s, clock.now());
    }
    policy.reset();
    EXPECT_EQ(policy.crashes_in_window(), 0);
    clock.advance(1s);
    EXPECT_FALSE(policy.on_exit(clock.now() - 1s, clock.now()).failed);
}

TEST(RestartPolicy, FailedChildIsRetriedAfterOneTwoFourMinutesCappedAtThirty) {
    base::FakeClock clock;
    RestartPolicy policy;
    const Duration expected[] = {1min, 2min, 4min, 8min, 16min, 30min, 30min};
    for (const Duration delay : expected) {
        EXPECT_EQ(policy.next_failed_retry(clock.now()), clock.now() + delay);
        clock.advance(delay);
    }
}

TEST(RestartPolicy, RetryWindowResetKeepsTheFailedRetryGrowth) {
    base::FakeClock clock;
    RestartPolicy policy;
    EXPECT_EQ(policy.next_failed_retry(clock.now()), clock.now() + 1min);
    policy.reset_window(); // a scheduled retry starts the child again
    const auto started = clock.now();
    clock.advance(1s);
    EXPECT_FALSE(policy.on_exit(started, clock.now()).failed) << "the crash window was not reset";
    EXPECT_EQ(policy.next_failed_retry(clock.now()), clock.now() + 2min);
}

TEST(RestartPolicy, StableRunOrManualResetStartsTheFailedRetryAtOneMinuteAgain) {
    base::FakeClock clock;
    RestartPolicy policy;
    policy.next_failed_retry(clock.now());
    policy.next_failed_retry(clock.now());
    const auto started = clock.now();
    clock.advance(31s); // ran longer than stable_after
    policy.on_exit(started, clock.now());
    EXPECT_EQ(policy.next_failed_retry(clock.now()), clock.now() + 1min);
    policy.reset();
    EXPECT_EQ(policy.next_failed_retry(clock.now()), clock.now() + 1min);
}

} // namespace
} // namespace jamfleet::orchestrator
