// Tests of the lock-free SPSC slot queue between the audio tick and the writer.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "recorder/frame_queue.h"

namespace jamfleet::recorder {
namespace {

// Slots are plain aggregates, like FrameSlot (the queue may create them with calloc).
struct Item {
    std::uint64_t value;
};

TEST(SpscQueue, RoundsCapacityUpToPowerOfTwo) {
    SpscQueue<Item> q(5);
    EXPECT_EQ(q.capacity(), 8u);
}

TEST(SpscQueue, RefusesPushWhenFullAndKeepsOrder) {
    SpscQueue<Item> q(4);
    for (std::uint64_t i = 0; i < 4; ++i) {
        Item* slot = q.begin_push();
        ASSERT_NE(slot, nullptr);
        slot->value = i;
        q.commit_push();
    }
    EXPECT_EQ(q.begin_push(), nullptr);
    for (std::uint64_t i = 0; i < 4; ++i) {
        const Item* slot = q.front();
        ASSERT_NE(slot, nullptr);
        EXPECT_EQ(slot->value, i);
        q.pop();
    }
    EXPECT_EQ(q.front(), nullptr);
    EXPECT_NE(q.begin_push(), nullptr);
}

TEST(SpscQueue, DeliversEverythingInOrderAcrossThreads) {
    SpscQueue<Item> q(64);
    constexpr std::uint64_t kCount = 200000;
    std::thread producer([&] {
        for (std::uint64_t i = 0; i < kCount;) {
            if (auto* slot = q.begin_push()) {
                slot->value = i++;
                q.commit_push();
            } else {
                std::this_thread::yield();
            }
        }
    });
    std::uint64_t expected = 0;
    while (expected < kCount) {
        if (const auto* slot = q.front()) {
            ASSERT_EQ(slot->value, expected);
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
