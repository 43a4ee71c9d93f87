// List address substitution and hole-punch targets: docs/protocol.md §6.4 row by row.
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
    const auto plan = plan_list_reply(entries, Address{kLoop, 5555}, kDirPublic);
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
    const auto plan = plan_list_reply(entries, Address{kDirPublic, 5555}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{kDirPublic, 22500}));
    EXPECT_TRUE(plan.punches.empty());
}

TEST(ListPlan, PublicClientBehindSameNatAsServerGetsInternalAndPunchGoesThere) {
    const std::vector<Entry> entries{entry({kDirPublic, 22600}, {0x0a010203, 22600})};
    const auto plan = plan_list_reply(entries, Address{kDirPublic, 5555}, kDirPublic);
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

// Row 1 with the arrival address: a LAN client of a directory bound to every
// address, asking the fleet's directory whose rooms registered from loopback.
constexpr std::uint32_t kLanDir = 0xc0a80105;   // 192.168.1.5, the directory host on the LAN
constexpr std::uint32_t kOtherLan = 0x0a000001; // 10.0.0.1, its second interface
const Address kLanClient{0xc0a80120, 4000};     // 192.168.1.32

TEST(ListPlan, LanClientGetsTheAddressItReachedTheDirectoryAtForSameHostServers) {
    const std::vector<Entry> entries{entry({kLoop, 22124}, {kDirPublic, 22124}),
                                     entry({kLoop, 22125}, {kDirPublic, 22125})};
    const auto plan = plan_list_reply(entries, Requester{kLanClient, kLanDir}, kDirPublic);
    ASSERT_EQ(plan.servers.size(), 2u);
    EXPECT_EQ(plan.servers[0].address, (Address{kLanDir, 22124}));
    EXPECT_EQ(plan.servers[1].address, (Address{kLanDir, 22125}));
    EXPECT_TRUE(plan.punches.empty()); // servers on a private source are never asked to punch
}

TEST(ListPlan, EachInterfaceListsSameHostServersUnderItsOwnAddress) {
    const std::vector<Entry> entries{entry({kLoop, 22124}, {kDirPublic, 22124})};
    const Address client_b{0x0a000042, 4000};
    EXPECT_EQ(plan_list_reply(entries, Requester{kLanClient, kLanDir}, 0).servers[0].address,
              (Address{kLanDir, 22124}));
    EXPECT_EQ(plan_list_reply(entries, Requester{client_b, kOtherLan}, 0).servers[0].address,
              (Address{kOtherLan, 22124}));
}

TEST(ListPlan, ClientOnTheSameHostKeepsLoopback) {
    const std::vector<Entry> entries{entry({kLoop, 22124}, {kDirPublic, 22124})};
    const auto plan = plan_list_reply(entries, Requester{{kLoop, 4000}, kLoop}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{kLoop, 22124}));
}

TEST(ListPlan, UnknownArrivalAddressKeepsTheRegistrationSource) {
    const std::vector<Entry> entries{entry({kLoop, 22124}, {kDirPublic, 22124})};
    const auto plan = plan_list_reply(entries, Requester{kLanClient, 0}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, (Address{kLoop, 22124}));
}

TEST(ListPlan, LanClientGetsOtherLanServersAndInternetServersAtTheirSource) {
    const Address lan_server{0xc0a80121, 22124}; // another host on the LAN
    const Address internet_server{0xcb007105, 22124};
    const std::vector<Entry> entries{entry(lan_server, {0xc0a80121, 22124}),
                                     entry(internet_server, {0x0a000005, 22124})};
    const auto plan = plan_list_reply(entries, Requester{kLanClient, kLanDir}, kDirPublic);
    EXPECT_EQ(plan.servers[0].address, lan_server);
    EXPECT_EQ(plan.servers[1].address, internet_server);
    ASSERT_EQ(plan.punches.size(), 1u);
    EXPECT_EQ(plan.punches[0].send_to, internet_server);
    EXPECT_EQ(plan.punches[0].target, (Address{kDirPublic, 4000}));
}

TEST(ListPlan, InternetClientGetsThePublicAddressOfSameHostServersWhateverItArrivedOn) {
    const std::vector<Entry> entries{entry({kLoop, 22124}, {kDirPublic, 22124})};
    const Address internet_client{0xc6336401, 4000};
    for (const std::uint32_t arrived_on : {0u, kLanDir}) {
        const auto plan =
            plan_list_reply(entries, Requester{internet_client, arrived_on}, kDirPublic);
        EXPECT_EQ(plan.servers[0].address, (Address{kDirPublic, 22124}));
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
