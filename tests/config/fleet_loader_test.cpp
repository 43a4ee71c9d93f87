// The fleet loader: examples load, defaults and templates expand, ports are
// assigned in order around explicit ones, and every error is collected.
#include "config/fleet_loader.h"

#include <gtest/gtest.h>

namespace jamfleet::config {
namespace {

FleetConfig load_ok(const std::string& yaml) {
    auto result = parse_fleet(yaml, "test.yaml");
    if (!result.ok()) {
        for (const auto& error : result.error()) {
            ADD_FAILURE() << error.to_string();
        }
        return {};
    }
    return std::move(result).value();
}

std::vector<std::string> error_lines(const std::string& yaml) {
    std::vector<std::string> lines;
    auto result = parse_fleet(yaml, "test.yaml");
    EXPECT_FALSE(result.ok());
    if (!result.ok()) {
        for (const auto& error : result.error()) {
            lines.push_back(error.to_string());
        }
    }
    return lines;
}

std::string example(const std::string& name) {
    return std::string(JAMFLEET_SOURCE_DIR) + "/examples/" + name;
}

TEST(FleetExamples, FleetYamlHasADirectoryAndThreeRoomsOnLoopback) {
    const auto fleet = load_fleet_file(example("fleet.yaml"));
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(fleet->fleet.bind, "127.0.0.1");
    EXPECT_TRUE(fleet->directory.enabled);
    EXPECT_EQ(fleet->directory.port, 22123);
    EXPECT_EQ(fleet->directory.database.rfind("./var/", 0), 0u);
    ASSERT_EQ(fleet->servers.size(), 3u);
    EXPECT_EQ(fleet->servers[0].name, "Rock Room");
    EXPECT_EQ(fleet->servers[0].port, 22124);
    EXPECT_EQ(fleet->servers[1].port, 22125);
    EXPECT_EQ(fleet->servers[2].port, 22126);
    EXPECT_EQ(fleet->servers[2].options.max_clients, 4);
}

TEST(FleetExamples, SchoolYamlLoadsWithItsWhitelistAndPracticeRooms) {
    const auto fleet = load_fleet_file(example("school.yaml"));
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(fleet->directory.whitelist.size(), 2u);
    ASSERT_NE(fleet->find_server("Practice 08"), nullptr);
    EXPECT_EQ(fleet->find_server("Staff Room")->country, "GB");
    EXPECT_TRUE(fleet->find_server("Orchestra")->options.norecord);
    EXPECT_FALSE(fleet->find_server("Big Band")->options.norecord);
}

TEST(FleetExamples, EventYamlStampsOutMoreThanTwentyRooms) {
    const auto fleet = load_fleet_file(example("event.yaml"));
    ASSERT_TRUE(fleet.ok());
    EXPECT_GE(fleet->servers.size(), 20u);
    EXPECT_NE(fleet->find_server("Jam Room 20"), nullptr);
    EXPECT_EQ(fleet->directory.port, 22999);
}

TEST(FleetLoader, MissingFileIsOneErrorNamingTheFile) {
    const auto fleet = load_fleet_file("/nonexistent/fleet.yaml");
    ASSERT_FALSE(fleet.ok());
    ASSERT_EQ(fleet.error().size(), 1u);
    EXPECT_EQ(fleet.error()[0].to_string(),
              "/nonexistent/fleet.yaml: cannot read fleet file: No such file or directory");
}

TEST(FleetLoader, EmptyFileIsAnEmptyFleetWithDefaults) {
    const auto fleet = load_ok("");
    EXPECT_EQ(fleet.fleet.base_port, kDefaultBasePort);
    EXPECT_EQ(fleet.directory.port, kDefaultBasePort - 1);
    EXPECT_TRUE(fleet.servers.empty());
}

TEST(FleetLoader, ServersInheritDefaultsAndMayOverrideThem) {
    const auto fleet = load_ok(R"(
defaults: {max_clients: 7, fast_update: yes, welcome: hi}
servers:
  - name: A
  - name: B
    max_clients: 3
    welcome: ""
)");
    ASSERT_EQ(fleet.servers.size(), 2u);
    EXPECT_EQ(fleet.servers[0].options.max_clients, 7);
    EXPECT_TRUE(fleet.servers[0].options.fast_update);
    EXPECT_EQ(fleet.servers[0].options.welcome, "hi");
    EXPECT_EQ(fleet.servers[1].options.max_clients, 3);
    EXPECT_TRUE(fleet.servers[1].options.fast_update);
    EXPECT_EQ(fleet.servers[1].options.welcome, "");
}

TEST(FleetLoader, NorecordInDefaultsReachesEveryRecordingRoomAndARoomMayOverrideIt) {
    const auto fleet = load_ok(R"(
defaults: {recording_dir: "/rec/{n}", norecord: on}
servers:
  - name: Held {n}
    count: 2
  - name: Live
    norecord: off
  - name: Own
    recording_dir: /own
)");
    ASSERT_EQ(fleet.servers.size(), 4u);
    EXPECT_TRUE(fleet.defaults.norecord);
    EXPECT_TRUE(fleet.servers[0].options.norecord);
    EXPECT_EQ(fleet.servers[1].options.recording_dir, "/rec/2");
    EXPECT_TRUE(fleet.servers[1].options.norecord);
    EXPECT_FALSE(fleet.servers[2].options.norecord);
    EXPECT_EQ(fleet.servers[3].options.recording_dir, "/own");
    EXPECT_TRUE(fleet.servers[3].options.norecord);
}

TEST(FleetLoader, MaxSeatsPerIpIsUnsetUnlessGivenAndRoomsMayOverrideDefaults) {
    const auto fleet = load_ok(R"(
defaults: {max_seats_per_ip: 30}
servers:
  - name: School
  - name: Open
    max_seats_per_ip: 2
)");
    EXPECT_EQ(fleet.servers[0].options.max_seats_per_ip, 30);
    EXPECT_EQ(fleet.servers[1].options.max_seats_per_ip, 2);
    EXPECT_FALSE(load_ok("servers: [{name: A}]\n").servers[0].options.max_seats_per_ip);
    EXPECT_FALSE(error_lines("servers: [{name: A, max_seats_per_ip: 0}]\n").empty());
}

TEST(FleetLoader, NorecordIsOffUnlessSet) {
    const auto fleet = load_ok("servers: [{name: A, recording_dir: /rec}]\n");
    EXPECT_FALSE(fleet.servers[0].options.norecord);
}

TEST(FleetLoader, ServerNorecordWithoutAnyRecordingDirIsAnErrorAtTheKey) {
    const auto lines = error_lines("servers:\n  - name: A\n    norecord: true\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "test.yaml:3:15: /servers/0/norecord: norecord needs a recording_dir "
                        "(here or in defaults): without one the room has no recorder to start "
                        "disabled");
}

TEST(FleetLoader, DefaultsNorecordIsFineWhileOneRoomRecords) {
    const auto fleet = load_ok("defaults: {norecord: true}\n"
                               "servers: [{name: A}, {name: B, recording_dir: /rec}]\n");
    EXPECT_FALSE(fleet.servers[0].options.norecord); // A has no recorder to hold disabled
    EXPECT_TRUE(fleet.servers[1].options.norecord);
    const auto lines = error_lines("defaults: {norecord: true}\nservers: [{name: A}]\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("test.yaml:1:22: /defaults/norecord: norecord needs", 0), 0u)
        << lines[0];
}

TEST(FleetLoader, NorecordMustBeABoolean) {
    const auto lines =
        error_lines("servers: [{name: A, recording_dir: /rec, norecord: sometimes}]\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("/servers/0/norecord"), std::string::npos) << lines[0];
}

TEST(FleetLoader, AssignsPortsInOrderSkippingExplicitAndDirectoryPorts) {
    const auto fleet = load_ok(R"(
fleet: {base_port: 30000}
directory: {port: 30001}
servers:
  - name: A
  - name: B
  - name: C
    port: 30002
  - name: D
)");
    ASSERT_EQ(fleet.servers.size(), 4u);
    EXPECT_EQ(fleet.servers[0].port, 30000);
    EXPECT_EQ(fleet.servers[1].port, 30003);
    EXPECT_EQ(fleet.servers[2].port, 30002);
    EXPECT_EQ(fleet.servers[3].port, 30004);
}

TEST(FleetLoader, DisabledDirectoryTakesNoPort) {
    const auto fleet = load_ok("fleet: {base_port: 30000}\ndirectory: {enabled: false}\n"
                               "servers: [{name: A, port: 29999}]\n");
    EXPECT_EQ(fleet.servers[0].port, 29999);
}

TEST(FleetLoader, TemplatesNumberNamesPortsAndDnsNames) {
    const auto fleet = load_ok(R"(
fleet: {public_host: jam.example.org}
servers:
  - name: Practice {n:02}
    count: 3
    first: 9
    port: 40000
    dns_name: p{n}.example.org
    city: Floor {n}
)");
    ASSERT_EQ(fleet.servers.size(), 3u);
    EXPECT_EQ(fleet.servers[0].name, "Practice 09");
    EXPECT_EQ(fleet.servers[2].name, "Practice 11");
    EXPECT_EQ(fleet.servers[1].port, 40001);
    EXPECT_EQ(fleet.servers[2].dns_name, "p11.example.org");
    EXPECT_EQ(fleet.servers[0].city, "Floor 9");
}

// Found by fuzz_config: an unclosed "{n" once restarted the scan forever.
TEST(FleetLoader, UnclosedPlaceholderIsLiteralText) {
    const auto fleet = load_ok("servers: [{name: \"Room {n\"}]\n");
    ASSERT_EQ(fleet.servers.size(), 1u);
    EXPECT_EQ(fleet.servers[0].name, "Room {n");
    const auto lines = error_lines("servers: [{name: \"Room {n\", count: 2}]\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("name must contain {n} when count > 1"), std::string::npos);
}

TEST(FleetLoader, NormalizesCountryAndDnsName) {
    const auto fleet = load_ok("fleet: {public_host: jam.example.org.}\n"
                               "servers: [{name: A, country: fr, dns_name: Rock.Example.ORG.}]\n");
    EXPECT_EQ(fleet.servers[0].country, "FR");
    EXPECT_EQ(fleet.servers[0].dns_name, "rock.example.org");
    EXPECT_EQ(fleet.fleet.public_host, "jam.example.org");
}

TEST(FleetLoader, ReportsDuplicateKeys) {
    const auto lines = error_lines("fleet:\n  name: a\n  name: b\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "test.yaml:3:3: /fleet/name: duplicate key 'name'");
}

TEST(FleetLoader, CollectsErrorsFromEverySectionAtOnce) {
    const auto lines = error_lines(R"(
fleet: {base_port: 0}
defaults: {qos: 300}
directory: {max_servers: 0}
servers:
  - {name: A, port: 22124}
  - {name: B, port: 22124}
)");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "test.yaml:2:20: /fleet/base_port: must be between 1 and 65535, got 0");
    EXPECT_EQ(lines[1], "test.yaml:3:17: /defaults/qos: must be between 0 and 255, got 300");
    EXPECT_EQ(lines[2], "test.yaml:4:26: /directory/max_servers: must be between 2 and 150, got 0");
    EXPECT_EQ(lines[3], "test.yaml:7:21: /servers/1/port: 22124 already used by /servers/0");
}

TEST(FleetLoader, ServersMustBeAList) {
    const auto lines = error_lines("servers: {name: A}\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "test.yaml:1:10: /servers: expected a list of servers");
}

TEST(FleetLoader, BansAndAllowListsTakeAddressesOrRangesAndAddToTheDefaults) {
    const auto fleet = load_ok(R"(
defaults: {bans: [192.0.2.0/24]}
servers:
  - name: Open
  - name: Lesson
    bans: [198.51.100.7]
    allow: [10.0.0.0/8]
)");
    EXPECT_EQ(fleet.servers[0].options.bans, std::vector<std::string>{"192.0.2.0/24"});
    EXPECT_TRUE(fleet.servers[0].options.allow.empty());
    EXPECT_EQ(fleet.servers[1].options.bans,
              (std::vector<std::string>{"192.0.2.0/24", "198.51.100.7"}));
    EXPECT_EQ(fleet.servers[1].options.allow, std::vector<std::string>{"10.0.0.0/8"});
    EXPECT_FALSE(error_lines("servers: [{name: A, bans: [10.0.0.1/8]}]\n").empty())
        << "host bits past the prefix are a mistake";
    EXPECT_FALSE(error_lines("servers: [{name: A, allow: [example.org]}]\n").empty());
    EXPECT_EQ(load_ok("servers: [{name: A, bans: [\"2001:db8::/32\", \"::1\"]}]\n")
                  .servers[0]
                  .options.bans.size(),
              2u);
    EXPECT_FALSE(error_lines("servers: [{name: A, bans: [\"2001:db8::/129\"]}]\n").empty());
    EXPECT_FALSE(error_lines("servers: [{name: A, bans: [\"2001:db8::/\"]}]\n").empty());
    EXPECT_FALSE(error_lines("defaults: {bans: 10.0.0.1}\n").empty()) << "a list";
}

TEST(FleetWeb, AbsentMeansNoWebChildEmptyMeansDefaults) {
    EXPECT_FALSE(load_ok("fleet: {name: F}\n").web.enabled);
    const auto fleet = load_ok("fleet: {name: F, run_dir: /run/j}\nweb: {}\n");
    EXPECT_TRUE(fleet.web.enabled);
    EXPECT_EQ(fleet.web.bind, "127.0.0.1");
    EXPECT_EQ(fleet.web.port, 8124);
    EXPECT_EQ(fleet.web_token_path(), "/run/j/web.token");
    EXPECT_EQ(fleet.web_url(), "http://127.0.0.1:8124/");
    const auto v6 = load_ok("fleet: {name: F}\nweb: {bind: '::1', port: 8080, token_file: /t}\n");
    EXPECT_EQ(v6.web_url(), "http://[::1]:8080/");
    EXPECT_EQ(v6.web_token_path(), "/t");
}

TEST(FleetWeb, BadValuesAreErrors) {
    const auto lines =
        error_lines("fleet: {name: F}\nweb: {bind: example.org, port: 0, tokenfile: x}\n");
    ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
    EXPECT_NE(lines[0].find("bad web bind address"), std::string::npos) << lines[0];
}

} // namespace
} // namespace jamfleet::config
