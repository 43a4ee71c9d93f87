// The supervisor's decisions (see reconciler.h).
#include "orchestrator/reconciler.h"

namespace jamfleet::orchestrator {

const char* to_string(ChildState state) {
    switch (state) {
    case ChildState::Adopting:
        return "adopting";
    case ChildState::Running:
        return "running";
    case ChildState::Backoff:
        return "backoff";
    case ChildState::Failed:
        return "failed";
    case ChildState::Stopping:
        return "stopping";
    case ChildState::Stopped:
        return "stopped";
    }
    return "unknown";
}

Decision decide_failure(std::string reason, RestartPolicy& policy, TimePoint now,
                        bool fleet_stopping, bool retiring) {
    Decision d;
    d.next = ChildState::Failed;
    d.failure_reason = std::move(reason);
    if (!fleet_stopping && !retiring) {
        // Unattended fleets heal: try again after minutes, growing.
        d.next_try = policy.next_failed_retry(now);
    }
    return d;
}

Decision decide_exit(const ExitEvent& event, RestartPolicy& policy, TimePoint now,
                     bool fleet_stopping) {
    if (event.state == ChildState::Stopping || event.retiring) {
        return Decision{ChildState::Stopped, {}, std::nullopt, {}};
    }
    if (event.exit_status == kExitUsageError && event.term_signal == 0) {
        // A bad command line: restarting cannot help.
        return decide_failure("usage error (exit status 2)" +
                                  (event.first_line.empty() ? "" : ": " + event.first_line),
                              policy, now, fleet_stopping, false);
    }
    const RestartDecision restart = policy.on_exit(event.started_at, now);
    if (restart.failed) {
        return decide_failure("crashed " + std::to_string(policy.crashes_in_window()) +
                                  " times within the restart window; last: " + event.exit_text,
                              policy, now, fleet_stopping, false);
    }
    return Decision{ChildState::Backoff, restart.delay, std::nullopt, {}};
}

PendingAction decide_pending_restart(const PendingRestart& facts) {
    if (!facts.pending || facts.fleet_stopping || facts.state != ChildState::Running) {
        return PendingAction::None;
    }
    if (!facts.can_count_clients) {
        // Nobody can tell whether musicians are there (old binary, hung): now.
        return PendingAction::RestartNow;
    }
    if (!facts.clients) {
        return PendingAction::Wait;
    }
    return *facts.clients == 0 ? PendingAction::RestartNow : PendingAction::Wait;
}

AdoptionPlan plan_adoption(AdoptionVerdict verdict, bool retiring, bool program_replaced,
                           bool force_now, bool only_live_differs) {
    if (verdict == AdoptionVerdict::NotOurs) {
        return AdoptionPlan::LeaveAlone;
    }
    if (retiring) {
        return AdoptionPlan::Stop;
    }
    if (verdict == AdoptionVerdict::Adopt && program_replaced) {
        return force_now ? AdoptionPlan::RestartNow : AdoptionPlan::RestartWhenEmpty;
    }
    if (verdict == AdoptionVerdict::AdoptThenApply) {
        return only_live_differs && !program_replaced ? AdoptionPlan::ApplyLive
                                                      : AdoptionPlan::RestartWhenEmpty;
    }
    return AdoptionPlan::Keep;
}

} // namespace jamfleet::orchestrator
