// Every transition of the supervisor's decisions, with a fake clock: exits
// (stop, backoff, usage error, crash loop, retried failure), failures to start,
// rooms waiting to restart, and what becomes of a process found at start-up.
#include "orchestrator/reconciler.h"

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

using namespace std::chrono_literals;

ExitEvent crash(base::TimePoint started, std::int64_t status = 1, int signal = 0) {
    ExitEvent e;
    e.state = ChildState::Running;
    e.exit_status = status;
    e.term_signal = signal;
    e.started_at = started;
    e.exit_text = "exit status " + std::to_string(status);
    return e;
}

TEST(Reconciler, StateNames) {
    EXPECT_STREQ(to_string(ChildState::Adopting), "adopting");
    EXPECT_STREQ(to_string(ChildState::Running), "running");
    EXPECT_STREQ(to_string(ChildState::Backoff), "backoff");
    EXPECT_STREQ(to_string(ChildState::Failed), "failed");
    EXPECT_STREQ(to_string(ChildState::Stopping), "stopping");
    EXPECT_STREQ(to_string(ChildState::Stopped), "stopped");
}

TEST(Reconciler, StoppingOrRetiringChildThatExitsIsStopped) {
    base::FakeClock clock;
    RestartPolicy policy;
    ExitEvent stopping = crash(clock.now());
    stopping.state = ChildState::Stopping;
    EXPECT_EQ(decide_exit(stopping, policy, clock.now(), false).next, ChildState::Stopped);
    ExitEvent retiring = crash(clock.now(), 2);
    retiring.retiring = true;
    EXPECT_EQ(decide_exit(retiring, policy, clock.now(), false).next, ChildState::Stopped);
    EXPECT_EQ(policy.crashes_in_window(), 0) << "a stop is no crash";
}

TEST(Reconciler, CrashBacksOffThenACrashLoopFailsWithANextTry) {
    base::FakeClock clock;
    RestartPolicy policy;
    for (int i = 0; i < 4; ++i) {
        const auto started = clock.now();
        clock.advance(1s);
        const Decision d = decide_exit(crash(started), policy, clock.now(), false);
        ASSERT_EQ(d.next, ChildState::Backoff) << i;
        EXPECT_GT(d.restart_delay, Duration::zero());
        EXPECT_FALSE(d.next_try);
        clock.advance(d.restart_delay);
    }
    const auto started = clock.now();
    clock.advance(1s);
    const Decision failed = decide_exit(crash(started, 3), policy, clock.now(), false);
    EXPECT_EQ(failed.next, ChildState::Failed);
    EXPECT_EQ(failed.failure_reason,
              "crashed 5 times within the restart window; last: exit status 3");
    ASSERT_TRUE(failed.next_try);
    EXPECT_EQ(*failed.next_try, clock.now() + 1min);
}

TEST(Reconciler, UsageErrorFailsAtOnceWithTheChildsFirstLine) {
    base::FakeClock clock;
    RestartPolicy policy;
    ExitEvent e = crash(clock.now(), kExitUsageError);
    e.first_line = "jamfleet-mixer: unknown option --bogus";
    const Decision d = decide_exit(e, policy, clock.now(), false);
    EXPECT_EQ(d.next, ChildState::Failed);
    EXPECT_EQ(d.failure_reason,
              "usage error (exit status 2): jamfleet-mixer: unknown option --bogus");
    ASSERT_TRUE(d.next_try);
    EXPECT_EQ(*d.next_try, clock.now() + 1min);
    // Killed by signal 2 (SIGINT) is no usage error.
    EXPECT_EQ(decide_exit(crash(clock.now(), 0, 2), policy, clock.now(), false).next,
              ChildState::Backoff);
}

TEST(Reconciler, FailedChildIsRetriedLaterAndLaterUntilItRunsStably) {
    base::FakeClock clock;
    RestartPolicy policy;
    const Duration expected[] = {1min, 2min, 4min};
    for (const Duration delay : expected) {
        const Decision d =
            decide_failure("bind: address in use", policy, clock.now(), false, false);
        ASSERT_TRUE(d.next_try);
        EXPECT_EQ(*d.next_try - clock.now(), delay);
        clock.advance(delay);
        policy.reset_window(); // the retry starts it again
    }
    // It ran stably, then crashed: backoff as new, and a later failure starts at 1 min.
    const auto started = clock.now();
    clock.advance(40s);
    EXPECT_EQ(decide_exit(crash(started), policy, clock.now(), false).next, ChildState::Backoff);
    EXPECT_EQ(*decide_failure("x", policy, clock.now(), false, false).next_try, clock.now() + 1min);
}

TEST(Reconciler, NoRetryIsScheduledWhileTheFleetStopsOrForARetiringChild) {
    base::FakeClock clock;
    RestartPolicy policy;
    EXPECT_FALSE(decide_failure("x", policy, clock.now(), true, false).next_try);
    EXPECT_FALSE(decide_failure("x", policy, clock.now(), false, true).next_try);
    ExitEvent e = crash(clock.now(), kExitUsageError);
    EXPECT_FALSE(decide_exit(e, policy, clock.now(), true).next_try);
}

TEST(Reconciler, RoomWaitingToRestartWaitsForAFreshCountOfZero) {
    PendingRestart facts{true, ChildState::Running, true, std::nullopt, false};
    EXPECT_EQ(decide_pending_restart(facts), PendingAction::Wait) << "count unknown";
    facts.clients = 2;
    EXPECT_EQ(decide_pending_restart(facts), PendingAction::Wait);
    facts.clients = 0;
    EXPECT_EQ(decide_pending_restart(facts), PendingAction::RestartNow);
    facts.can_count_clients = false;
    facts.clients = std::nullopt;
    EXPECT_EQ(decide_pending_restart(facts), PendingAction::RestartNow) << "cannot count";
    for (ChildState state : {ChildState::Adopting, ChildState::Backoff, ChildState::Failed,
                             ChildState::Stopping, ChildState::Stopped}) {
        facts.state = state;
        EXPECT_EQ(decide_pending_restart(facts), PendingAction::None) << to_string(state);
    }
    facts.state = ChildState::Running;
    facts.fleet_stopping = true;
    EXPECT_EQ(decide_pending_restart(facts), PendingAction::None);
    EXPECT_EQ(decide_pending_restart({false, ChildState::Running, true, 0, false}),
              PendingAction::None);
}

TEST(Reconciler, AdoptionPlanForEveryVerdict) {
    using V = AdoptionVerdict;
    using P = AdoptionPlan;
    EXPECT_EQ(plan_adoption(V::Adopt, false, false, false), P::Keep);
    EXPECT_EQ(plan_adoption(V::Adopt, false, true, false), P::RestartWhenEmpty);
    EXPECT_EQ(plan_adoption(V::Adopt, false, true, true), P::RestartNow);
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, false, false, false), P::RestartWhenEmpty);
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, false, false, true), P::RestartWhenEmpty);
    EXPECT_EQ(plan_adoption(V::Adopt, true, false, false), P::Stop);
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, true, true, true), P::Stop);
    EXPECT_EQ(plan_adoption(V::NotOurs, false, false, false), P::LeaveAlone);
    EXPECT_EQ(plan_adoption(V::NotOurs, true, true, true), P::LeaveAlone);
    // Older settings that differ only in live ones are applied live, unless the
    // binary was replaced too (then the restart brings both).
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, false, false, false, true), P::ApplyLive);
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, false, true, false, true), P::RestartWhenEmpty);
    EXPECT_EQ(plan_adoption(V::Adopt, false, false, false, true), P::Keep);
    EXPECT_EQ(plan_adoption(V::AdoptThenApply, true, false, false, true), P::Stop);
}

} // namespace
} // namespace jamfleet::orchestrator
