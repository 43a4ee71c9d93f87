// io::ignore_sigpipe: in a forked child (so the test process keeps its own
// disposition), a write to a pipe nobody reads fails with EPIPE instead of
// killing the process; without the call the same write kills it with SIGPIPE.
#include "io/process_signals.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace jamfleet::io {
namespace {

// Exit status of a child that writes into a pipe whose read end is closed:
// 0 when the write failed with EPIPE, 1 for any other outcome.
int write_to_a_closed_pipe(bool ignore) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGPIPE, SIG_DFL);
        if (ignore) {
            ignore_sigpipe();
        }
        int fds[2];
        if (::pipe(fds) != 0) {
            ::_exit(1);
        }
        ::close(fds[0]);
        const ssize_t n = ::write(fds[1], "x", 1);
        ::_exit(n < 0 && errno == EPIPE ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

TEST(IgnoreSigpipe, AWriteToAVanishedPeerFailsInsteadOfKillingTheProcess) {
    const int ignored = write_to_a_closed_pipe(true);
    ASSERT_TRUE(WIFEXITED(ignored));
    EXPECT_EQ(WEXITSTATUS(ignored), 0);
    const int by_default = write_to_a_closed_pipe(false);
    ASSERT_TRUE(WIFSIGNALED(by_default));
    EXPECT_EQ(WTERMSIG(by_default), SIGPIPE);
}

} // namespace
} // namespace jamfleet::io
