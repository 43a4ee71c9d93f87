// Resolver: numeric and local names resolve, invalid names fail with the name.
#include "io/resolver.h"

#include <gtest/gtest.h>

#include <chrono>

#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

TEST(Resolver, ResolvesDottedQuadWithoutNetwork) {
    Loop loop;
    Resolver resolver(loop);
    std::vector<std::uint32_t> ips;
    bool done = false;
    resolver.resolve("192.0.2.7", [&](auto r) {
        ASSERT_TRUE(r.ok());
        ips = r.value();
        done = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return done; }, 10s));
    ASSERT_EQ(ips.size(), 1u);
    EXPECT_EQ(ips[0], 0xc0000207u);
    EXPECT_EQ(resolver.pending(), 0u);
}

TEST(Resolver, ResolvesLocalhostFromTheHostsFile) {
    Loop loop;
    Resolver resolver(loop);
    std::vector<std::uint32_t> ips;
    bool done = false;
    resolver.resolve("localhost", [&](auto r) {
        ASSERT_TRUE(r.ok()) << r.error();
        ips = r.value();
        done = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return done; }, 10s));
    ASSERT_FALSE(ips.empty());
    EXPECT_EQ(ips[0] >> 24, 127u);
}

TEST(Resolver, ReportsFailureWithTheName) {
    Loop loop;
    Resolver resolver(loop);
    std::string error;
    // .invalid is reserved (RFC 2606): never resolves.
    resolver.resolve("no-such-host.invalid",
                     [&](auto r) { error = r.ok() ? "resolved?" : r.error(); });
    ASSERT_TRUE(loop.run_until([&] { return !error.empty(); }, 20s));
    EXPECT_EQ(error.rfind("resolve no-such-host.invalid: ", 0), 0u) << error;
}

TEST(Resolver, DestroyedResolverNeverCallsBack) {
    Loop loop;
    bool called = false;
    {
        Resolver resolver(loop);
        resolver.resolve("localhost", [&](auto) { called = true; });
    }
    loop.run_until([] { return false; }, 100ms);
    loop.run(); // drains the cancelled or finished lookup
    EXPECT_FALSE(called);
}

} // namespace
} // namespace jamfleet::io
