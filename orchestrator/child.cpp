// Child state names and exit descriptions for logs and status.
#include "orchestrator/child.h"

#include <csignal>
#include <cstring>

namespace jamfleet::orchestrator {

const char* to_string(ChildState state) {
    switch (state) {
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

std::string describe_exit(std::int64_t exit_status, int term_signal) {
    if (term_signal != 0) {
        const char* name = sigabbrev_np(term_signal);
        return "killed by signal " + std::to_string(term_signal) +
               (name != nullptr ? " (SIG" + std::string(name) + ")" : "");
    }
    return "exit status " + std::to_string(exit_status);
}

} // namespace jamfleet::orchestrator
