// Moderation core and its bans file: ranges, bans with expiry, allow-lists, and
// the JSON kept in the fleet's state directory.
#include "mixer-worker/moderation.h"
#include "mixer-worker/moderation_store.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "io/socket_address.h"

namespace jamfleet::mixer {
namespace {

using namespace std::chrono_literals;

// An address (any port) from its text, IPv4 or IPv6.
io::SocketAddress at(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        return io::SocketAddress::ipv6(*io::SocketAddress::parse_ip6(text), 5000);
    }
    return io::SocketAddress{*io::SocketAddress::parse_ip(text), 5000};
}

TEST(ModerationTest, APrivateRoomWithAnIPv4ListRefusesIPv6Peers) {
    // The ranges themselves are tested with their parser (tests/io/address_range_test.cpp).
    Moderation m;
    m.set_allow_list({*AddressRange::parse("10.0.0.0/8")});
    EXPECT_EQ(m.check(at("2001:db8::1"), {}), Verdict::NotAllowed);
}

TEST(ModerationTest, AnOpenRoomAdmitsEveryoneUntilBanned) {
    Moderation m;
    const base::TimePoint t0{};
    EXPECT_EQ(m.check(at("198.51.100.4"), t0), Verdict::Admitted);
    m.ban(*AddressRange::parse("198.51.100.0/24"), t0 + 60s, "spam");
    EXPECT_EQ(m.check(at("198.51.100.4"), t0 + 59s), Verdict::Banned);
    EXPECT_EQ(m.check(at("198.51.101.4"), t0 + 59s), Verdict::Admitted);
    EXPECT_EQ(m.check(at("198.51.100.4"), t0 + 60s), Verdict::Admitted) << "the ban expired";
    EXPECT_EQ(m.bans(t0).size(), 1u);
    EXPECT_TRUE(m.bans(t0 + 60s).empty());
    EXPECT_TRUE(m.expire(t0 + 60s));
    EXPECT_FALSE(m.expire(t0 + 60s));
}

TEST(ModerationTest, ABanOnTheSameRangeIsReplacedAndUnbanLiftsIt) {
    Moderation m;
    const base::TimePoint t0{};
    const auto range = AddressRange::single(at("192.0.2.1"));
    m.ban(range, t0 + 10s, "first");
    m.ban(range, std::nullopt, "second");
    ASSERT_EQ(m.bans(t0 + 1h).size(), 1u) << "a permanent ban replaced the timed one";
    EXPECT_EQ(m.bans(t0).front().reason, "second");
    EXPECT_TRUE(m.unban(range));
    EXPECT_FALSE(m.unban(range));
    EXPECT_EQ(m.check(at("192.0.2.1"), t0), Verdict::Admitted);
}

TEST(ModerationTest, APrivateRoomAdmitsOnlyItsListAndBansStillApply) {
    Moderation m;
    const base::TimePoint t0{};
    m.set_allow_list({*AddressRange::parse("192.168.1.0/24"), *AddressRange::parse("10.0.0.5")});
    EXPECT_EQ(m.check(at("192.168.1.77"), t0), Verdict::Admitted);
    EXPECT_EQ(m.check(at("10.0.0.5"), t0), Verdict::Admitted);
    EXPECT_EQ(m.check(at("10.0.0.6"), t0), Verdict::NotAllowed);
    m.ban(AddressRange::single(at("192.168.1.77")), std::nullopt, "");
    EXPECT_EQ(m.check(at("192.168.1.77"), t0), Verdict::Banned);
    m.set_allow_list({});
    EXPECT_EQ(m.check(at("10.0.0.6"), t0), Verdict::Admitted);
}

TEST(ModerationStoreTest, BansSurviveARestartWithTheirRemainingTime) {
    const base::TimePoint before{std::chrono::hours(5)};
    std::vector<Ban> bans{
        {*AddressRange::parse("192.0.2.0/24"), before + 90s, "flood"},
        {AddressRange::single(at("203.0.113.1")), std::nullopt, "intruder"},
        {*AddressRange::parse("2001:db8::/32"), std::nullopt, "v6"},
    };
    const std::string text = bans_to_json(bans, before, 1'000'000);
    // The new process: another steady clock, 30 s of wall time later.
    const base::TimePoint after{std::chrono::hours(1)};
    auto loaded = bans_from_json(text, after, 1'000'030);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(loaded->size(), 3u);
    EXPECT_EQ((*loaded)[2].range, bans[2].range);
    EXPECT_EQ((*loaded)[0].range.to_string(), "192.0.2.0/24");
    EXPECT_EQ((*loaded)[0].until, after + 60s);
    EXPECT_EQ((*loaded)[0].reason, "flood");
    EXPECT_FALSE((*loaded)[1].until);
    // Past the expiry the timed ban is left out.
    auto later = bans_from_json(text, after, 1'000'090);
    ASSERT_TRUE(later.ok());
    ASSERT_EQ(later->size(), 2u);
    EXPECT_EQ(later->front().reason, "intruder");
}

TEST(ModerationStoreTest, AnExpiryBeyondTenYearsIsForGood) {
    // Found by fuzz_bans_file: a huge expiresUnix overflowed the nanosecond clock.
    const base::TimePoint t0{};
    for (const char* text :
         {R"({"bans": [{"range": "192.0.2.0/24", "expiresUnix": 170000003290}]})",
          R"({"bans": [{"range": "192.0.2.0/24", "expiresUnix": 9223372036854775807}]})"}) {
        auto bans = bans_from_json(text, t0, 1'700'000'000);
        ASSERT_TRUE(bans.ok()) << text;
        ASSERT_EQ(bans->size(), 1u);
        EXPECT_FALSE(bans->front().until);
    }
    auto gone = bans_from_json(
        R"({"bans": [{"range": "192.0.2.0/24", "expiresUnix": -9223372036854775807}]})", t0,
        1'700'000'000);
    ASSERT_TRUE(gone.ok());
    EXPECT_TRUE(gone->empty());
}

TEST(ModerationStoreTest, RejectsMalformedFiles) {
    const base::TimePoint t0{};
    for (const char* bad : {"", "[]", "{\"bans\": 3}", "{\"bans\": [{}]}",
                            "{\"bans\": [{\"range\": \"10.0.0.1/40\"}]}",
                            "{\"bans\": [{\"range\": \"10.0.0.1\", \"expiresUnix\": \"x\"}]}"}) {
        EXPECT_FALSE(bans_from_json(bad, t0, 0).ok()) << bad;
    }
}

TEST(ModerationStoreTest, SavesAtomicallyAndLoadsBack) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("jamfleet-moderation-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bans.json").string();
    const base::TimePoint t0{};
    auto missing = load_bans(path, t0, 100);
    ASSERT_TRUE(missing.ok()) << "a missing file is an empty list";
    EXPECT_TRUE(missing->empty());
    std::vector<Ban> bans{{AddressRange::single(at("192.0.2.9")), t0 + 10s, ""}};
    ASSERT_TRUE(save_bans(path, bans, t0, 100).ok());
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp")) << "the temporary was renamed";
    auto loaded = load_bans(path, t0, 105);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(loaded->size(), 1u);
    EXPECT_EQ(loaded->front().until, t0 + 5s);
    std::ofstream(path) << "garbage";
    EXPECT_FALSE(load_bans(path, t0, 105).ok());
    EXPECT_FALSE(save_bans((dir / "no-such-dir" / "bans.json").string(), bans, t0, 100).ok());
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace jamfleet::mixer
