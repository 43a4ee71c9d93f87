// Log line format and the rate limiter.
#include <gtest/gtest.h>

#include "base/log.h"

using namespace jamfleet::base;

TEST(LogFormat, LevelComponentMessageFields) {
    EXPECT_EQ(format_log_line(LogLevel::Warn, "mixer", "drop datagram",
                              {{"reason", "bad size"}, {"bytes", 12}}),
              "warn mixer: drop datagram reason=\"bad size\" bytes=12");
}

TEST(LogFormat, LoggerHonoursMinimumLevel) {
    std::vector<std::string> lines;
    Logger log(
        "dir", [&](std::string_view l) { lines.emplace_back(l); }, LogLevel::Info);
    log.debug("hidden");
    log.info("shown", {{"n", 1}});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "info dir: shown n=1");
}

TEST(RateLimit, SuppressesWithinIntervalAndReportsCount) {
    RateLimit limit(std::chrono::seconds(1));
    FakeClock clock;
    std::uint64_t suppressed = 99;
    EXPECT_TRUE(limit.allow(clock.now(), suppressed));
    EXPECT_EQ(suppressed, 0u);
    EXPECT_FALSE(limit.allow(clock.now(), suppressed));
    EXPECT_FALSE(limit.allow(clock.now(), suppressed));
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(limit.allow(clock.now(), suppressed));
    EXPECT_EQ(suppressed, 2u);
}
