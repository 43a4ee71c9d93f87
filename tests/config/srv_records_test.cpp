// SRV record text: one record per DNS name, port and TTL from the fleet.
#include "config/srv_records.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::config {
namespace {

TEST(SrvRecords, OneRecordPerServerWithADnsName) {
    const auto fleet = parse_fleet(R"(
fleet: {public_host: jam.example.org, dns_ttl: 600, base_port: 22124}
servers:
  - {name: Rock, dns_name: rock.example.org}
  - {name: Hidden}
  - {name: Jazz, dns_name: jazz.example.org., port: 22200}
)",
                                   "t.yaml");
    ASSERT_TRUE(fleet.ok());
    const auto records = srv_records(*fleet);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0], "_jamulus._udp.rock.example.org. 600 IN SRV 0 5 22124 jam.example.org.");
    EXPECT_EQ(records[1], "_jamulus._udp.jazz.example.org. 600 IN SRV 0 5 22200 jam.example.org.");
}

TEST(SrvRecords, TheDirectorysRecordComesFirstAndNeedsThePublicHost) {
    const auto fleet = parse_fleet(R"(
fleet: {public_host: jam.example.org}
directory: {dns_name: Dir.Example.org., port: 22100}
servers: [{name: Rock, dns_name: rock.example.org}]
)",
                                   "t.yaml");
    ASSERT_TRUE(fleet.ok());
    const auto records = srv_records(*fleet);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0], "_jamulus._udp.dir.example.org. 300 IN SRV 0 5 22100 jam.example.org.");
    const auto no_target = parse_fleet("directory: {dns_name: dir.example.org}\n"
                                       "servers: [{name: A}]\n",
                                       "t.yaml");
    ASSERT_FALSE(no_target.ok());
    EXPECT_EQ(no_target.error()[0].message,
              "dns_name needs fleet.public_host (the target of its SRV record)");
}

TEST(SrvRecords, ZoneTextSaysWhenThereIsNothingToPublish) {
    const auto fleet = parse_fleet("fleet: {name: Quiet}\nservers: [{name: A}]\n", "t.yaml");
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(srv_zone_text(*fleet), "; SRV records for jamfleet fleet 'Quiet'\n; neither the "
                                     "directory nor any server has a dns_name\n");
}

} // namespace
} // namespace jamfleet::config
