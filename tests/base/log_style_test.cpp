// Log styles: journal levels, timestamps, plain lines for the supervisor's children.
#include "base/log_style.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace jamfleet::base {
namespace {

TEST(LogStyle, JournalLinesStartWithTheirSdDaemonLevel) {
    EXPECT_EQ(style_log_line(LogStyle::Journal, "error mixer: bind failed", 0),
              "<3>error mixer: bind failed");
    EXPECT_EQ(style_log_line(LogStyle::Journal, "warn jamfleet: x", 0), "<4>warn jamfleet: x");
    EXPECT_EQ(style_log_line(LogStyle::Journal, "info directory: y child=directory", 0),
              "<6>info directory: y child=directory");
    EXPECT_EQ(style_log_line(LogStyle::Journal, "debug io: z", 0), "<7>debug io: z");
    // A child's crash text (labelled "[NAME] ...") is worth a warning.
    EXPECT_EQ(style_log_line(LogStyle::Journal, "[Room 1] terminate called", 0),
              "<4>[Room 1] terminate called");
}

TEST(LogStyle, OutsideTheJournalLinesCarryAUtcTimestamp) {
    // 2026-12-04 21:55:12.345 UTC
    EXPECT_EQ(style_log_line(LogStyle::Timestamped, "info jamfleet: x", 1796421312345LL),
              "2026-12-04T21:55:12.345Z info jamfleet: x");
    EXPECT_EQ(style_log_line(LogStyle::Plain, "info jamfleet: x", 1796421312345LL),
              "info jamfleet: x");
}

TEST(LogStyle, ParsesLevels) {
    EXPECT_EQ(parse_log_level("debug"), LogLevel::Debug);
    EXPECT_EQ(parse_log_level("warning"), LogLevel::Warn);
    EXPECT_EQ(parse_log_level("error"), LogLevel::Error);
    EXPECT_FALSE(parse_log_level("loud"));
    EXPECT_EQ(level_of_line("warn x: y", LogLevel::Info), LogLevel::Warn);
    EXPECT_EQ(level_of_line("warning: y", LogLevel::Info), LogLevel::Info);
}

TEST(LogStyle, EnvironmentSelectsStyleAndLevel) {
    ::setenv(kLogStyleVariable, "plain", 1);
    EXPECT_EQ(log_style_from_environment(), LogStyle::Plain);
    ::unsetenv(kLogStyleVariable);
    // A JOURNAL_STREAM that is not our stderr (inherited, then redirected) is ignored.
    ::setenv("JOURNAL_STREAM", "1:1", 1);
    EXPECT_EQ(log_style_from_environment(), LogStyle::Timestamped);
    ::unsetenv("JOURNAL_STREAM");
    ::setenv(kLogLevelVariable, "debug", 1);
    EXPECT_EQ(log_level_from_environment(), LogLevel::Debug);
    ::setenv(kLogLevelVariable, "nonsense", 1);
    EXPECT_EQ(log_level_from_environment(), LogLevel::Info);
    ::unsetenv(kLogLevelVariable);
    EXPECT_EQ(log_level_from_environment(), LogLevel::Info);
}

TEST(LogStyle, WriteLinePassesAFormattedLineThroughTheSink) {
    std::string seen;
    Logger log(
        "jamfleet", [&](std::string_view line) { seen = line; }, LogLevel::Error);
    log.write_line("info mixer: listening child=\"Room 1\"");
    EXPECT_EQ(seen, "info mixer: listening child=\"Room 1\"");
}

} // namespace
} // namespace jamfleet::base
