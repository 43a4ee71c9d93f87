// AsyncNotifier: a notify() from another thread runs the callback on the loop.
#include "io/async_notifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

TEST(AsyncNotifier, WakesTheLoopFromAnotherThread) {
    Loop loop;
    std::atomic<int> produced{0};
    int seen = 0;
    std::thread::id callback_thread;
    AsyncNotifier notifier(loop, [&] {
        callback_thread = std::this_thread::get_id();
        seen = produced.load();
    });
    std::thread producer([&] {
        for (int i = 0; i < 100; ++i) {
            produced.fetch_add(1);
            notifier.notify();
        }
    });
    ASSERT_TRUE(loop.run_until([&] { return seen == 100; }, 5s));
    producer.join();
    EXPECT_EQ(callback_thread, std::this_thread::get_id());
}

} // namespace
} // namespace jamfleet::io
