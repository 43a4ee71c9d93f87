// jamfleet-directory with real servers of every release the matrix covers: each registers,
// is listed with its own version string, and a 3.12.4 client's pollServerList (its JSON-RPC)
// reads the list; a 3.10 minimum version admits the newer releases. Test names state the
// server release.
#include <gtest/gtest.h>

#include "tests/interop/directory/directory_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string registration_status(JamulusServer& server) {
    return server.rpc().call("jamulusserver/getServerProfile")["registrationStatus"];
}

class DirectoryVersions : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(DirectoryVersions, ServerRegistersAndA_3_12_4_ClientPollsTheList) {
    const auto version = GetParam();
    TempDir dir("directory-versions");
    Directory directory(dir.path(), dir / "db.sqlite", {"-o", "MyDir;Town;de"});
    JamulusServer server(dir.path(), real_jamulus_kind(version),
                         {.args = {"-e", directory.address(), "-o", "Jam Neu;Köln;de"}});
    ASSERT_TRUE(wait_until([&] { return registration_status(server) == "registered"; }, 15s, 100ms))
        << registration_status(server);
    const auto servers = directory.servers();
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0]["address"], server.address());
    EXPECT_EQ(servers[0]["name"], "Jam Neu");
    EXPECT_EQ(servers[0]["city"], "Köln");
    EXPECT_EQ(servers[0]["version"], version_text(version));

    // The list as a real 3.12.4 client decodes it (jamulusclient/pollServerList, 3.12+).
    JackServer jack(dir.path(), 128);
    const auto idle_port = free_udp_port(); // nothing listens: the client stays unconnected
    JamulusClient client(dir.path(), jack, "lister", {.name = "Lister"},
                         "127.0.0.1:" + std::to_string(idle_port),
                         {.version = JamulusVersion::v3_12_4});
    const auto from = client.rpc().notifications().size();
    EXPECT_EQ(
        client.rpc().call("jamulusclient/pollServerList", {{"directory", directory.address()}}),
        "ok");
    const auto list =
        client.rpc().wait_for_notification("jamulusclient/serverListReceived", {}, 15s, from);
    ASSERT_TRUE(list) << "no serverListReceived from our directory";
    const auto& entries = (*list)["servers"];
    ASSERT_EQ(entries.size(), 2u) << entries.dump();
    EXPECT_EQ(entries[0]["name"], "MyDir");
    EXPECT_EQ(entries[0]["address"], "0.0.0.0:0"); // the directory's own entry
    EXPECT_EQ(entries[1]["name"], "Jam Neu");
    EXPECT_EQ(entries[1]["city"], "Köln");
    EXPECT_EQ(entries[1]["countryId"], 82);
    EXPECT_EQ(entries[1]["address"], server.address());
    // The client pings every listed server; ours answers with its client count.
    const auto info = client.rpc().wait_for_notification(
        "jamulusclient/serverInfoReceived",
        [&](const json& p) { return p["address"] == server.address(); }, 15s, from);
    ASSERT_TRUE(info) << "the listed server never answered the client's ping";
    EXPECT_EQ((*info)["numClients"], 0);
}

// 3.10.0 as the minimum: the newer releases get in (DirectoryInterop.
// CidrWhitelistAdmitsAndMinimumVersionRefuses/jamulus_3_9_1 proves that 3.9.1 is refused).
class DirectoryMinimumVersion : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(DirectoryMinimumVersion, MinimumVersion_3_10_0_AdmitsTheServer) {
    const auto version = GetParam();
    TempDir dir("directory-minimum");
    Directory directory(dir.path(), dir / "db.sqlite", {"-f", "[3.10.0];127.0.0.1"});
    JamulusServer server(dir.path(), real_jamulus_kind(version),
                         {.args = {"-e", directory.address(), "-o", "New;X;fr"}});
    EXPECT_TRUE(wait_until([&] { return registration_status(server) == "registered"; }, 15s, 100ms))
        << registration_status(server);
}

// A list request carrying a body (upstream issue #3882 proposes 6 bytes naming a server to
// hole-punch) is answered by a real 4.0 directory and by ours alike.
TEST(DirectoryWireDetails, ListRequestWithABodyIsAnsweredLikeJamulus_4_0_0beta2) {
    TempDir dir("directory-body");
    const proto::Bytes body{0x7f, 0x00, 0x00, 0x01, 0x34, 0x12};
    JamulusServer real(dir.path(), real_jamulus_kind(JamulusVersion::v4_0_0beta2),
                       {.args = {"-e", "localhost", "-o", "RealDir;Town;de"}}, "real-directory");
    UdpProbe to_real;
    const auto real_list = request_list(to_real, real.port(), body);
    ASSERT_TRUE(real_list) << "the real 4.0 directory did not answer";
    EXPECT_EQ(real_list->entries.size(), 1u);

    Directory ours(dir.path(), dir / "db.sqlite", {"-o", "MyDir;Town;de"});
    UdpProbe to_ours;
    const auto our_list = request_list(to_ours, ours.port(), body);
    ASSERT_TRUE(our_list) << "jamfleet-directory dropped a list request with a body";
    ASSERT_EQ(our_list->entries.size(), 1u);
    EXPECT_EQ(our_list->entries[0].name, "MyDir");
    EXPECT_EQ(ours.stats()["malformed"], 0);
}

std::string server_version_name(const ::testing::TestParamInfo<JamulusVersion>& param_info) {
    return "jamulus_" + version_tag(param_info.param);
}

INSTANTIATE_TEST_SUITE_P(ServerVersions, DirectoryVersions,
                         ::testing::ValuesIn(all_jamulus_versions()), server_version_name);
INSTANTIATE_TEST_SUITE_P(ServerVersions, DirectoryMinimumVersion,
                         ::testing::Values(JamulusVersion::v3_12_4, JamulusVersion::v4_0_0beta2),
                         server_version_name);

} // namespace
} // namespace jamfleet::interop
