// The apply_settings op's arguments: -o syntax for name/city/country, -w rules
// for the welcome (a readable file means its content), errors as values.
#include "mixer-worker/live_settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace jamfleet::mixer {
namespace {

TEST(LiveSettings, ParsesServerInfoWelcomeAndIdentity) {
    const auto update = parse_live_settings({{"serverinfo", "Alpha Live;Berlin;de"},
                                             {"welcome", "Welcome <b>two</b>"},
                                             {"fleet", "F"},
                                             {"settings", "0123456789abcdef"}});
    ASSERT_TRUE(update.ok()) << update.error();
    EXPECT_EQ(update->info.name, "Alpha Live");
    EXPECT_EQ(update->info.city, "Berlin");
    EXPECT_NE(update->info.country, 0);
    EXPECT_EQ(update->welcome_message, "Welcome <b>two</b>");
    EXPECT_EQ(update->fleet, "F");
    EXPECT_EQ(update->settings, "0123456789abcdef");
    EXPECT_FALSE(update->recording.has_value());
    const auto recording =
        parse_live_settings({{"serverinfo", "A;;0"}, {"welcome", ""}, {"recording", false}});
    ASSERT_TRUE(recording.ok()) << recording.error();
    EXPECT_EQ(recording->recording, false);
    EXPECT_FALSE(
        parse_live_settings({{"serverinfo", "A;;0"}, {"welcome", ""}, {"recording", "yes"}}).ok());
}

TEST(LiveSettings, WelcomeNamingAFileMeansItsContent) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("jamfleet-welcome-" + std::to_string(::getpid()) + ".html");
    std::ofstream(path) << "<h1>Hi</h1>";
    EXPECT_EQ(welcome_text(path.string()), "<h1>Hi</h1>");
    EXPECT_EQ(welcome_text("plain text"), "plain text");
    EXPECT_EQ(welcome_text(""), "");
    std::filesystem::remove(path);
}

TEST(LiveSettings, MissingOrMalformedArgumentsAreErrors) {
    EXPECT_FALSE(parse_live_settings(nlohmann::json::array()).ok());
    EXPECT_EQ(parse_live_settings({{"welcome", ""}}).error(),
              "apply_settings: missing string serverinfo");
    EXPECT_EQ(parse_live_settings({{"serverinfo", "A;;0"}}).error(),
              "apply_settings: missing string welcome");
    EXPECT_FALSE(parse_live_settings({{"serverinfo", "A;;nowhere"}, {"welcome", ""}}).ok());
}

} // namespace
} // namespace jamfleet::mixer
