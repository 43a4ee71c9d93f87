// SignalWatcher: a raised signal reaches the callback on the loop.
#include "io/signal_watcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

TEST(SignalWatcher, RunsCallbackForRaisedSignal) {
    Loop loop;
    int seen = 0;
    SignalWatcher watcher(loop, SIGUSR1, [&] { ++seen; });
    ASSERT_EQ(std::raise(SIGUSR1), 0);
    ASSERT_TRUE(loop.run_until([&] { return seen == 1; }, 5s));
    EXPECT_EQ(watcher.signum(), SIGUSR1);
}

TEST(SignalWatcher, OtherSignalsDoNotTrigger) {
    Loop loop;
    int usr1 = 0;
    int usr2 = 0;
    SignalWatcher w1(loop, SIGUSR1, [&] { ++usr1; });
    SignalWatcher w2(loop, SIGUSR2, [&] { ++usr2; });
    ASSERT_EQ(std::raise(SIGUSR2), 0);
    ASSERT_TRUE(loop.run_until([&] { return usr2 == 1; }, 5s));
    EXPECT_EQ(usr1, 0);
}

} // namespace
} // namespace jamfleet::io
