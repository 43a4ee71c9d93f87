// Dual-stack rooms: jamfleet-mixer with --serverbindip6 serves IPv6 clients on its
// port beside IPv4 ones. A real Jamulus 3.9.1 client started with --enableipv6
// joins over [::1], and a 4.0.0 beta 2 client given a host name whose first
// address is IPv6 (as 4.0 clients connect to the first address only) joins too;
// getClients shows their addresses as [v6]:port, and IPv4 musicians share the room.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

std::filesystem::path write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    return path;
}

// getClients addresses of the room.
std::vector<std::string> client_addresses(JamulusServer& room) {
    std::vector<std::string> out;
    const auto r = room.rpc().call("jamulusserver/getClients");
    for (const auto& c : r["clients"]) {
        out.push_back(c.value("address", ""));
    }
    return out;
}

bool has_v6_client(JamulusServer& room) {
    for (const auto& a : client_addresses(room)) {
        if (a.rfind("[::1]:", 0) == 0) {
            return true;
        }
    }
    return false;
}

struct DualStackRoom : ::testing::Test {
    TempDir dir{"dual-stack"};
    std::unique_ptr<JamulusServer> room;
    void SetUp() override {
        const auto mixer = jamfleet_mixer_kind();
        ASSERT_TRUE(mixer) << "JAMFLEET_MIXER is not set (meson sets it)";
        ServerOptions options;
        options.args = {"--serverbindip6", "::1", "-o", "Dual;;0"};
        room = std::make_unique<JamulusServer>(dir.path(), *mixer, options, "room");
    }
};

TEST_F(DualStackRoom, Real391ClientJoinsOverIpv6AndSeesAnIpv4Musician) {
    JackServer jack(dir.path(), 128);
    JamulusClient v4(dir.path(), jack, "alice", {.name = "Alice"}, room->address());
    ClientOptions v6_options;
    v6_options.extra_args = {"--enableipv6"};
    JamulusClient v6(dir.path(), jack, "bob", {.name = "Bob"},
                     "[::1]:" + std::to_string(room->port()), v6_options);
    ASSERT_TRUE(v6.wait_connected(20s)) << v6.process().log_text() << room->process().log_text();
    EXPECT_TRUE(v6.wait_for_client_list(
        [](const nlohmann::json& clients) { return client_names(clients).size() == 2; }, 15s));
    EXPECT_TRUE(wait_until([&] { return has_v6_client(*room); }, 5s));
    const auto addresses = client_addresses(*room);
    EXPECT_EQ(addresses.size(), 2u);
    EXPECT_NE(std::find_if(addresses.begin(), addresses.end(),
                           [](const std::string& a) { return a.rfind("127.0.0.1:", 0) == 0; }),
              addresses.end());
}

TEST_F(DualStackRoom, Client400GivenAHostNameWhoseFirstAddressIsIpv6Joins) {
    // Throws, naming the path, when the peer is missing.
    const std::string program = jamulus_program(JamulusVersion::v4_0_0beta2).string();
    const auto work_dir = dir / "client-400";
    std::filesystem::create_directories(work_dir);
    // IPv6 first: what a 4.0 client on a dual-stack host connects to, without fallback.
    const auto hosts = write_text(work_dir / "hosts", "::1 jam.fleet.test\n"
                                                      "127.0.0.1 jam.fleet.test localhost\n");
    const auto ini = write_text(work_dir / "client.ini", client_ini({.name = "Carol"}));
    const auto secret = write_text(work_dir / "secret", std::string(kRpcSecret) + "\n");
    JackServer jack(dir.path(), 128);
    const std::uint16_t rpc_port = free_tcp_port();
    Process client(ProcessOptions{"client-400",
                                  "unshare",
                                  {"--mount",
                                   "--propagation",
                                   "private",
                                   "sh",
                                   "-c",
                                   "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
                                   hosts.string(),
                                   program,
                                   "-n",
                                   "-c",
                                   "jam.fleet.test:" + std::to_string(room->port()),
                                   "-i",
                                   ini.string(),
                                   "-p",
                                   "0",
                                   "-j",
                                   "--clientname",
                                   "carol",
                                   "--jsonrpcport",
                                   std::to_string(rpc_port),
                                   "--jsonrpcsecretfile",
                                   secret.string()},
                                  jack.client_env(),
                                  work_dir});
    EXPECT_TRUE(wait_until([&] { return has_v6_client(*room); }, 20s))
        << client.log_text() << room->process().log_text();
    JsonRpcClient rpc(rpc_port, kRpcSecret);
    EXPECT_TRUE(wait_until(
        [&] { return rpc.call("jamulusclient/getClientInfo").value("connected", false); }, 15s));
    client.terminate();
}

// `jamfleet probe [::1]:PORT` asks a room on its IPv6 socket, as a Kubernetes probe of a
// dual-stack room may: jamfleet-mixer and a real 4.0.0 beta 2 server both answer with
// their client count; a room without an IPv6 socket does not answer there.
TEST(Ipv6Probe, JamfleetProbeIsAnsweredOverIpv6ByJamfleetMixerAndJamulus_4_0_0beta2) {
    TempDir dir{"probe-v6"};
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER is not set (meson sets it)";
    const auto probe = [&](const std::string& address) {
        return run_command(ProcessOptions{"probe",
                                          orchestrator_program(),
                                          {"probe", address, "--timeout", "3"},
                                          {},
                                          dir.path()},
                           std::chrono::seconds(10));
    };
    for (const auto& kind : {*mixer, real_jamulus_kind(JamulusVersion::v4_0_0beta2)}) {
        SCOPED_TRACE(kind.name);
        ServerOptions options;
        options.bind_ip6 = "::1";
        JamulusServer room(dir.path(), kind, options, "probed-" + kind.name);
        const std::string address = "[::1]:" + std::to_string(room.port());
        const auto answer = probe(address);
        EXPECT_EQ(answer.exit_code, 0) << answer.output;
        EXPECT_NE(answer.output.find(address + " answered in"), std::string::npos) << answer.output;
        EXPECT_NE(answer.output.find(", 0 clients"), std::string::npos) << answer.output;
    }
    JamulusServer v4_only(dir.path(), *mixer, ServerOptions{}, "v4-only");
    const auto silent = probe("[::1]:" + std::to_string(v4_only.port()));
    EXPECT_EQ(silent.exit_code, 1) << silent.output;
    EXPECT_NE(silent.output.find("no answer"), std::string::npos) << silent.output;
    EXPECT_EQ(probe("127.0.0.1:" + std::to_string(v4_only.port())).exit_code, 0)
        << "the same room answers on IPv4";
}

} // namespace
} // namespace jamfleet::interop
