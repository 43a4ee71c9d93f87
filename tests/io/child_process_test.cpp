// ChildProcess: exit status, termination by signal, exec errors, environment,
// and the death signal when the supervising process goes away.
#include "io/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

// Counts processes of group `pgid` that are not zombies.
int live_processes_in_group(pid_t pgid) {
    int live = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream stat(entry.path() / "stat");
        std::string text;
        if (!std::getline(stat, text)) {
            continue;
        }
        // Fields after the command name "(...)": state ppid pgrp ...
        const auto close = text.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        char state = 0;
        int ppid = 0;
        int pgrp = 0;
        if (std::sscanf(text.c_str() + close + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
            pgrp == pgid && state != 'Z' && state != 'X') {
            ++live;
        }
    }
    return live;
}

struct Exit {
    bool done = false;
    std::int64_t status = -1;
    int signal = -1;
};

std::unique_ptr<ChildProcess> spawn_sh(Loop& loop, const std::string& script, Exit& exit,
                                       std::map<std::string, std::string> env = {}) {
    ChildOptions options;
    options.path = "/bin/sh";
    options.args = {"-c", script};
    options.env = std::move(env);
    auto r = ChildProcess::spawn(loop, options, [&exit](std::int64_t status, int sig) {
        exit.done = true;
        exit.status = status;
        exit.signal = sig;
    });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? std::move(r).value() : nullptr;
}

TEST(ChildProcess, ReportsTheExitStatus) {
    Loop loop;
    Exit exit;
    auto child = spawn_sh(loop, "exit 3", exit);
    ASSERT_NE(child, nullptr);
    EXPECT_GT(child->pid(), 0);
    ASSERT_TRUE(loop.run_until([&] { return exit.done; }, 10s));
    EXPECT_EQ(exit.status, 3);
    EXPECT_EQ(exit.signal, 0);
    EXPECT_FALSE(child->running());
    EXPECT_FALSE(child->kill(SIGTERM));
}

TEST(ChildProcess, KillIsReportedAsTheTerminatingSignal) {
    Loop loop;
    Exit exit;
    auto child = spawn_sh(loop, "exec sleep 30", exit);
    ASSERT_NE(child, nullptr);
    EXPECT_TRUE(child->running());
    EXPECT_TRUE(child->kill(SIGTERM));
    ASSERT_TRUE(loop.run_until([&] { return exit.done; }, 10s));
    EXPECT_EQ(exit.signal, SIGTERM);
}

TEST(ChildProcess, KillsTheWholeGroupWhenItHasOne) {
    Loop loop;
    Exit exit;
    ChildOptions options;
    options.path = "/bin/sh";
    // The shell waits for a grandchild; killing only the shell would leave sleep behind.
    options.args = {"-c", "sleep 30 & wait"};
    options.new_process_group = true;
    auto r = ChildProcess::spawn(loop, options, [&](std::int64_t s, int sig) {
        exit = {true, s, sig};
    });
    ASSERT_TRUE(r.ok());
    auto child = std::move(r).value();
    const pid_t pgid = child->pid();
    loop.run_until([] { return false; }, 50ms); // let the shell start its sleep
    EXPECT_TRUE(child->kill(SIGKILL));
    ASSERT_TRUE(loop.run_until([&] { return exit.done; }, 10s));
    EXPECT_EQ(exit.signal, SIGKILL);
    // Nothing of the group survives (the sleep was killed too). Zombies awaiting
    // their new parent's reaping do not count, so look at /proc, bounded.
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
        gone = live_processes_in_group(pgid) == 0;
        if (!gone) {
            ::usleep(10000);
        }
    }
    EXPECT_TRUE(gone);
}

TEST(ChildProcess, ExecFailureIsASpawnError) {
    Loop loop;
    ChildOptions options;
    options.path = "/nonexistent/jamfleet-mixer";
    auto r = ChildProcess::spawn(loop, options, [](std::int64_t, int) {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "spawn /nonexistent/jamfleet-mixer: no such file or directory");
}

TEST(ChildProcess, PassesArgumentsAndEnvironmentAdditions) {
    char tmpl[] = "/tmp/jamfleet-child-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    ::close(fd);
    Loop loop;
    Exit exit;
    auto child = spawn_sh(loop, std::string("printf '%s' \"$JAMFLEET_TEST_VALUE\" > ") + tmpl, exit,
                          {{"JAMFLEET_TEST_VALUE", "a b"}});
    ASSERT_TRUE(loop.run_until([&] { return exit.done; }, 10s));
    std::ifstream in(tmpl);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(tmpl);
    EXPECT_EQ(exit.status, 0);
    EXPECT_EQ(content, "a b");
}

TEST(ChildProcess, CapturedOutputArrivesLineByLine) {
    Loop loop;
    Exit exit;
    std::vector<std::string> lines;
    ChildOptions options;
    options.path = "/bin/sh";
    options.args = {"-c", "echo out; echo err >&2; printf 'no newline'"};
    options.on_output_line = [&](std::string_view line) { lines.emplace_back(line); };
    auto r = ChildProcess::spawn(loop, options, [&](std::int64_t s, int sig) {
        exit = {true, s, sig};
    });
    ASSERT_TRUE(r.ok());
    auto child = std::move(r).value();
    ASSERT_TRUE(loop.run_until([&] { return exit.done && lines.size() >= 3; }, 10s));
    EXPECT_EQ(exit.status, 0);
    // A last line without a newline is delivered too (a crash message often is one).
    EXPECT_EQ(lines, (std::vector<std::string>{"out", "err", "no newline"}));
}

TEST(ChildProcess, CapturingChildMayOutliveTheLoopRunWithoutLeaks) {
    Loop loop;
    Exit exit;
    ChildOptions options;
    options.path = "/bin/sh";
    options.args = {"-c", "echo hi; exec sleep 30"};
    int lines = 0;
    options.on_output_line = [&](std::string_view) { ++lines; };
    auto r = ChildProcess::spawn(loop, options, [&](std::int64_t s, int sig) {
        exit = {true, s, sig};
    });
    ASSERT_TRUE(r.ok());
    auto child = std::move(r).value();
    ASSERT_TRUE(loop.run_until([&] { return lines == 1; }, 10s));
    child.reset(); // kills, reaps and detaches the output pipe
    EXPECT_FALSE(exit.done);
}

TEST(ChildProcess, DestroyingARunningChildKillsAndReapsIt) {
    Loop loop;
    Exit exit;
    pid_t pid = 0;
    {
        auto child = spawn_sh(loop, "exec sleep 30", exit);
        ASSERT_NE(child, nullptr);
        pid = child->pid();
    }
    // Reaped: the pid no longer exists (not even as a zombie).
    EXPECT_NE(::kill(pid, 0), 0);
    EXPECT_FALSE(exit.done);
}

TEST(ChildProcess, ChildGetsTheDeathSignalWhenItsSupervisorDies) {
    // A forked "supervisor" spawns a sleeper and dies; the sleeper must follow.
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);
    const pid_t supervisor = ::fork();
    ASSERT_GE(supervisor, 0);
    if (supervisor == 0) {
        Loop loop;
        ChildOptions options;
        options.path = "/bin/sleep";
        options.args = {"30"};
        auto r = ChildProcess::spawn(loop, options, [](std::int64_t, int) {});
        pid_t pid = r.ok() ? r.value()->pid() : -1;
        [[maybe_unused]] auto n = ::write(pipefd[1], &pid, sizeof pid);
        ::_exit(0); // no destructor: the child must die through PR_SET_PDEATHSIG alone
    }
    ::close(pipefd[1]);
    pid_t grandchild = -1;
    ASSERT_EQ(::read(pipefd[0], &grandchild, sizeof grandchild),
              static_cast<ssize_t>(sizeof grandchild));
    ::close(pipefd[0]);
    ::waitpid(supervisor, nullptr, 0);
    ASSERT_GT(grandchild, 0);
    // The orphan is re-parented (to init or a subreaper) and killed by SIGTERM; poll
    // /proc for its state, bounded.
    bool dead = false;
    for (int i = 0; i < 500 && !dead; ++i) {
        std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
        std::string text;
        std::getline(stat, text);
        dead = !stat.good() || text.find(") Z ") != std::string::npos;
        if (!dead) {
            ::usleep(10000);
        }
    }
    EXPECT_TRUE(dead);
}

} // namespace
} // namespace jamfleet::io
