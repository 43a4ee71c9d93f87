// A child process for interop tests: private HOME, output captured to a log file, parent-death
// signal, and bounded waits; it is only ever signalled by the PID it was started with.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace jamfleet::interop {

using Env = std::vector<std::pair<std::string, std::string>>;

struct ProcessOptions {
    std::string name;               // used for the log file name and in messages
    std::string program;            // looked up in PATH when it has no '/'
    std::vector<std::string> args;  // without argv[0]
    Env env;                        // added to (or replacing) the inherited environment
    std::filesystem::path work_dir; // cwd, HOME and XDG_RUNTIME_DIR; created if missing
};

class Process {
public:
    // Starts the program; throws std::runtime_error when fork or exec fails.
    explicit Process(ProcessOptions options);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& name() const { return options_.name; }
    const std::filesystem::path& log_path() const { return log_path_; }
    std::string log_text() const;
    const ProcessOptions& options() const { return options_; }

    bool running();
    void send_signal(int signum);
    // Waits at most `timeout` for the process to exit; returns its wait status.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    // SIGTERM, then SIGKILL after `timeout`; returns the wait status.
    int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The exit code if the process exited normally (nullopt while running or if signalled).
    std::optional<int> exit_code() const;

private:
    ProcessOptions options_;
    std::filesystem::path log_path_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

struct CommandResult {
    int exit_code = -1; // -1: killed by a signal or timed out
    std::string output;
};

// Runs a short command to completion (bounded by `timeout`, then killed) and returns its output.
CommandResult run_command(ProcessOptions options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace jamfleet::interop
