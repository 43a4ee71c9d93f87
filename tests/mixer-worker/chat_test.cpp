// Chat HTML as Jamulus 3.9.1 sends it.
#include "mixer-worker/chat.h"

#include <gtest/gtest.h>

namespace jamfleet::mixer {
namespace {

std::tm at(int h, int m, int s) {
    std::tm t{};
    t.tm_hour = h;
    t.tm_min = m;
    t.tm_sec = s;
    return t;
}

TEST(Chat, MatchesTheVerifiedJamulusExample) {
    EXPECT_EQ(format_chat(0, "Alice-with-a-ver", "hi <there>", at(6, 10, 3)),
              "<font color=\"mediumblue\">(06:10:03 AM) <b>Alice-with-a-ver</b></font> hi "
              "&lt;there&gt;");
}

TEST(Chat, UsesTwelveHourClockWithMidnightAndNoonAsTwelve) {
    EXPECT_EQ(chat_time(at(0, 5, 9)), "(12:05:09 AM)");
    EXPECT_EQ(chat_time(at(12, 0, 0)), "(12:00:00 PM)");
    EXPECT_EQ(chat_time(at(23, 59, 59)), "(11:59:59 PM)");
}

TEST(Chat, ColourCyclesWithTheChannelId) {
    EXPECT_EQ(chat_colour(0), "mediumblue");
    EXPECT_EQ(chat_colour(5), "coral");
    EXPECT_EQ(chat_colour(6), "mediumblue");
    EXPECT_EQ(chat_colour(13), "red");
}

TEST(Chat, EscapesAmpersandsQuotesAndBrackets) {
    EXPECT_EQ(html_escape("a & \"b\" <c>"), "a &amp; &quot;b&quot; &lt;c&gt;");
}

TEST(Chat, WelcomeHasThePrefixAndIsTruncatedTo1600) {
    EXPECT_EQ(format_welcome("Hi"), "<b>Server Welcome Message:</b> Hi");
    EXPECT_EQ(format_welcome(std::string(2000, 'x')).size(),
              std::string("<b>Server Welcome Message:</b> ").size() + 1600);
}

} // namespace
} // namespace jamfleet::mixer
