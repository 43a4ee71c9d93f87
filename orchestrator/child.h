// One supervised child (the directory or a room): its launch spec, process,
// restart policy and what `jamfleet status` reports about it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_client.h"
#include "io/child_process.h"
#include "io/timer.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/restart_policy.h"

namespace jamfleet::orchestrator {

enum class ChildState {
    Running,  // process alive
    Backoff,  // crashed; a restart is scheduled
    Failed,   // gave up (crash loop, busy port, spawn error) until reload/restart
    Stopping, // SIGTERM sent, waiting for the exit
    Stopped,  // not running on purpose
};

const char* to_string(ChildState state);

// A line a child wrote, labelled with its name for the supervisor's stderr: log
// lines (`level component: message ...`) get a ` child=NAME` field, anything else
// (a crash message, say) a `[NAME] ` prefix.
std::string label_child_line(std::string_view child_name, std::string_view line);

// "exit status 3", "killed by signal 9 (SIGKILL)".
std::string describe_exit(std::int64_t exit_status, int term_signal);

struct Child {
    Child(io::Loop& loop, LaunchSpec launch, RestartPolicyOptions options, std::uint32_t seed)
        : spec(std::move(launch)), policy(options, seed), restart_timer(loop), kill_timer(loop) {}

    LaunchSpec spec;
    ChildState state = ChildState::Stopped;
    std::unique_ptr<io::ChildProcess> process;
    RestartPolicy policy;
    io::Timer restart_timer;
    io::Timer kill_timer;
    base::TimePoint started_at{};
    int restarts = 0;
    std::string last_exit;      // why the previous process ended
    std::string failure_reason; // why it is Failed
    // Run once when a stop completes (the child is then Stopped).
    std::vector<std::function<void()>> on_stopped;
    // The child's control channel (when it has a control socket) and the latest
    // status document it reported there.
    std::unique_ptr<control::ControlClient> control;
    nlohmann::json child_status;
};

} // namespace jamfleet::orchestrator
