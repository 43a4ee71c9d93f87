// TickSource: periodic ticks on absolute deadlines and overrun counting.
#include "io/tick_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

TEST(TickSource, DeliversTicksAtThePeriod) {
    Loop loop;
    std::uint64_t ticks = 0;
    TickSource tick(loop, 2ms, [&](std::uint64_t n) { ticks += n; });
    const auto start = std::chrono::steady_clock::now();
    tick.start();
    ASSERT_TRUE(loop.run_until([&] { return ticks >= 20; }, 5s));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    tick.stop();
    // Absolute deadlines: 20 periods cannot be delivered before 20 periods elapsed.
    EXPECT_GE(elapsed, 40ms);
    EXPECT_EQ(tick.ticks(), ticks);
}

TEST(TickSource, SupportsSubMillisecondPeriods) {
    Loop loop;
    std::uint64_t ticks = 0;
    TickSource tick(loop, std::chrono::microseconds(1333), [&](std::uint64_t n) { ticks += n; });
    const auto start = std::chrono::steady_clock::now();
    tick.start();
    ASSERT_TRUE(loop.run_until([&] { return ticks >= 30; }, 5s));
    // 30 periods of 1.333 ms = 40 ms; a 1 ms-resolution timer would round up to 60 ms.
    EXPECT_GE(std::chrono::steady_clock::now() - start, 39ms);
    tick.stop();
}

TEST(TickSource, CountsOverrunsWhenTheLoopIsBlocked) {
    Loop loop;
    std::uint64_t calls = 0;
    std::uint64_t max_expirations = 0;
    TickSource tick(loop, 1ms, [&](std::uint64_t n) {
        ++calls;
        max_expirations = std::max(max_expirations, n);
        if (calls == 2) {
            // Block the loop for ten periods: the next wake-up must report them.
            std::this_thread::sleep_for(10ms);
        }
    });
    tick.start();
    ASSERT_TRUE(loop.run_until([&] { return calls >= 4; }, 5s));
    tick.stop();
    EXPECT_GE(max_expirations, 5u);
    EXPECT_GE(tick.overruns(), 1u);
    EXPECT_GE(tick.missed_ticks(), 4u);
    EXPECT_GE(tick.ticks(), calls + tick.missed_ticks());
}

TEST(TickSource, StopsDelivering) {
    Loop loop;
    std::uint64_t ticks = 0;
    TickSource tick(loop, 1ms, [&](std::uint64_t n) { ticks += n; });
    tick.start();
    ASSERT_TRUE(loop.run_until([&] { return ticks >= 2; }, 5s));
    tick.stop();
    const auto seen = ticks;
    EXPECT_FALSE(loop.run_until([&] { return ticks > seen; }, 20ms));
}

} // namespace
} // namespace jamfleet::io
