// ChildProcess: everything the child runs between fork and exec is async-signal
// safe (prctl, setpgid, execve, write, _exit); argv and envp are built before fork.
#include "io/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <uv.h>

#include "base/log.h"
#include "io/detail/line_stream.h"
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

} // namespace

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
    int output_pipe[2] = {-1, -1};
    const bool capture = static_cast<bool>(options.on_output_line);
    if (capture && ::pipe2(output_pipe, O_CLOEXEC) != 0) {
        const int err = errno;
        ::close(status_pipe[0]);
        ::close(status_pipe[1]);
        return base::Err{what + errno_text(err)};
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
        ::prctl(PR_SET_PDEATHSIG, options.death_signal);
        // The supervisor may have died between fork and prctl: then nobody would
        // ever send the death signal, so leave now.
        if (::getppid() != parent) {
            ::_exit(127);
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
    auto* raw = child.get();
    child->watcher_ = std::make_unique<FdWatcher>(loop, pidfd, [raw] { raw->on_pidfd_readable(); });
    if (capture) {
        detail::LineStream::Callbacks callbacks;
        callbacks.on_line = [fn = options.on_output_line](std::string_view line) { fn(line); };
        // Only reached while the child object exists: its destructor detaches first.
        callbacks.on_closed = [raw] { raw->output_ = nullptr; };
        auto* stream = detail::LineStream::create(loop.raw(), detail::LineStream::Kind::Pipe,
                                                  1u << 20, std::move(callbacks));
        uv_pipe_open(reinterpret_cast<uv_pipe_t*>(stream->handle()), output_pipe[0]);
        stream->start_reading();
        child->output_ = stream;
    }
    base::Logger("process").info("started", {{"name", child->name_}, {"pid", pid}});
    return child;
}

ChildProcess::ChildProcess(pid_t pid, int pidfd, bool group, std::string name, ExitCallback on_exit)
    : pid_(pid), pidfd_(pidfd), group_(group), name_(std::move(name)),
      on_exit_(std::move(on_exit)) {}

ChildProcess::~ChildProcess() {
    watcher_.reset();
    if (output_ != nullptr) {
        output_->detach();
    }
    if (!exited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    ::close(pidfd_);
}

bool ChildProcess::kill(int signum) {
    if (exited_) {
        return false;
    }
    // The pidfd pins the pid until we reap it, so this cannot hit a recycled pid.
    return ::kill(group_ ? -pid_ : pid_, signum) == 0 || ::kill(pid_, signum) == 0;
}

void ChildProcess::on_pidfd_readable() {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG) != 0 ||
        info.si_pid == 0) {
        return;
    }
    exited_ = true;
    watcher_->stop();
    std::int64_t exit_status = 0;
    int term_signal = 0;
    if (info.si_code == CLD_EXITED) {
        exit_status = info.si_status;
    } else {
        term_signal = info.si_status;
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
