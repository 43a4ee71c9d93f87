// Children that outlive their supervisor: no death signal, output through a
// FIFO whose writes fail harmlessly while nobody reads, and adoption by pid and
// start time (a recycled pid is refused; a non-child's exit status is unknown).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "io/child_process.h"
#include "io/loop.h"
#include "io/output_lines.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

std::filesystem::path scratch(const char* name) {
    auto dir = std::filesystem::temp_directory_path() /
               (std::string("jamfleet-adopt-") + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// A forked "supervisor" spawns `script` (no death signal, log FIFO, SIGPIPE
// ignored) and dies without cleaning up; returns the orphan's pid.
pid_t orphan(const std::string& fifo, const std::string& script) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) {
        return -1;
    }
    const pid_t supervisor = ::fork();
    if (supervisor == 0) {
        Loop loop;
        ChildOptions options;
        options.path = "/bin/sh";
        options.args = {"-c", script};
        options.death_signal = 0;
        options.ignore_sigpipe = true;
        options.new_process_group = true;
        options.log_fifo = fifo;
        options.on_output_line = [](std::string_view) {};
        auto r = ChildProcess::spawn(loop, options, [](std::int64_t, int) {});
        pid_t pid = r.ok() ? r.value()->pid() : -1;
        [[maybe_unused]] auto n = ::write(pipefd[1], &pid, sizeof pid);
        ::_exit(0); // no destructors: like kill -9 of the supervisor
    }
    ::close(pipefd[1]);
    pid_t child = -1;
    [[maybe_unused]] auto n = ::read(pipefd[0], &child, sizeof child);
    ::close(pipefd[0]);
    ::waitpid(supervisor, nullptr, 0);
    return child;
}

TEST(ChildAdoption, ChildOutlivesItsSupervisorWritesIntoTheVoidAndIsAdoptedWithItsLog) {
    const auto dir = scratch("outlive");
    const std::string fifo = (dir / "child.log").string();
    const pid_t pid = orphan(fifo, "while :; do echo tick; sleep 0.05; done");
    ASSERT_GT(pid, 0);
    const auto start = ChildProcess::start_time_of(pid);
    ASSERT_TRUE(start.has_value());
    // Half a second of writes with no reader (EPIPE each time): still alive.
    ::usleep(500000);
    ASSERT_EQ(ChildProcess::start_time_of(pid), start) << "the child died with its supervisor";

    Loop loop;
    std::vector<std::string> lines;
    bool exited = false;
    std::int64_t status = 0;
    auto adopted = ChildProcess::adopt(
        loop, pid, *start, "orphan", fifo, [&](std::string_view line) { lines.emplace_back(line); },
        [&](std::int64_t s, int) {
            exited = true;
            status = s;
        });
    ASSERT_TRUE(adopted.ok()) << adopted.error();
    auto child = std::move(adopted).value();
    EXPECT_TRUE(child->adopted());
    EXPECT_EQ(child->pid(), pid);
    ASSERT_TRUE(loop.run_until([&] { return lines.size() >= 3; }, 5s)) << "no log after adoption";
    EXPECT_EQ(lines[0], "tick");
    ASSERT_TRUE(child->kill(SIGTERM));
    ASSERT_TRUE(loop.run_until([&] { return exited; }, 5s));
    // Reparented to init (or a subreaper), so its status is not ours to collect.
    EXPECT_EQ(status, ChildProcess::kExitUnknown);
    std::filesystem::remove_all(dir);
}

TEST(ChildAdoption, RecycledPidWithAnotherStartTimeIsRefused) {
    Loop loop;
    const auto mine = ChildProcess::start_time_of(::getpid());
    ASSERT_TRUE(mine.has_value());
    auto r = ChildProcess::adopt(loop, ::getpid(), *mine + 1, "x", "", {}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("started at"), std::string::npos) << r.error();
    auto gone = ChildProcess::adopt(loop, 0x3fffffff, 1, "x", "", {}, {});
    EXPECT_FALSE(gone.ok());
}

TEST(ChildAdoption, ForgottenProcessIsLeftRunning) {
    const auto dir = scratch("forget");
    const pid_t pid = orphan((dir / "log").string(), "exec sleep 30");
    ASSERT_GT(pid, 0);
    const auto start = ChildProcess::start_time_of(pid);
    ASSERT_TRUE(start.has_value());
    {
        Loop loop;
        auto r = ChildProcess::adopt(loop, pid, *start, "x", "", {}, {});
        ASSERT_TRUE(r.ok()) << r.error();
        r.value()->forget();
    }
    EXPECT_EQ(ChildProcess::start_time_of(pid), start) << "forget() killed it";
    ::kill(pid, SIGKILL);
    std::filesystem::remove_all(dir);
}

TEST(OutputLines, SplitsLinesCutsOverlongOnesAndFlushesTheRestAtEnd) {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
    Loop loop;
    std::vector<std::string> lines;
    OutputLines reader(loop, fds[0], [&](std::string_view line) { lines.emplace_back(line); });
    const std::string text = "a\r\nbb\n" + std::string(OutputLines::kMaxLine + 10, 'x') + "\ntail";
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fds[1], text.data() + written, text.size() - written);
        if (n > 0) {
            written += static_cast<std::size_t>(n);
        }
        reader.drain();
    }
    ::close(fds[1]);
    reader.drain();
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines[0], "a");
    EXPECT_EQ(lines[1], "bb");
    EXPECT_EQ(lines[2].size(), OutputLines::kMaxLine);
    EXPECT_EQ(lines.back(), "tail");
}

} // namespace
} // namespace jamfleet::io
