// Child command lines built from a fleet: options, registration target, filter.
#include "orchestrator/launch_spec.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/fleet_loader.h"

namespace jamfleet::orchestrator {
namespace {

using Args = std::vector<std::string>;

config::FleetConfig load(const std::string& yaml) {
    auto result = config::parse_fleet(yaml, "t.yaml");
    EXPECT_TRUE(result.ok());
    return result.ok() ? std::move(result).value() : config::FleetConfig{};
}

const BinPaths kBins{"/bin/jamfleet-mixer", "/bin/jamfleet-directory"};

TEST(LaunchSpec, MixerGetsEveryOptionAndRegistersWithTheIntegratedDirectory) {
    const auto fleet = load(R"(
fleet: {bind: 127.0.0.1, public_ip: 192.0.2.9, run_dir: /run/jf}
servers:
  - {name: Rock, city: Berlin, country: DE, max_clients: 4, welcome: hi, fast_update: true,
     delay_pan: true, licence: true, qos: 0, recording_dir: /rec, log_file: /log,
     jsonrpc_port: 8000, jsonrpc_secret_file: /s}
)");
    const LaunchSpec spec = server_launch(fleet, fleet.servers[0], kBins);
    EXPECT_EQ(spec.program, "/bin/jamfleet-mixer");
    EXPECT_EQ(spec.port, 22124);
    EXPECT_EQ(spec.control_socket, "/run/jf/server-22124.sock");
    EXPECT_EQ(spec.args, (Args{"-p",
                               "22124",
                               "--serverbindip",
                               "127.0.0.1",
                               "-u",
                               "4",
                               "-o",
                               "Rock;Berlin;de",
                               "-e",
                               "127.0.0.1:22123",
                               "--serverpublicip",
                               "192.0.2.9",
                               "--serverbindip6",
                               "::",
                               "-w",
                               "hi",
                               "-F",
                               "-P",
                               "-L",
                               "-Q",
                               "0",
                               "-R",
                               "/rec",
                               "-l",
                               "/log",
                               "--jsonrpcport",
                               "8000",
                               "--jsonrpcsecretfile",
                               "/s",
                               "--control-socket",
                               "/run/jf/server-22124.sock",
                               "--directory-relay",
                               "/run/jf/directory-relay.sock"}));
}

TEST(LaunchSpec, MinimalMixerUsesDefaultsAndLoopbackRegistrationWhenBindingAll) {
    const auto fleet = load("servers: [{name: A}]\n");
    const LaunchSpec spec = server_launch(fleet, fleet.servers[0], kBins);
    EXPECT_EQ(spec.args, (Args{"-p", "22124", "--serverbindip", "0.0.0.0", "-u", "10", "-o", "A;;0",
                               "-e", "127.0.0.1:22123", "--serverbindip6", "::", "-Q", "128",
                               "--control-socket", "./var/run/server-22124.sock",
                               "--directory-relay", "./var/run/directory-relay.sock"}));
}

bool has_arg(const LaunchSpec& spec, const std::string& arg) {
    return std::find(spec.args.begin(), spec.args.end(), arg) != spec.args.end();
}

TEST(LaunchSpec, NorecordFollowsTheRecordingDirectoryAsJamulusTakesIt) {
    const auto fleet = load(R"(
defaults: {recording_dir: /rec, norecord: true}
servers:
  - {name: Held, port: 30000}
  - {name: Live, port: 30001, norecord: false}
)");
    const LaunchSpec held = server_launch(fleet, fleet.servers[0], kBins);
    EXPECT_EQ(held.args,
              (Args{"-p", "30000", "--serverbindip", "0.0.0.0", "-u", "10", "-o", "Held;;0", "-e",
                    "127.0.0.1:22123", "--serverbindip6", "::", "-Q", "128", "-R", "/rec",
                    "--norecord", "--control-socket", "./var/run/server-30000.sock"}));
    const LaunchSpec live = server_launch(fleet, fleet.servers[1], kBins);
    EXPECT_TRUE(has_arg(live, "-R"));
    EXPECT_FALSE(has_arg(live, "--norecord"));
}

TEST(LaunchSpec, NorawTurnsOffRawAudioPerRoom) {
    const auto fleet = load(R"(
defaults: {noraw: true}
servers:
  - {name: Opus Only, port: 30000}
  - {name: Raw Welcome, port: 30001, noraw: false}
)");
    EXPECT_TRUE(has_arg(server_launch(fleet, fleet.servers[0], kBins), "--noraw"));
    EXPECT_FALSE(has_arg(server_launch(fleet, fleet.servers[1], kBins), "--noraw"));
}

TEST(LaunchSpec, MaxSeatsPerIpIsPassedOnlyWhenSet) {
    const auto fleet = load("servers: [{name: A}, {name: B, max_seats_per_ip: 4}]\n");
    EXPECT_FALSE(has_arg(server_launch(fleet, fleet.servers[0], kBins), "--max-seats-per-ip"));
    const LaunchSpec b = server_launch(fleet, fleet.servers[1], kBins);
    const auto it = std::find(b.args.begin(), b.args.end(), "--max-seats-per-ip");
    ASSERT_NE(it, b.args.end());
    EXPECT_EQ(*(it + 1), "4");
}

TEST(LaunchSpec, MixerWithoutARecorderGetsNeitherRecordingOption) {
    const auto fleet = load("servers: [{name: A, recording_dir: /rec, norecord: true}]\n");
    BinPaths bins = kBins;
    bins.mixer_recording = false;
    const LaunchSpec spec = server_launch(fleet, fleet.servers[0], bins);
    EXPECT_FALSE(has_arg(spec, "-R"));
    EXPECT_FALSE(has_arg(spec, "--norecord"));
}

TEST(LaunchSpec, ExternalDirectoryOrNoneWhenTheIntegratedOneIsDisabled) {
    const auto external =
        load("fleet: {directory_address: dir.example.org:22224}\ndirectory: {enabled: false}\n"
             "servers: [{name: A}]\n");
    EXPECT_EQ(registration_target(external), "dir.example.org:22224");
    EXPECT_FALSE(directory_launch(external, kBins).has_value());
    const auto none = load("directory: {enabled: false}\nservers: [{name: A}]\n");
    const LaunchSpec spec = server_launch(none, none.servers[0], kBins);
    EXPECT_EQ(std::find(spec.args.begin(), spec.args.end(), "-e"), spec.args.end());
}

TEST(LaunchSpec, DirectoryGetsItsOptionsWhitelistAndTrustsFleetMembers) {
    const auto fleet = load(R"(
fleet: {bind: 10.0.0.5, public_ip: 192.0.2.9, run_dir: /run/jf}
directory:
  port: 22100
  name: Dir
  city: Leeds
  country: GB
  whitelist: [203.0.113.0/24, partner.example.org]
  min_version: 3.8.0
  database: /db
  max_servers: 40
)");
    const auto spec = directory_launch(fleet, kBins);
    ASSERT_TRUE(spec.has_value());
    EXPECT_EQ(spec->name, "directory");
    EXPECT_EQ(spec->args, (Args{"-p",
                                "22100",
                                "--serverbindip",
                                "10.0.0.5",
                                "-o",
                                "Dir;Leeds;gb",
                                "-f",
                                "[3.8.0];203.0.113.0/24;partner.example.org;10.0.0.5",
                                "--trusted",
                                "10.0.0.5",
                                "--serverpublicip",
                                "192.0.2.9",
                                "--maxservers",
                                "40",
                                "--db",
                                "/db",
                                "--control-socket",
                                "/run/jf/directory.sock",
                                "--relay-socket",
                                "/run/jf/directory-relay.sock"}));
}

TEST(LaunchSpec, OpenDirectoryHasNoFilter) {
    const auto fleet = load("directory: {name: D}\n");
    EXPECT_EQ(directory_list_filter(fleet), "");
    const auto versioned = load("directory: {min_version: 3.9.0}\n");
    EXPECT_EQ(directory_list_filter(versioned), "[3.9.0]");
}

TEST(LaunchSpec, BansAndAllowListsArePassedOnePerRange) {
    const auto fleet =
        load("defaults: {bans: [192.0.2.0/24]}\n"
             "servers: [{name: A}, {name: Lesson, allow: [10.0.0.5, 10.1.0.0/16]}]\n");
    const auto args = server_launch(fleet, fleet.servers[1], kBins).args;
    const std::vector<std::string> want{"--ban",    "192.0.2.0/24", "--allow",
                                        "10.0.0.5", "--allow",      "10.1.0.0/16"};
    EXPECT_NE(std::search(args.begin(), args.end(), want.begin(), want.end()), args.end());
    EXPECT_FALSE(has_arg(server_launch(fleet, fleet.servers[0], kBins), "--allow"));
}

TEST(LaunchSpec, Bind6IsPassedToRoomsUnlessEmpty) {
    const auto dual = load("servers: [{name: A}]\n");
    EXPECT_TRUE(has_arg(server_launch(dual, dual.servers[0], kBins), "--serverbindip6"));
    const auto v4 = load("fleet: {bind6: \"\"}\nservers: [{name: A}]\n");
    EXPECT_FALSE(has_arg(server_launch(v4, v4.servers[0], kBins), "--serverbindip6"));
    EXPECT_FALSE(
        config::parse_fleet("fleet: {bind6: 1.2.3.4}\nservers: [{name: A}]\n", "t.yaml").ok());
}

TEST(LaunchSpec, OnlyTheRoomAtJamulusDefaultPortRelaysToTheIntegratedDirectory) {
    const auto fleet = load("servers: [{name: A}, {name: B}]\n");
    const auto has_relay = [](const LaunchSpec& spec) {
        return std::find(spec.args.begin(), spec.args.end(), "--directory-relay") !=
               spec.args.end();
    };
    EXPECT_TRUE(has_relay(server_launch(fleet, fleet.servers[0], kBins)));  // 22124
    EXPECT_FALSE(has_relay(server_launch(fleet, fleet.servers[1], kBins))); // 22125
    // No integrated directory, or a directory without the option: nothing to hand to.
    const auto external = load("fleet: {directory_address: dir.example.org}\n"
                               "directory: {enabled: false}\nservers: [{name: A}]\n");
    EXPECT_FALSE(has_relay(server_launch(external, external.servers[0], kBins)));
    BinPaths old_directory = kBins;
    old_directory.directory_control = false;
    EXPECT_FALSE(has_relay(server_launch(fleet, fleet.servers[0], old_directory)));
}

TEST(LaunchSpec, WebChildOnlyWithTheWebSection) {
    BinPaths bins = kBins;
    bins.web = "/bin/jamfleet-web";
    EXPECT_FALSE(web_launch(load("fleet: {name: F, run_dir: /run/j}\n"), bins));
    const auto spec = web_launch(load("fleet: {name: F, run_dir: /run/j}\nweb: {}\n"), bins);
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->kind, ChildKind::Web);
    EXPECT_EQ(spec->name, "web");
    EXPECT_EQ(spec->port, 8124);
    EXPECT_TRUE(spec->bind.empty()) << "no UDP port to pre-check";
    EXPECT_EQ(spec->control_socket, "/run/j/web.sock");
    EXPECT_EQ(spec->args,
              (Args{"--run-dir", "/run/j", "--supervisor-socket", "/run/j/jamfleet.sock", "--bind",
                    "127.0.0.1", "--port", "8124", "--token-file", "/run/j/web.token",
                    "--control-socket", "/run/j/web.sock"}));
    const auto custom =
        web_launch(load("fleet: {name: F, run_dir: /run/j}\n"
                        "web: {bind: '::', port: 9000, token_file: /etc/jamfleet/web.token}\n"),
                   bins);
    ASSERT_TRUE(custom);
    EXPECT_EQ(custom->args[5], "::");
    EXPECT_EQ(custom->args[7], "9000");
    EXPECT_EQ(custom->args[9], "/etc/jamfleet/web.token");
}

} // namespace
} // namespace jamfleet::orchestrator
