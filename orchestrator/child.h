// One supervised child (the directory or a room): its launch spec, process,
// restart policy and what `jamfleet status` reports about it.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_client.h"
#include "io/child_process.h"
#include "io/timer.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/reconciler.h"
#include "orchestrator/restart_policy.h"

namespace jamfleet::orchestrator {

// ChildState and its names: reconciler.h.

// A line a child wrote, labelled with its name for the supervisor's stderr: log
// lines (`level component: message ...`) get a ` child=NAME` field, anything else
// (a crash message, say) a `[NAME] ` prefix.
std::string label_child_line(std::string_view child_name, std::string_view line);

// "exit status 3", "killed by signal 9 (SIGKILL)".
// "exited (status unknown: not our child)" for io::ChildProcess::kExitUnknown.
std::string describe_exit(std::int64_t exit_status, int term_signal);

// How many of a child's last output lines status keeps.
inline constexpr std::size_t kLastLines = 20;

struct Child {
    Child(io::Loop& loop, LaunchSpec launch, RestartPolicyOptions options, std::uint32_t seed)
        : spec(std::move(launch)), policy(options, seed), restart_timer(loop), kill_timer(loop),
          adopt_timer(loop) {}

    // Keeps the last kLastLines lines, and the first line of the current run
    // (a usage error's message comes first, before the usage text).
    void remember_line(std::string_view line);

    LaunchSpec spec;
    ChildState state = ChildState::Stopped;
    std::unique_ptr<io::ChildProcess> process;
    RestartPolicy policy;
    io::Timer restart_timer;
    io::Timer kill_timer;
    io::Timer adopt_timer; // deadline for an adopted process's hello
    base::TimePoint started_at{};
    int restarts = 0;
    std::string last_exit;      // why the previous process ended
    std::string failure_reason; // why it is Failed
    // When a Failed child is tried again (restart_timer).
    std::optional<base::TimePoint> next_try;
    std::deque<std::string> last_lines;
    std::string first_line; // of the current run
    // The process was found in the run directory rather than started by us.
    bool adopted = false;
    // Adopted only to be stopped: its room is no longer in the fleet.
    bool retire_when_adopted = false;
    // Start-up settings changed (reload, or adopted from an older fleet file):
    // restart with these once the room has no clients ("waiting_to_restart").
    std::optional<LaunchSpec> pending_spec;
    // program_identity() of the binary this process runs (see ChildRecord).
    std::string program_id;
    // Run once when a stop completes (the child is then Stopped).
    std::vector<std::function<void()>> on_stopped;
    // The child's control channel (when it has a control socket) and the latest
    // status document it reported there.
    std::unique_ptr<control::ControlClient> control;
    nlohmann::json child_status;
};

} // namespace jamfleet::orchestrator
