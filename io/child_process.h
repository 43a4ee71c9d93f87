// A supervised child process: fork/exec (optionally with PR_SET_PDEATHSIG so the
// child dies with its supervisor), optional own process group, exit reported on
// the loop through a pidfd, so no SIGCHLD handler or global state is involved.
// A process started by an earlier supervisor can be adopted by pid (adopt()).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {

class OutputLines;

struct ChildOptions {
    std::string path;              // executable; no PATH search
    std::vector<std::string> args; // argv[1..]; argv[0] is `path`
    // Added to (or replacing in) the supervisor's environment.
    std::map<std::string, std::string> env;
    // Own process group, so a terminal's Ctrl-C reaches only the supervisor,
    // which then stops children in order.
    bool new_process_group = false;
    // Signal the child receives when the supervisor dies; 0: none, the child
    // outlives its supervisor.
    int death_signal = 15; // SIGTERM
    // The child starts with SIGPIPE ignored (the disposition survives exec), so a
    // write to a log pipe nobody reads fails with EPIPE instead of killing it.
    bool ignore_sigpipe = false;
    // When set, the child's stdout and stderr go to this FIFO (created if
    // missing), opened non-blocking: a full or unread FIFO never blocks the child.
    // The parent reads it like the pipe of on_output_line (which must be set), and
    // a later supervisor can read it again after adopt().
    std::string log_fifo;
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

    // Supervises process `pid` that an earlier supervisor started, if it still
    // runs and started at `start_time` (field 22 of /proc/PID/stat, so a recycled
    // pid is refused). When it is not our child (the earlier supervisor died), its
    // exit status cannot be known: the exit callback then gets kExitUnknown.
    // `log_fifo` and `on_output_line` as in ChildOptions (either may be empty).
    // Errors: "adopt 42: no such process", "adopt 42: started at 7, not 5".
    static base::Result<std::unique_ptr<ChildProcess>, std::string>
    adopt(Loop& loop, pid_t pid, std::uint64_t start_time, std::string log_name,
          const std::string& log_fifo, std::function<void(std::string_view)> on_output_line,
          ExitCallback on_exit);

    // exit_status of a process whose status could not be collected.
    static constexpr std::int64_t kExitUnknown = -1;

    // Field 22 of /proc/PID/stat (clock ticks since boot); nullopt when gone.
    static std::optional<std::uint64_t> start_time_of(pid_t pid);

    // A still-running child is sent SIGKILL and reaped, so none is left behind.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    std::uint64_t start_time() const { return start_time_; }
    // Whether it came from adopt() rather than spawn().
    bool adopted() const { return adopted_; }
    bool running() const { return !exited_; }
    // Sends `signum` to the child (or its whole group when it has one); false if
    // it already exited.
    bool kill(int signum);
    // Stops supervising without signalling: the process runs on, its exit is no
    // longer reported, and the destructor leaves it alone.
    void forget();

private:
    ChildProcess(pid_t pid, int pidfd, bool group, std::string name, ExitCallback on_exit);
    void on_pidfd_readable();
    // Reads the log FIFO / pipe from `fd` (owned from now on).
    void watch_output(Loop& loop, int fd, std::function<void(std::string_view)> on_line);

    pid_t pid_;
    int pidfd_;
    bool group_;
    std::string name_;
    bool exited_ = false;
    bool adopted_ = false;
    std::uint64_t start_time_ = 0;
    ExitCallback on_exit_;
    std::unique_ptr<FdWatcher> watcher_;
    std::unique_ptr<OutputLines> output_;
};

} // namespace jamfleet::io
