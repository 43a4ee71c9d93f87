// Answer limiter with a fake clock: per-IP and total budgets per kind, drop counts.
#include <gtest/gtest.h>

#include "mixer-worker/answer_limiter.h"

namespace jamfleet::mixer {
namespace {

using namespace std::chrono_literals;

TEST(AnswerLimiter, LimitsEachSourceIpAndCountsTheDrops) {
    base::FakeClock clock;
    AnswerLimiter limiter(AnswerLimits{.list_per_ip = {.rate_per_s = 1, .burst = 2}});
    EXPECT_TRUE(limiter.allow(AnswerKind::ClientList, 1, clock.now()));
    EXPECT_TRUE(limiter.allow(AnswerKind::ClientList, 1, clock.now()));
    EXPECT_FALSE(limiter.allow(AnswerKind::ClientList, 1, clock.now()));
    EXPECT_TRUE(limiter.allow(AnswerKind::ClientList, 2, clock.now()));
    EXPECT_EQ(limiter.dropped(AnswerKind::ClientList), 1u);
    // Kinds have separate budgets.
    EXPECT_TRUE(limiter.allow(AnswerKind::Small, 1, clock.now()));
    clock.advance(1s);
    EXPECT_TRUE(limiter.allow(AnswerKind::ClientList, 1, clock.now()));
}

TEST(AnswerLimiter, TheTotalBoundsAFloodFromManySources) {
    base::FakeClock clock;
    AnswerLimiter limiter(AnswerLimits{.small_total = {.rate_per_s = 10, .burst = 10}});
    int allowed = 0;
    for (std::uint32_t ip = 0; ip < 1000; ++ip) {
        allowed += limiter.allow(AnswerKind::Small, ip, clock.now()) ? 1 : 0;
    }
    EXPECT_EQ(allowed, 10);
    EXPECT_EQ(limiter.dropped(AnswerKind::Small), 990u);
}

} // namespace
} // namespace jamfleet::mixer
