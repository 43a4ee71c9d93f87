// Loop and Timer: one-shot, repeat, stop, destruction inside the callback.
#include "io/timer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

TEST(Timer, FiresOnceAfterTheDelay) {
    Loop loop;
    Timer timer(loop);
    int fired = 0;
    const auto start = std::chrono::steady_clock::now();
    timer.start(20ms, 0ms, [&] { ++fired; });
    loop.run(); // returns once the one-shot timer is no longer active
    EXPECT_EQ(fired, 1);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 19ms);
    EXPECT_FALSE(timer.active());
}

TEST(Timer, RepeatsUntilStopped) {
    Loop loop;
    Timer timer(loop);
    int fired = 0;
    timer.start(1ms, 1ms, [&] {
        if (++fired == 3) {
            timer.stop();
        }
    });
    loop.run();
    EXPECT_EQ(fired, 3);
}

TEST(Timer, StoppedTimerDoesNotFire) {
    Loop loop;
    Timer timer(loop);
    bool fired = false;
    timer.start(1ms, 0ms, [&] { fired = true; });
    timer.stop();
    EXPECT_FALSE(loop.run_until([&] { return fired; }, 30ms));
}

TEST(Timer, MayBeDestroyedFromItsOwnCallback) {
    Loop loop;
    auto timer = std::make_unique<Timer>(loop);
    int fired = 0;
    timer->start(1ms, 1ms, [&] {
        ++fired;
        timer.reset();
    });
    loop.run();
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(timer, nullptr);
}

TEST(Timer, ExceptionInCallbackIsContained) {
    Loop loop;
    Timer timer(loop);
    int fired = 0;
    timer.start(1ms, 0ms, [&] {
        ++fired;
        throw std::runtime_error("boom");
    });
    loop.run();
    EXPECT_EQ(fired, 1);
}

TEST(Loop, RunUntilGivesUpAtTheTimeout) {
    Loop loop;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(loop.run_until([] { return false; }, 20ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 19ms);
}

TEST(Loop, StopEndsRun) {
    Loop loop;
    Timer keep_alive(loop);
    keep_alive.start(1ms, 1ms, [&] { loop.stop(); });
    loop.run(); // would never return without stop(): the timer repeats
    EXPECT_TRUE(keep_alive.active());
}

} // namespace
} // namespace jamfleet::io
