// The supervisor's decisions as pure functions of events and the time: what a
// child becomes when its process ends or fails to start, when a room waiting
// for new settings restarts, and what becomes of a process found at start-up.
// The process layer (supervisor*.cpp) only carries them out, so every
// transition is unit-tested with a fake clock (tests/orchestrator/reconciler_test.cpp).
//
//   (none) ──start──► Running ──exit──► Backoff ──delay──► Running
//      │                 │   └──exit 2 / crash loop──► Failed ──next_try──► Running
//      └──record──► Adopting ──hello──► Running (or restart when empty / now, stop, leave)
//   Running ──new start-up settings──► waiting_to_restart ──0 clients──► Stopping ──► Running
//   any ──stop──► Stopping ──exit──► Stopped
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/clock.h"
#include "orchestrator/child_record.h"
#include "orchestrator/restart_policy.h"

namespace jamfleet::orchestrator {

enum class ChildState {
    Adopting, // a process found in the run directory; waiting for its hello
    Running,  // process alive
    Backoff,  // crashed; a restart is scheduled
    Failed,   // gave up (crash loop, usage error, busy port, spawn error); retried later
    Stopping, // SIGTERM sent, waiting for the exit
    Stopped,  // not running on purpose
};

const char* to_string(ChildState state);

// The exit status meaning "usage error" (a bad command line).
inline constexpr std::int64_t kExitUsageError = 2;

struct ExitEvent {
    ChildState state = ChildState::Running; // when the process ended
    bool retiring = false;                  // adopted only to be stopped
    std::int64_t exit_status = 0;
    int term_signal = 0;
    TimePoint started_at{};
    std::string first_line; // the child's first output line of this run
    std::string exit_text;  // describe_exit()
};

struct Decision {
    ChildState next = ChildState::Stopped; // Stopped, Backoff or Failed
    Duration restart_delay{};              // when Backoff
    std::optional<TimePoint> next_try;     // when Failed and the fleet is not stopping
    std::string failure_reason;            // when Failed
};

Decision decide_exit(const ExitEvent& event, RestartPolicy& policy, TimePoint now,
                     bool fleet_stopping);

// The child could not be started (busy port, spawn error) or gave up.
Decision decide_failure(std::string reason, RestartPolicy& policy, TimePoint now,
                        bool fleet_stopping, bool retiring);

struct PendingRestart {
    bool pending = false; // new start-up settings (or binary) wait
    ChildState state = ChildState::Running;
    bool can_count_clients = false;     // its control channel answers
    std::optional<std::size_t> clients; // from a fresh status; nullopt while unknown
    bool fleet_stopping = false;
};

enum class PendingAction { None, Wait, RestartNow };

PendingAction decide_pending_restart(const PendingRestart& facts);

enum class AdoptionPlan {
    Keep,             // ours, current settings and binary
    ApplyLive,        // ours, older settings that it can take live
    RestartWhenEmpty, // ours, but older start-up settings or a replaced binary
    RestartNow,       // a replaced binary and `upgrade --now`
    Stop,             // ours, but its room is no longer in the fleet
    LeaveAlone,       // someone else's process: start ours afresh
};

// `only_live_differs`: the recorded settings differ from the wanted ones in
// live settings alone (config/room_settings.h).
AdoptionPlan plan_adoption(AdoptionVerdict verdict, bool retiring, bool program_replaced,
                           bool force_now, bool only_live_differs = false);

} // namespace jamfleet::orchestrator
