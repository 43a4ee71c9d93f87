// The cached list replies are byte for byte what the uncached path encodes, for
// every row of docs/protocol.md §6.4, and every registry change invalidates them.
#include "directory/list_cache.h"

#include <gtest/gtest.h>

#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;
using testing::info_named;

constexpr std::uint32_t kDirPublic = 0xc0000202;    // 192.0.2.2
constexpr Address kPublicServer{0xcb007105, 22124}; // 203.0.113.5
constexpr Address kNattedServer{0xcb007106, 22124}; // 203.0.113.6 (a NAT)
constexpr Address kLanServer{0x0a000007, 22130};    // 10.0.0.7, on the directory's LAN
constexpr Address kLoopServer{0x7f000001, 22140};   // same host as the directory

// One client per row, and more than one of each kind, so a cache keyed on the
// wrong property shows up as a mismatch.
const std::vector<Address> kClients{
    {0x0a000063, 5000},       // row 1: private client
    {0xc0a80102, 6000},       // row 1: another private range
    {0x7f000001, 7000},       // row 1: loopback
    {0xc6336401, 40000},      // rows 2/4: public client elsewhere
    {0xc6336402, 40001},      // rows 2/4: another one
    {kNattedServer.ip, 9000}, // row 3: behind the same NAT as a server
    {kPublicServer.ip, 9001}, // row 3: same IP as another server
};

struct ListCacheTest : ::testing::Test {
    testing::FakeJournal journal;
    Admission admission;
    Registry registry{RegistryLimits{}, journal};
    SelfInfo self{"MyDir", "Town", 82};
    ListCache cache{self};

    void add(Address host, std::string name, Address internal) {
        auto info = info_named(std::move(name));
        info.internal = internal;
        ASSERT_EQ(registry.register_server(host, info, admission, {}).refusal, Refusal::None);
    }
    void add_all_kinds() {
        add(kPublicServer, "Public", {0x0a000105, 22124});
        add(kNattedServer, "Natted", {0xc0a80010, 22150});
        add(kLanServer, "Lan", {0x0a000099, 22131});
        add(kLoopServer, "Loop", {0xc0a80111, 22141});
    }

    // What the cache must serve: the reply encoded from scratch for this client.
    ListReply uncached(Address client, std::uint32_t arrived_on) const {
        return encode_list_reply(
            plan_list_reply(registry.entries(), Requester{client, arrived_on}, kDirPublic), self);
    }
    // Checks every client reaching the directory at each of its addresses (unknown,
    // loopback, two LANs): a cached reply equals the uncached one; row 3 is not cached.
    void expect_cache_matches_uncached() {
        for (const std::uint32_t arrived_on : {0u, 0x7f000001u, 0xc0a80105u, 0x0a000001u}) {
            for (const auto client : kClients) {
                SCOPED_TRACE(to_string(client) + " at " + ip_to_string(arrived_on));
                expect_cache_matches_uncached(client, arrived_on);
            }
        }
    }
    void expect_cache_matches_uncached(Address client, std::uint32_t arrived_on) {
        const ListReply* cached = cache.find(registry, client, arrived_on);
        const bool row3 = !is_private_ip(client.ip) && registry.count_from_ip(client.ip) > 0;
        if (row3) {
            EXPECT_EQ(cached, nullptr);
            return;
        }
        ASSERT_NE(cached, nullptr);
        const auto expected = uncached(client, arrived_on);
        EXPECT_EQ(*cached->reduced, *expected.reduced);
        EXPECT_EQ(*cached->full, *expected.full);
        EXPECT_EQ(cached->punch_servers, expected.punch_servers);
    }
};

TEST_F(ListCacheTest, CachedRepliesEqualTheUncachedOnesForEverySubstitutionRow) {
    add_all_kinds();
    expect_cache_matches_uncached();
    // The two cached variants really differ (rows 1 and 2 list the LAN server
    // under different addresses), so serving one for the other would be caught.
    EXPECT_NE(*cache.find(registry, kClients[0])->full, *cache.find(registry, kClients[3])->full);
    EXPECT_EQ(cache.rebuilds(), 1u);
}

TEST_F(ListCacheTest, PrivateClientsReachingDifferentAddressesGetDifferentCachedLists) {
    add_all_kinds();
    const auto at_lan = cache.find(registry, kClients[0], 0xc0a80105)->full;
    const auto at_other_lan = cache.find(registry, kClients[0], 0x0a000001)->full;
    EXPECT_NE(*at_lan, *at_other_lan); // the same-host server is listed at each
    // Asked again at the first address, the first encoded frame is served.
    EXPECT_EQ(cache.find(registry, kClients[1], 0xc0a80105)->full.get(), at_lan.get());
    EXPECT_EQ(cache.rebuilds(), 1u);
}

TEST_F(ListCacheTest, ManyArrivalAddressesFallBackToTheUncachedPath) {
    add_all_kinds();
    for (std::uint32_t i = 0; i < ListCache::kMaxArrivalAddresses; ++i) {
        ASSERT_NE(cache.find(registry, kClients[0], 0x0a000001 + i), nullptr);
    }
    EXPECT_EQ(cache.find(registry, kClients[0], 0x0a0000ff), nullptr);
}

TEST_F(ListCacheTest, EmptyRegistryListsOnlyEntryZero) {
    expect_cache_matches_uncached();
    EXPECT_TRUE(cache.find(registry, kClients[0])->punch_servers.empty());
}

TEST_F(ListCacheTest, RepeatedRequestsShareOneEncodedFrame) {
    add_all_kinds();
    const auto first = cache.find(registry, kClients[0])->full;
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(cache.find(registry, kClients[1])->full.get(), first.get());
    }
    EXPECT_EQ(cache.rebuilds(), 1u);
}

TEST_F(ListCacheTest, EveryRegistryChangeInvalidatesTheCache) {
    add_all_kinds();
    expect_cache_matches_uncached();
    const auto before = *cache.find(registry, kClients[3])->full;

    add({0xcb007107, 22124}, "New", {0x0a000001, 22124}); // registration
    expect_cache_matches_uncached();
    EXPECT_NE(*cache.find(registry, kClients[3])->full, before);

    auto renamed = info_named("Renamed"); // refresh with new info (an edit)
    renamed.internal = {0x0a000105, 22124};
    ASSERT_EQ(registry.register_server(kPublicServer, renamed, admission, {}).refusal,
              Refusal::None);
    expect_cache_matches_uncached();

    ASSERT_TRUE(registry.unregister(kNattedServer)); // unregistration
    expect_cache_matches_uncached();

    ASSERT_TRUE(registry.evict(kLanServer)); // operator eviction
    expect_cache_matches_uncached();

    ASSERT_TRUE(registry.import_server({0xcb007108, 22124}, info_named("Imported"), {}));
    expect_cache_matches_uncached();

    registry.restore({}); // restore from the store
    expect_cache_matches_uncached();
    EXPECT_EQ(cache.find(registry, kClients[3])->punch_servers.size(), 0u);
}

TEST_F(ListCacheTest, ExpiryInvalidatesTheCache) {
    add_all_kinds();
    expect_cache_matches_uncached();
    ASSERT_EQ(registry.expire(base::TimePoint{} + kEntryLifetime).size(), 4u);
    expect_cache_matches_uncached();
    EXPECT_TRUE(cache.find(registry, kClients[3])->punch_servers.empty());
}

TEST_F(ListCacheTest, RefreshWithUnchangedInfoKeepsTheCache) {
    add_all_kinds();
    (void)cache.find(registry, kClients[0]);
    auto same = info_named("Public");
    same.internal = {0x0a000105, 22124};
    ASSERT_EQ(
        registry.register_server(kPublicServer, same, admission, base::TimePoint{} + 15min).refusal,
        Refusal::None);
    (void)cache.find(registry, kClients[0]);
    EXPECT_EQ(cache.rebuilds(), 1u);
    expect_cache_matches_uncached();
}

} // namespace
} // namespace jamfleet::directory
