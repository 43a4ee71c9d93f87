// Registry: Jamulus's registration checks and reply codes in order, list order,
// caps, per-IP limits, unregistration and expiry (with a fake clock).
#include "directory/registry.h"

#include <gtest/gtest.h>

#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using testing::FakeJournal;
using testing::info_named;

constexpr Address kA{0xc6336401, 22124}; // 198.51.100.1
constexpr Address kB{0xc6336402, 22124};
constexpr Address kC{0xc6336403, 22124};

base::TimePoint at(base::Duration d) {
    return base::TimePoint{} + d;
}

struct RegistryTest : ::testing::Test {
    FakeJournal journal;
    Admission open;
    Registry registry{RegistryLimits{}, journal};

    RegisterOutcome reg(Address a, std::string name, base::TimePoint now = at(0s)) {
        return registry.register_server(a, info_named(std::move(name)), open, now);
    }
};

TEST_F(RegistryTest, AppendsInRegistrationOrderAndRepliesRegistered) {
    EXPECT_EQ(reg(kA, "a").reply, RegisterResult::Registered);
    EXPECT_EQ(reg(kB, "b").reply, RegisterResult::Registered);
    EXPECT_EQ(reg(kC, "c").reply, RegisterResult::Registered);
    ASSERT_EQ(registry.entries().size(), 3u);
    EXPECT_EQ(registry.entries()[0].host, kA);
    EXPECT_EQ(registry.entries()[1].host, kB);
    EXPECT_EQ(registry.entries()[2].host, kC);
    EXPECT_LT(registry.entries()[0].position, registry.entries()[1].position);
}

TEST_F(RegistryTest, ReRegistrationUpdatesInPlaceAndKeepsPosition) {
    (void)reg(kA, "a");
    (void)reg(kB, "b");
    const auto outcome = reg(kA, "renamed", at(5min));
    EXPECT_EQ(outcome.reply, RegisterResult::Registered);
    EXPECT_FALSE(outcome.created);
    ASSERT_EQ(registry.entries().size(), 2u);
    EXPECT_EQ(registry.entries()[0].host, kA);
    EXPECT_EQ(registry.entries()[0].info.name, "renamed");
    EXPECT_EQ(registry.entries()[0].expires_at, at(5min) + kEntryLifetime);
    EXPECT_EQ(journal.saved.back().position, registry.entries()[0].position);
}

TEST_F(RegistryTest, SameIpDifferentPortIsADifferentEntry) {
    (void)reg(kA, "a");
    (void)reg({kA.ip, 22125}, "a2");
    EXPECT_EQ(registry.entries().size(), 2u);
}

TEST_F(RegistryTest, CapOf150IncludesTheDirectoryItself) {
    for (std::uint16_t i = 0; i < 149; ++i) {
        ASSERT_EQ(reg({kA.ip, static_cast<std::uint16_t>(1000 + i)}, "s").reply,
                  RegisterResult::Registered);
    }
    const auto outcome = reg({kA.ip, 5000}, "one too many");
    EXPECT_EQ(outcome.reply, RegisterResult::ListFull);
    EXPECT_EQ(outcome.refusal, Refusal::ListFull);
    EXPECT_EQ(registry.entries().size(), 149u);
    // An existing entry still refreshes when the list is full.
    EXPECT_EQ(reg({kA.ip, 1000}, "s").reply, RegisterResult::Registered);
}

TEST_F(RegistryTest, VersionIsCheckedBeforeWhitelist) {
    Admission filtered(parse_list_filter("[3.10.0];203.0.113.5"));
    auto old = info_named("old", "3.9.1");
    EXPECT_EQ(registry.register_server(kA, old, filtered, at(0s)).reply,
              RegisterResult::VersionTooOld);
    auto none = info_named("none", std::nullopt); // plain CLM_REGISTER_SERVER
    EXPECT_EQ(registry.register_server(kA, none, filtered, at(0s)).reply,
              RegisterResult::VersionTooOld);
    auto good = info_named("good", "3.11.0");
    EXPECT_EQ(registry.register_server(kA, good, filtered, at(0s)).reply,
              RegisterResult::RequirementsNotFulfilled);
    EXPECT_EQ(registry.register_server({0xcb007105, 1}, good, filtered, at(0s)).reply,
              RegisterResult::Registered);
    EXPECT_EQ(registry.entries().size(), 1u);
}

TEST_F(RegistryTest, WhitelistRefusalComesBeforeUpdateOfAnExistingEntry) {
    (void)reg(kA, "a");
    Admission filtered(parse_list_filter("203.0.113.5"));
    EXPECT_EQ(registry.register_server(kA, info_named("a"), filtered, at(0s)).reply,
              RegisterResult::RequirementsNotFulfilled);
}

TEST_F(RegistryTest, UnregisterOnlyFromTheRegisteringSourceAddress) {
    (void)reg(kA, "a");
    EXPECT_FALSE(registry.unregister({kA.ip, 9999}));
    EXPECT_FALSE(registry.unregister({kB.ip, kA.port}));
    EXPECT_EQ(registry.entries().size(), 1u);
    EXPECT_TRUE(registry.unregister(kA));
    EXPECT_TRUE(registry.entries().empty());
    ASSERT_EQ(journal.erased.size(), 1u);
    EXPECT_EQ(journal.erased[0].host, kA);
}

TEST_F(RegistryTest, ExpiresAfter33MinutesWithoutRefresh) {
    (void)reg(kA, "a", at(0s));
    (void)reg(kB, "b", at(0s));
    (void)reg(kB, "b", at(20min));
    EXPECT_TRUE(registry.expire(at(33min) - 1ms).empty());
    const auto removed = registry.expire(at(33min));
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].host, kA);
    ASSERT_EQ(registry.entries().size(), 1u);
    EXPECT_EQ(registry.entries()[0].host, kB);
    EXPECT_EQ(registry.next_expiry(), at(53min));
}

TEST_F(RegistryTest, JournalFailureChangesNothingAndSendsNoReply) {
    (void)reg(kA, "a");
    journal.fail = true;
    const auto added = reg(kB, "b");
    EXPECT_FALSE(added.reply.has_value());
    EXPECT_EQ(added.refusal, Refusal::StoreFailed);
    EXPECT_FALSE(reg(kA, "renamed").reply.has_value());
    EXPECT_EQ(registry.entries()[0].info.name, "a");
    EXPECT_FALSE(registry.unregister(kA));
    EXPECT_TRUE(registry.expire(at(1h)).empty());
    EXPECT_EQ(registry.entries().size(), 1u);
}

TEST_F(RegistryTest, PerIpEntryLimitRefusesWithListFullUnlessWhitelisted) {
    Registry limited(RegistryLimits{.max_per_ip = 2}, journal);
    EXPECT_EQ(limited.register_server({kA.ip, 1}, info_named("1"), open, at(0s)).reply,
              RegisterResult::Registered);
    EXPECT_EQ(limited.register_server({kA.ip, 2}, info_named("2"), open, at(0s)).reply,
              RegisterResult::Registered);
    const auto third = limited.register_server({kA.ip, 3}, info_named("3"), open, at(0s));
    EXPECT_EQ(third.reply, RegisterResult::ListFull);
    EXPECT_EQ(third.refusal, Refusal::PerIpLimit);
    EXPECT_EQ(limited.register_server(kB, info_named("other ip"), open, at(0s)).reply,
              RegisterResult::Registered);
    Admission whitelisted(parse_list_filter("198.51.100.0/24"));
    EXPECT_EQ(limited.register_server({kA.ip, 3}, info_named("3"), whitelisted, at(0s)).reply,
              RegisterResult::Registered);
    // --trusted exempts without turning on a whitelist.
    Admission trusted;
    trusted.set_trusted({*parse_cidr("198.51.100.1")});
    EXPECT_EQ(limited.register_server({kA.ip, 4}, info_named("4"), trusted, at(0s)).reply,
              RegisterResult::Registered);
    EXPECT_TRUE(trusted.source_allowed(0x01020304));
    EXPECT_EQ(limited.register_server({kB.ip, 5}, info_named("5"), trusted, at(0s)).reply,
              RegisterResult::Registered);
    EXPECT_EQ(limited.register_server({kB.ip, 6}, info_named("6"), trusted, at(0s)).refusal,
              Refusal::PerIpLimit);
}

TEST_F(RegistryTest, ListByteBudgetKeepsTheFullListReceivable) {
    // 20 three-byte characters: the largest name and city a Jamulus receiver accepts.
    std::string wide;
    for (int i = 0; i < 20; ++i) {
        wide += "\xe4\xb8\xad";
    }
    auto info = info_named(wide);
    info.city = wide;
    const std::size_t per_entry = full_list_entry_bytes(wide, wide);
    EXPECT_EQ(per_entry, 136u);
    std::size_t accepted = 0;
    for (std::uint16_t port = 1; port < 200; ++port) {
        const auto outcome = registry.register_server({kA.ip, port}, info, open, at(0s));
        if (outcome.reply == RegisterResult::Registered) {
            ++accepted;
        } else {
            EXPECT_EQ(outcome.refusal, Refusal::ListBytes);
            break;
        }
    }
    EXPECT_EQ(accepted, (kMaxListPayloadBytes - registry.limits().own_entry_bytes) / per_entry);
    EXPECT_LE(registry.list_bytes(), kMaxListPayloadBytes);
}

TEST_F(RegistryTest, RestoreKeepsOrderAndContinuesPositions) {
    std::vector<Entry> restored(2);
    restored[0].host = kB;
    restored[0].position = 7;
    restored[1].host = kA;
    restored[1].position = 9;
    registry.restore(restored);
    (void)reg(kC, "c");
    ASSERT_EQ(registry.entries().size(), 3u);
    EXPECT_EQ(registry.entries()[0].host, kB);
    EXPECT_EQ(registry.entries()[2].position, 10u);
}

TEST_F(RegistryTest, InternalAddressTextRules) {
    EXPECT_EQ(internal_address_from("", 22124), (Address{0x7f000001, 22124}));
    EXPECT_EQ(internal_address_from("10.1.2.3", 22600), (Address{0x0a010203, 22600}));
    EXPECT_FALSE(internal_address_from("not an ip", 1).has_value());
}

} // namespace
} // namespace jamfleet::directory
