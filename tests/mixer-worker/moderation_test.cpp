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

std::uint32_t ip(const char* text) {
    return *io::SocketAddress::parse_ip(text);
}

TEST(AddressRangeTest, ParsesAddressesAndCidrBlocks) {
    const auto single = AddressRange::parse("192.0.2.7");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->prefix, 32);
    EXPECT_EQ(single->to_string(), "192.0.2.7/32");
    const auto block = AddressRange::parse("10.1.2.3/8");
    ASSERT_TRUE(block);
    EXPECT_EQ(block->to_string(), "10.0.0.0/8") << "host bits are cleared";
    EXPECT_TRUE(block->contains(ip("10.255.0.1")));
    EXPECT_FALSE(block->contains(ip("11.0.0.1")));
    const auto all = AddressRange::parse("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->contains(ip("203.0.113.9")));
    for (const char* bad : {"", "10.0.0", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/8x",
                            "host.example", "::1"}) {
        EXPECT_FALSE(AddressRange::parse(bad)) << bad;
    }
}

TEST(ModerationTest, AnOpenRoomAdmitsEveryoneUntilBanned) {
    Moderation m;
    const base::TimePoint t0{};
    EXPECT_EQ(m.check(ip("198.51.100.4"), t0), Verdict::Admitted);
    m.ban(*AddressRange::parse("198.51.100.0/24"), t0 + 60s, "spam");
    EXPECT_EQ(m.check(ip("198.51.100.4"), t0 + 59s), Verdict::Banned);
    EXPECT_EQ(m.check(ip("198.51.101.4"), t0 + 59s), Verdict::Admitted);
    EXPECT_EQ(m.check(ip("198.51.100.4"), t0 + 60s), Verdict::Admitted) << "the ban expired";
    EXPECT_EQ(m.bans(t0).size(), 1u);
    EXPECT_TRUE(m.bans(t0 + 60s).empty());
    EXPECT_TRUE(m.expire(t0 + 60s));
    EXPECT_FALSE(m.expire(t0 + 60s));
}

TEST(ModerationTest, ABanOnTheSameRangeIsReplacedAndUnbanLiftsIt) {
    Moderation m;
    const base::TimePoint t0{};
    const auto range = AddressRange::single(ip("192.0.2.1"));
    m.ban(range, t0 + 10s, "first");
    m.ban(range, std::nullopt, "second");
    ASSERT_EQ(m.bans(t0 + 1h).size(), 1u) << "a permanent ban replaced the timed one";
    EXPECT_EQ(m.bans(t0).front().reason, "second");
    EXPECT_TRUE(m.unban(range));
    EXPECT_FALSE(m.unban(range));
    EXPECT_EQ(m.check(range.ip, t0), Verdict::Admitted);
}

TEST(ModerationTest, APrivateRoomAdmitsOnlyItsListAndBansStillApply) {
    Moderation m;
    const base::TimePoint t0{};
    m.set_allow_list({*AddressRange::parse("192.168.1.0/24"), *AddressRange::parse("10.0.0.5")});
    EXPECT_EQ(m.check(ip("192.168.1.77"), t0), Verdict::Admitted);
    EXPECT_EQ(m.check(ip("10.0.0.5"), t0), Verdict::Admitted);
    EXPECT_EQ(m.check(ip("10.0.0.6"), t0), Verdict::NotAllowed);
    m.ban(AddressRange::single(ip("192.168.1.77")), std::nullopt, "");
    EXPECT_EQ(m.check(ip("192.168.1.77"), t0), Verdict::Banned);
    m.set_allow_list({});
    EXPECT_EQ(m.check(ip("10.0.0.6"), t0), Verdict::Admitted);
}

TEST(ModerationStoreTest, BansSurviveARestartWithTheirRemainingTime) {
    const base::TimePoint before{std::chrono::hours(5)};
    std::vector<Ban> bans{
        {*AddressRange::parse("192.0.2.0/24"), before + 90s, "flood"},
        {AddressRange::single(ip("203.0.113.1")), std::nullopt, "intruder"},
    };
    const std::string text = bans_to_json(bans, before, 1'000'000);
    // The new process: another steady clock, 30 s of wall time later.
    const base::TimePoint after{std::chrono::hours(1)};
    auto loaded = bans_from_json(text, after, 1'000'030);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(loaded->size(), 2u);
    EXPECT_EQ((*loaded)[0].range.to_string(), "192.0.2.0/24");
    EXPECT_EQ((*loaded)[0].until, after + 60s);
    EXPECT_EQ((*loaded)[0].reason, "flood");
    EXPECT_FALSE((*loaded)[1].until);
    // Past the expiry the timed ban is left out.
    auto later = bans_from_json(text, after, 1'000'090);
    ASSERT_TRUE(later.ok());
    ASSERT_EQ(later->size(), 1u);
    EXPECT_EQ(later->front().reason, "intruder");
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
    std::vector<Ban> bans{{AddressRange::single(ip("192.0.2.9")), t0 + 10s, ""}};
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
