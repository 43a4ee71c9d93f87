// A supervised child process: fork/exec with PR_SET_PDEATHSIG (the child dies
// with its supervisor), optional own process group, exit reported on the loop
// through a pidfd, so no SIGCHLD handler or global state is involved.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {

namespace detail {
class LineStream;
}

struct ChildOptions {
    std::string path;              // executable; no PATH search
    std::vector<std::string> args; // argv[1..]; argv[0] is `path`
    // Added to (or replacing in) the supervisor's environment.
    std::map<std::string, std::string> env;
    // Own process group, so a terminal's Ctrl-C reaches only the supervisor,
    // which then stops children in order.
    bool new_process_group = false;
    // Signal the child receives when the supervisor dies.
    int death_signal = 15; // SIGTERM
    // Names the child in the supervisor's log lines ("mixer main").
    std::string log_name;
    // When set, the child's stdout and stderr go through a pipe and arrive here
    // line by line (so the supervisor can prefix them with the child's name);
    // otherwise both are inherited. Lines may still arrive after the exit callback.
    std::function<void(std::string_view line)> on_output_line;
};

class ChildProcess {
public:
    // exit_status is the exit code when the child exited, term_signal the signal
    // that killed it (0 when it exited normally).
    using ExitCallback = std::function<void(std::int64_t exit_status, int term_signal)>;

    // Errors: "spawn /usr/bin/x: no such file or directory" (exec failures are
    // reported here, not as an exit, thanks to a close-on-exec status pipe).
    // Call from the loop thread: Linux sends the death signal when the *thread*
    // that forked ends, so forking from a short-lived worker thread would kill
    // the child early.
    static base::Result<std::unique_ptr<ChildProcess>, std::string>
    spawn(Loop& loop, const ChildOptions& options, ExitCallback on_exit);

    // A still-running child is sent SIGKILL and reaped, so none is left behind.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return !exited_; }
    // Sends `signum` to the child (or its whole group when it has one); false if
    // it already exited.
    bool kill(int signum);

private:
    ChildProcess(pid_t pid, int pidfd, bool group, std::string name, ExitCallback on_exit);
    void on_pidfd_readable();

    pid_t pid_;
    int pidfd_;
    bool group_;
    std::string name_;
    bool exited_ = false;
    ExitCallback on_exit_;
    std::unique_ptr<FdWatcher> watcher_;
    detail::LineStream* output_ = nullptr; // self-owning; detached in the destructor
};

} // namespace jamfleet::io
