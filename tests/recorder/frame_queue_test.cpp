// Tests of the lock-free SPSC slot queue between the audio tick and the writer.
#include <gtest/gtest.h>

#include <thread>

#include "recorder/frame_queue.h"

namespace jamfleet::recorder {
namespace {

TEST(SpscQueue, RoundsCapacityUpToPowerOfTwo) {
    SpscQueue<int> q(5);
    EXPECT_EQ(q.capacity(), 8u);
}

TEST(SpscQueue, RefusesPushWhenFullAndKeepsOrder) {
    SpscQueue<int> q(4);
    for (int i = 0; i < 4; ++i) {
        int* slot = q.begin_push();
        ASSERT_NE(slot, nullptr);
        *slot = i;
        q.commit_push();
    }
    EXPECT_EQ(q.begin_push(), nullptr);
    for (int i = 0; i < 4; ++i) {
        const int* slot = q.front();
        ASSERT_NE(slot, nullptr);
        EXPECT_EQ(*slot, i);
        q.pop();
    }
    EXPECT_EQ(q.front(), nullptr);
    EXPECT_NE(q.begin_push(), nullptr);
}

TEST(SpscQueue, DeliversEverythingInOrderAcrossThreads) {
    SpscQueue<std::uint64_t> q(64);
    constexpr std::uint64_t kCount = 200000;
    std::thread producer([&] {
        for (std::uint64_t i = 0; i < kCount;) {
            if (auto* slot = q.begin_push()) {
                *slot = i++;
                q.commit_push();
            } else {
                std::this_thread::yield();
            }
        }
    });
    std::uint64_t expected = 0;
    while (expected < kCount) {
        if (const auto* slot = q.front()) {
            ASSERT_EQ(*slot, expected);
            ++expected;
            q.pop();
        } else {
            std::this_thread::yield();
        }
    }
    producer.join();
    EXPECT_EQ(q.front(), nullptr);
}

} // namespace
} // namespace jamfleet::recorder
