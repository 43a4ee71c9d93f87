// ChildProcess: everything the child runs between fork and exec is async-signal
// safe (prctl, setpgid, signal, dup2, execve, write, _exit); argv and envp are
// built before fork.
#include "io/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/log.h"
#include "io/output_lines.h"
#include "io/udp_socket.h"

extern char** environ;

namespace jamfleet::io {
namespace {

int pidfd_open(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos && extra.contains(entry.substr(0, eq))) {
            continue;
        }
        env.push_back(entry);
    }
    for (const auto& [key, value] : extra) {
        env.push_back(key + "=" + value);
    }
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

// Opens `path` (a FIFO, created when missing) for reading, non-blocking, so
// opening never waits for a writer. -1 and errno on failure.
int open_fifo_reader(const std::string& path) {
    if (::mkfifo(path.c_str(), 0600) != 0 && errno != EEXIST) {
        return -1;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return -1;
    }
    if (!S_ISFIFO(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

} // namespace

std::optional<std::uint64_t> ChildProcess::start_time_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) is in parentheses and may hold spaces or ')'.
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(text.substr(paren + 1));
    std::string field;
    // Fields 3..21 come before the start time.
    for (int i = 3; i <= 21; ++i) {
        if (!(fields >> field)) {
            return std::nullopt;
        }
    }
    std::uint64_t start = 0;
    if (!(fields >> start)) {
        return std::nullopt;
    }
    return start;
}

void ChildProcess::watch_output(Loop& loop, int fd, std::function<void(std::string_view)> on_line) {
    output_ = std::make_unique<OutputLines>(loop, fd, std::move(on_line));
}

base::Result<std::unique_ptr<ChildProcess>, std::string>
ChildProcess::adopt(Loop& loop, pid_t pid, std::uint64_t start_time, std::string log_name,
                    const std::string& log_fifo,
                    std::function<void(std::string_view)> on_output_line, ExitCallback on_exit) {
    const std::string what = "adopt " + std::to_string(pid) + ": ";
    if (pid <= 0) {
        return base::Err{what + "no such process"};
    }
    const int pidfd = pidfd_open(pid);
    if (pidfd < 0) {
        return base::Err{what + errno_text(errno)};
    }
    // Checked after pidfd_open: from now on the pid cannot be recycled under us.
    const auto started = start_time_of(pid);
    if (!started || *started != start_time) {
        ::close(pidfd);
        return base::Err{what + (started ? "started at " + std::to_string(*started) + ", not " +
                                               std::to_string(start_time)
                                         : std::string("no such process"))};
    }
    std::unique_ptr<ChildProcess> child(new ChildProcess(pid, pidfd, ::getpgid(pid) == pid,
                                                         std::move(log_name), std::move(on_exit)));
    child->adopted_ = true;
    child->start_time_ = start_time;
    auto* raw = child.get();
    child->watcher_ = std::make_unique<FdWatcher>(loop, pidfd, [raw] { raw->on_pidfd_readable(); });
    if (!log_fifo.empty() && on_output_line) {
        const int fd = open_fifo_reader(log_fifo);
        if (fd >= 0) {
            child->watch_output(loop, fd, std::move(on_output_line));
        } else {
            base::Logger("process").warn("cannot read the child's log",
                                         {{"fifo", log_fifo}, {"error", errno_text(errno)}});
        }
    }
    base::Logger("process").info("adopted", {{"name", child->name_}, {"pid", pid}});
    return child;
}

base::Result<std::unique_ptr<ChildProcess>, std::string>
ChildProcess::spawn(Loop& loop, const ChildOptions& options, ExitCallback on_exit) {
    const std::string what = "spawn " + options.path + ": ";
    std::vector<std::string> argv_strings{options.path};
    argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
    std::vector<std::string> env_strings = merged_environment(options.env);
    std::vector<char*> argv = pointers(argv_strings);
    std::vector<char*> envp = pointers(env_strings);

    int status_pipe[2];
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
        return base::Err{what + errno_text(errno)};
    }
    // output_pipe[0] is what the parent reads, output_pipe[1] the child's stdout.
    int output_pipe[2] = {-1, -1};
    const bool capture = static_cast<bool>(options.on_output_line);
    if (capture && !options.log_fifo.empty()) {
        output_pipe[0] = open_fifo_reader(options.log_fifo);
        if (output_pipe[0] >= 0) {
            output_pipe[1] = ::open(options.log_fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (output_pipe[1] < 0) {
                const int err = errno;
                ::close(output_pipe[0]);
                errno = err;
            }
        }
        if (output_pipe[0] < 0 || output_pipe[1] < 0) {
            const int err = errno;
            ::close(status_pipe[0]);
            ::close(status_pipe[1]);
            return base::Err{what + "log fifo " + options.log_fifo + ": " + errno_text(err)};
        }
    } else if (capture) {
        if (::pipe2(output_pipe, O_CLOEXEC) != 0) {
            const int err = errno;
            ::close(status_pipe[0]);
            ::close(status_pipe[1]);
            return base::Err{what + errno_text(err)};
        }
        // Only the supervisor's end is non-blocking; the child writes as usual.
        ::fcntl(output_pipe[0], F_SETFL, O_NONBLOCK);
    }
    const auto close_output = [&] {
        if (capture) {
            ::close(output_pipe[0]);
            ::close(output_pipe[1]);
        }
    };
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(status_pipe[0]);
        ::close(status_pipe[1]);
        close_output();
        return base::Err{what + errno_text(err)};
    }
    if (pid == 0) {
        ::close(status_pipe[0]);
        if (options.death_signal != 0) {
            ::prctl(PR_SET_PDEATHSIG, options.death_signal);
            // The supervisor may have died between fork and prctl: then nobody
            // would ever send the death signal, so leave now.
            if (::getppid() != parent) {
                ::_exit(127);
            }
        }
        if (options.ignore_sigpipe) {
            ::signal(SIGPIPE, SIG_IGN);
        }
        if (options.new_process_group) {
            ::setpgid(0, 0);
        }
        if (capture) {
            // dup2 leaves the new descriptors without close-on-exec.
            ::dup2(output_pipe[1], STDOUT_FILENO);
            ::dup2(output_pipe[1], STDERR_FILENO);
        }
        // libuv blocks no signals in the loop thread, but a caller's thread might:
        // give the child a clean signal mask so SIGTERM works.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(options.path.c_str(), argv.data(), envp.data());
        const int err = errno;
        [[maybe_unused]] auto n = ::write(status_pipe[1], &err, sizeof err);
        ::_exit(127);
    }
    ::close(status_pipe[1]);
    if (capture) {
        ::close(output_pipe[1]);
    }
    int child_errno = 0;
    ssize_t n;
    do {
        n = ::read(status_pipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    ::close(status_pipe[0]);
    if (n == sizeof child_errno) {
        ::waitpid(pid, nullptr, 0); // it exited with 127 right after writing
        if (capture) {
            ::close(output_pipe[0]);
        }
        return base::Err{what + errno_text(child_errno)};
    }
    const int pidfd = pidfd_open(pid);
    if (pidfd < 0) {
        const int err = errno;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        if (capture) {
            ::close(output_pipe[0]);
        }
        return base::Err{what + "pidfd_open: " + errno_text(err)};
    }
    if (options.new_process_group) {
        // Also from the parent, so kill(-pid) works even before the child ran setpgid.
        ::setpgid(pid, pid);
    }
    std::unique_ptr<ChildProcess> child(new ChildProcess(
        pid, pidfd, options.new_process_group,
        options.log_name.empty() ? options.path : options.log_name, std::move(on_exit)));
    child->start_time_ = start_time_of(pid).value_or(0);
    auto* raw = child.get();
    child->watcher_ = std::make_unique<FdWatcher>(loop, pidfd, [raw] { raw->on_pidfd_readable(); });
    if (capture) {
        child->watch_output(loop, output_pipe[0], options.on_output_line);
    }
    base::Logger("process").info("started", {{"name", child->name_}, {"pid", pid}});
    return child;
}

ChildProcess::ChildProcess(pid_t pid, int pidfd, bool group, std::string name, ExitCallback on_exit)
    : pid_(pid), pidfd_(pidfd), group_(group), name_(std::move(name)),
      on_exit_(std::move(on_exit)) {}

ChildProcess::~ChildProcess() {
    watcher_.reset();
    output_.reset();
    if (!exited_) {
        ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
        if (!adopted_) {
            ::waitpid(pid_, nullptr, 0);
        } else {
            // Possibly not our child (then init reaps it): wait on the pidfd.
            pollfd p{pidfd_, POLLIN, 0};
            ::poll(&p, 1, 5000);
            ::waitid(P_PID, static_cast<id_t>(pid_), nullptr, WEXITED | WNOHANG);
        }
    }
    ::close(pidfd_);
}

bool ChildProcess::kill(int signum) {
    if (exited_) {
        return false;
    }
    // The pidfd pins the pid until we reap it, so this cannot hit a recycled pid;
    // an adopted process may not be ours to reap, so it is signalled through the
    // pidfd itself (its group only while the pidfd says it is alive).
    if (adopted_) {
        if (::syscall(SYS_pidfd_send_signal, pidfd_, signum, nullptr, 0) != 0) {
            return false;
        }
        if (group_) {
            ::kill(-pid_, signum);
        }
        return true;
    }
    return ::kill(group_ ? -pid_ : pid_, signum) == 0 || ::kill(pid_, signum) == 0;
}

void ChildProcess::forget() {
    exited_ = true;
    watcher_->stop();
    output_.reset();
}

void ChildProcess::on_pidfd_readable() {
    siginfo_t info{};
    std::int64_t exit_status = 0;
    int term_signal = 0;
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG) == 0) {
        if (info.si_pid == 0) {
            return; // not exited yet
        }
        if (info.si_code == CLD_EXITED) {
            exit_status = info.si_status;
        } else {
            term_signal = info.si_status;
        }
    } else if (errno == ECHILD && adopted_) {
        // A readable pidfd means it exited; its parent (init) collects the status.
        exit_status = kExitUnknown;
    } else {
        return;
    }
    exited_ = true;
    watcher_->stop();
    // Everything the child wrote is in the pipe now: deliver it before the exit.
    if (output_) {
        output_->drain();
    }
    base::Logger("process").info(
        "exited",
        {{"name", name_}, {"pid", pid_}, {"exit_status", exit_status}, {"signal", term_signal}});
    if (on_exit_) {
        auto fn = on_exit_; // the callback may destroy this object
        fn(exit_status, term_signal);
    }
}

} // namespace jamfleet::io
