// List filter: Jamulus `-f` syntax, CIDR ranges, host names and version order.
#include "directory/list_filter.h"

#include <gtest/gtest.h>

namespace jamfleet::directory {
namespace {

TEST(ListFilter, ParsesJamulusFormat) {
    const auto f = parse_list_filter("[3.8.0];203.0.113.5;198.51.100.7");
    EXPECT_EQ(f.min_version, "3.8.0");
    ASSERT_EQ(f.ranges.size(), 2u);
    EXPECT_EQ(f.ranges[0], (Cidr{0xcb007105, 32}));
    EXPECT_TRUE(f.whitelist_active());
    EXPECT_TRUE(f.warnings.empty());
}

TEST(ListFilter, VersionOnlyFilterHasNoWhitelist) {
    const auto f = parse_list_filter("[3.10.0]");
    EXPECT_FALSE(f.whitelist_active());
    Admission a(f);
    EXPECT_TRUE(a.source_allowed(0x01020304));
}

TEST(ListFilter, AcceptsCidrAndHostNamesAndWarnsAboutJunk) {
    const auto f = parse_list_filter("10.1.2.3/8;jam.example.org;;300.1.1.1;[]");
    ASSERT_EQ(f.ranges.size(), 1u);
    EXPECT_EQ(f.ranges[0], (Cidr{0x0a000000, 8}));
    ASSERT_EQ(f.host_names.size(), 1u);
    EXPECT_EQ(f.host_names[0], "jam.example.org");
    EXPECT_EQ(f.warnings.size(), 3u); // empty item, bad IP, "[]" (too short for a version)
}

TEST(ListFilter, CidrContainment) {
    const auto c = parse_cidr("172.16.5.9/12");
    ASSERT_TRUE(c);
    EXPECT_EQ(to_string(*c), "172.16.0.0/12");
    EXPECT_TRUE(c->contains(0xac1fffff));  // 172.31.255.255
    EXPECT_FALSE(c->contains(0xac200000)); // 172.32.0.0
    EXPECT_TRUE(parse_cidr("0.0.0.0/0")->contains(0xffffffff));
    EXPECT_FALSE(parse_cidr("1.2.3.4/33"));
    EXPECT_FALSE(parse_cidr("1.2.3/8"));
}

TEST(ListFilter, HostNamesWhitelistOnlyWhatTheyResolveTo) {
    Admission a(parse_list_filter("jam.example.org"));
    EXPECT_FALSE(a.source_allowed(0xcb007105)); // unresolved yet: nobody
    a.set_resolved_hosts({0xcb007105});
    EXPECT_TRUE(a.source_allowed(0xcb007105));
    EXPECT_FALSE(a.source_allowed(0xcb007106));
}

TEST(VersionCompare, FollowsQVersionNumber) {
    EXPECT_LT(compare_versions("3.9.1", "3.10.0"), 0);
    EXPECT_EQ(compare_versions("3.10.0", "3.10.0"), 0);
    EXPECT_GT(compare_versions("3.11.0", "3.10.0"), 0);
    EXPECT_EQ(compare_versions("3.9.1dev-abc", "3.9.1"), 0);
    EXPECT_GT(compare_versions("3.9.1.1", "3.9.1"), 0);
    EXPECT_LT(compare_versions("", "3.0.0"), 0);
}

TEST(Admission, MinimumVersionNeedsAVersion) {
    Admission a(parse_list_filter("[3.8.0]"));
    EXPECT_FALSE(a.version_ok(std::nullopt));
    EXPECT_FALSE(a.version_ok("3.7.9"));
    EXPECT_TRUE(a.version_ok("3.8.0"));
    EXPECT_TRUE(Admission().version_ok(std::nullopt));
}

} // namespace
} // namespace jamfleet::directory
