// The routed-network fixture shared by the routed fleet tests: a fleet with the
// default bind (every address) on a LAN behind a NAT router (topology.h), seen from
// a second LAN host and from two internet hosts, and the probes those tests send.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/clm_messages.h"
#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/network/topology.h"

namespace jamfleet::interop {

using Net = RoutedTopology;
inline constexpr std::uint32_t kFleetLan = Net::kFleetHost;
inline constexpr std::uint32_t kPeerLan = Net::kLanHost;
inline constexpr std::uint32_t kPublic = Net::kRouterWan;
inline constexpr std::uint16_t kDirectoryPort = 22123;
inline constexpr std::uint16_t kFirstRoom = 22124;

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text);

// The directory's list as `socket` gets it from ip:port, asked up to three times as a
// Jamulus client keeps asking; the reply's sender when asked for.
std::optional<proto::ServerList> list_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port,
                                           std::uint32_t* sender_ip = nullptr,
                                           std::uint16_t* sender_port = nullptr);
// A ping answered from the address it was sent to, asked up to three times.
bool answers_ping_from(HostSocket& socket, std::uint32_t ip, std::uint16_t port);
const proto::ServerListEntry* entry_named(const proto::ServerList& list, const std::string& name);
// Every room of `list` (entry 0 excluded) answers a ping from `socket` at its listed address.
void expect_every_room_answers(HostSocket& socket, const proto::ServerList& list);
// A Jamulus program started on one of the topology's hosts by hand: the harness's
// readiness checks read the test's own namespace.
std::unique_ptr<Process> start_on(NetnsHost& host, const std::filesystem::path& work_dir,
                                  const std::string& role, const std::string& program,
                                  std::vector<std::string> args, Env env = {});

struct RoutedFleet : ::testing::Test {
    TempDir dir{"routed-fleet"};
    // Declared first: destroyed after every program started on it has stopped.
    RoutedTopology net;
    std::unique_ptr<FleetRun> fleet;
    std::unique_ptr<HostSocket> lan_musician;      // on the second LAN host
    std::unique_ptr<HostSocket> internet_musician; // on internet host A

    void SetUp() override;
    std::filesystem::path secret_file();
};

} // namespace jamfleet::interop
