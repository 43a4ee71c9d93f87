// List address substitution and hole-punch targets: jamulus-protocol.md §6.4 row by row.
#include "directory/list_plan.h"

#include <gtest/gtest.h>

namespace jamfleet::directory {
namespace {

constexpr std::uint32_t kDirPublic = 0xc0000202; // 192.0.2.2
constexpr std::uint32_t kLoop = 0x7f000001;

Entry entry(Address host, Address internal) {
    Entry e;
    e.host = host;
    e.info.internal = internal;
    return e;
}

TEST(ListPlan, PrivateClientGetsRegistrationSourceAndPublicHolePunchTarget) {
    const std::vector<Entry> entries{entry({kLoop, 40991}, {kDirPublic, 22500}),
                                     entry({kDirPublic, 22600}, {0x0a010203, 22600})};
    const auto plan = plan_list_reply(entries, {kLoop, 5555}, kDirPublic);
    ASSERT_EQ(plan.servers.size(), 2u);
    EXPECT_EQ(plan.servers[0].address, (Address{kLoop, 40991}));
    EXPECT_EQ(plan.servers[1].address, (Address{kDirPublic, 22600}));
    // Only the public server is asked to punch; the target is the directory's public IP.
    ASSERT_EQ(plan.punches.size(), 1u);
    EXPECT_EQ(plan.punches[0].send_to, (Address{kDirPublic, 22600}));
    EXPECT_EQ(plan.punches[0].target, (Address{kDirPublic, 5555}));
}

TEST(ListPlan, PublicClientSeesInternalAddressOfPrivateSourceServer) {
    const std::vector<Entry> entries{entry({kLoop, 40991}, {kDirPublic, 22500})};
    const auto plan = plan_list_reply(entries, {kDirPublic, 5555}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{kDirPublic, 22500}));
    EXPECT_TRUE(plan.punches.empty());
}

TEST(ListPlan, PublicClientBehindSameNatAsServerGetsInternalAndPunchGoesThere) {
    const std::vector<Entry> entries{entry({kDirPublic, 22600}, {0x0a010203, 22600})};
    const auto plan = plan_list_reply(entries, {kDirPublic, 5555}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{0x0a010203, 22600}));
    ASSERT_EQ(plan.punches.size(), 1u);
    EXPECT_EQ(plan.punches[0].send_to, (Address{0x0a010203, 22600})); // upstream quirk
    EXPECT_EQ(plan.punches[0].target, (Address{kDirPublic, 5555}));
}

TEST(ListPlan, PublicClientElsewhereGetsRegistrationSource) {
    const std::vector<Entry> entries{entry({0xcb007105, 22124}, {0x0a000005, 22124})};
    const Address client{0xc6336401, 4000};
    const auto plan = plan_list_reply(entries, client, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{0xcb007105, 22124}));
    ASSERT_EQ(plan.punches.size(), 1u);
    EXPECT_EQ(plan.punches[0].send_to, (Address{0xcb007105, 22124}));
    EXPECT_EQ(plan.punches[0].target, client); // public client: no substitution
}

TEST(ListPlan, PrivateClientKeepsOwnAddressAsTargetWhenDirectoryHasNoPublicIp) {
    const std::vector<Entry> entries{entry({0xcb007105, 22124}, {0x0a000005, 22124})};
    const Address client{0xc0a80105, 4000};
    for (std::uint32_t dir_ip : {0u, 0x0a000001u}) { // unknown, or itself private
        const auto plan = plan_list_reply(entries, client, dir_ip);
        ASSERT_EQ(plan.punches.size(), 1u);
        EXPECT_EQ(plan.punches[0].target, client);
    }
}

TEST(ListPlan, PrivateRangesAreExactlyJamulusOnes) {
    EXPECT_TRUE(is_private_ip(0x0a000000));
    EXPECT_TRUE(is_private_ip(0x7f000001));
    EXPECT_TRUE(is_private_ip(0xac100000));
    EXPECT_TRUE(is_private_ip(0xac1fffff));
    EXPECT_FALSE(is_private_ip(0xac200000));
    EXPECT_TRUE(is_private_ip(0xc0a80000));
    EXPECT_FALSE(is_private_ip(0x64400001)); // 100.64.0.1
    EXPECT_FALSE(is_private_ip(0xa9fe0001)); // 169.254.0.1
}

} // namespace
} // namespace jamfleet::directory
