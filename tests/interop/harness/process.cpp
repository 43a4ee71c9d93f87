// Process: fork/exec with a parent-death signal, private HOME and a log file per child.
#include "tests/interop/harness/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

extern char** environ;

namespace jamfleet::interop {
namespace {

// Builds the child's environment before fork, so the child only calls async-signal-safe code.
std::vector<std::string> build_env(const ProcessOptions& options) {
    Env overrides = {{"HOME", options.work_dir.string()},
                     {"XDG_RUNTIME_DIR", options.work_dir.string()},
                     {"LC_ALL", "C.UTF-8"}};
    overrides.insert(overrides.end(), options.env.begin(), options.env.end());
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string_view entry(*e);
        const auto name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& [key, value] : overrides) {
            replaced = replaced || key == name;
        }
        if (!replaced) {
            env.emplace_back(entry);
        }
    }
    for (const auto& [key, value] : overrides) {
        env.push_back(key + "=" + value);
    }
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

std::string tail(const std::string& text, std::size_t max_bytes) {
    return text.size() <= max_bytes ? text : "…" + text.substr(text.size() - max_bytes);
}

} // namespace

Process::Process(ProcessOptions options) : options_(std::move(options)) {
    std::filesystem::create_directories(options_.work_dir);
    log_path_ = options_.work_dir / (options_.name + ".log");
    std::vector<std::string> argv_strings{options_.program};
    argv_strings.insert(argv_strings.end(), options_.args.begin(), options_.args.end());
    auto env_strings = build_env(options_);
    auto argv = c_strings(argv_strings);
    auto envp = c_strings(env_strings);
    const std::string work_dir = options_.work_dir.string();

    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) {
        throw std::runtime_error("open log " + log_path_.string() + ": " + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        // Child: only async-signal-safe calls from here on.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) {
            ::_exit(126); // the test died between fork and prctl
        }
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        if (::chdir(work_dir.c_str()) != 0) {
            ::_exit(126);
        }
        ::execvpe(argv[0], argv.data(), envp.data());
        static constexpr char kMessage[] = "interop harness: exec failed\n";
        [[maybe_unused]] auto n = ::write(2, kMessage, sizeof kMessage - 1);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(log_fd);
    ::close(null_fd);
    if (pid_ < 0) {
        throw std::runtime_error("fork for " + options_.name + ": " + std::strerror(fork_errno));
    }
}

Process::~Process() {
    terminate(std::chrono::seconds(5));
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    if (test != nullptr && ::testing::Test::HasFailure()) {
        std::cerr << "---- " << options_.name << " (pid " << pid_ << ", " << log_path_.string()
                  << ") ----\n"
                  << tail(log_text(), 4000) << "\n---- end of " << options_.name << " ----\n";
    }
}

std::string Process::log_text() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool Process::running() {
    if (status_) {
        return false;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        return false;
    }
    return true;
}

void Process::send_signal(int signum) {
    if (running()) {
        ::kill(pid_, signum);
    }
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
}

int Process::terminate(std::chrono::milliseconds timeout) {
    send_signal(SIGTERM);
    if (auto status = wait_exit(timeout)) {
        return *status;
    }
    send_signal(SIGKILL);
    // SIGKILL cannot be ignored; the bound only guards against an uninterruptible sleep.
    if (auto status = wait_exit(std::chrono::seconds(10))) {
        return *status;
    }
    ADD_FAILURE() << options_.name << " (pid " << pid_ << ") survived SIGKILL for 10 s";
    return -1;
}

std::optional<int> Process::exit_code() const {
    if (status_ && WIFEXITED(*status_)) {
        return WEXITSTATUS(*status_);
    }
    return std::nullopt;
}

CommandResult run_command(ProcessOptions options, std::chrono::milliseconds timeout) {
    Process process(std::move(options));
    CommandResult result;
    if (auto status = process.wait_exit(timeout); status && WIFEXITED(*status)) {
        result.exit_code = WEXITSTATUS(*status);
    } else {
        process.terminate(std::chrono::seconds(2));
    }
    result.output = process.log_text();
    std::filesystem::remove(process.log_path());
    return result;
}

} // namespace jamfleet::interop
