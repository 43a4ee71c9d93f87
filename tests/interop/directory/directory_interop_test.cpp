// jamfleet-directory with real Jamulus servers registering to it, of 3.9.1 and of 4.0.0 beta 2
// (the full scenario set; test names end in the release): status as the servers report it over
// their JSON-RPC, the list as a client decodes it.
#include <gtest/gtest.h>

#include "tests/interop/directory/directory_fixture.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

std::string registration_status(JamulusServer& server) {
    return server.rpc().call("jamulusserver/getServerProfile")["registrationStatus"];
}

bool wait_status(JamulusServer& server, const std::string& wanted) {
    return wait_until([&] { return registration_status(server) == wanted; }, 15s, 100ms);
}

ServerOptions registering_to(const Directory& directory, const std::string& info) {
    ServerOptions o;
    o.args = {"-e", directory.address(), "-o", info};
    return o;
}

// The registering servers' release is the parameter.
class DirectoryInterop : public ::testing::TestWithParam<JamulusVersion> {
protected:
    ServerKind server_kind() const { return real_jamulus_kind(GetParam()); }
};

// A minimum version (-f "[x.y.z]") just above the release, which refuses it.
std::string minimum_above(JamulusVersion version) {
    return version == JamulusVersion::v3_9_1 ? "3.10.0" : "4.1.0";
}

TEST_P(DirectoryInterop, RealServerRegistersIsListedAndDisappearsOnSigterm) {
    TempDir dir("directory-register");
    Directory directory(dir.path(), dir / "db.sqlite", {"-o", "MyDir;Town;de"});
    JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Jam One;Berlin;de"));
    ASSERT_TRUE(wait_status(server, "registered")) << registration_status(server);

    auto servers = directory.servers();
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0]["address"], server.address());
    EXPECT_EQ(servers[0]["name"], "Jam One");
    EXPECT_EQ(servers[0]["city"], "Berlin");
    EXPECT_EQ(servers[0]["countryId"], 82);
    EXPECT_EQ(servers[0]["version"], version_text(GetParam()));

    UdpProbe client;
    const auto list = request_list(client, directory.port());
    ASSERT_TRUE(list);
    ASSERT_EQ(list->entries.size(), 2u);
    EXPECT_EQ(list->entries[0].ip, 0u); // entry 0: the directory, 0.0.0.0:0
    EXPECT_EQ(list->entries[0].port, 0);
    EXPECT_EQ(list->entries[0].name, "MyDir");
    EXPECT_EQ(list->entries[1].ip, 0x7f000001u);
    EXPECT_EQ(list->entries[1].port, server.port());
    EXPECT_EQ(list->entries[1].name, "Jam One");

    EXPECT_EQ(server.stop(), 0);
    ASSERT_TRUE(wait_until([&] { return directory.servers().empty(); }, 5s));
    UdpProbe later;
    const auto after = request_list(later, directory.port());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->entries.size(), 1u);
}

TEST_P(DirectoryInterop, WhitelistExcludingTheServerGivesRequirementsNotFulfilled) {
    TempDir dir("directory-whitelist");
    Directory directory(dir.path(), dir / "db.sqlite", {"-f", "10.9.9.9;192.168.0.0/16"});
    JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Outsider;X;fr"));
    EXPECT_TRUE(wait_status(server, "requirements_not_fulfilled")) << registration_status(server);
    EXPECT_TRUE(directory.servers().empty());
    EXPECT_GE(directory.stats()["refusedWhitelist"].get<int>(), 1);
}

TEST_P(DirectoryInterop, CidrWhitelistAdmitsAndMinimumVersionRefuses) {
    TempDir dir("directory-filter");
    {
        Directory directory(dir.path(), dir / "a.sqlite", {"-f", "127.0.0.0/8"});
        JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Insider;X;fr"));
        EXPECT_TRUE(wait_status(server, "registered")) << registration_status(server);
    }
    Directory directory(dir.path(), dir / "b.sqlite",
                        {"-f", "[" + minimum_above(GetParam()) + "];127.0.0.1"}, 0, "dir-b");
    JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Old;X;fr"),
                         "server-b");
    EXPECT_TRUE(wait_status(server, "server_version_too_old")) << registration_status(server);
}

TEST_P(DirectoryInterop, HostNameInTheWhitelistIsResolved) {
    TempDir dir("directory-hostname");
    Directory directory(dir.path(), dir / "db.sqlite", {"-f", "localhost"});
    JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Named;X;fr"));
    EXPECT_TRUE(wait_status(server, "registered")) << registration_status(server);
}

TEST_P(DirectoryInterop, FullListGivesDirectoryServerFull) {
    TempDir dir("directory-full");
    Directory directory(dir.path(), dir / "db.sqlite", {"--maxservers", "2"});
    UdpProbe filler;
    filler.send_to(directory.port(), register_frame(raw_registration("Filler", filler.port())));
    ASSERT_EQ(await_register_reply(filler, 3s), 0);
    JamulusServer server(dir.path(), server_kind(), registering_to(directory, "Late;X;fr"));
    EXPECT_TRUE(wait_status(server, "directory_server_full")) << registration_status(server);
    ASSERT_EQ(directory.servers().size(), 1u);
    EXPECT_EQ(directory.servers()[0]["name"], "Filler");
}

TEST_P(DirectoryInterop, ListSurvivesKillAndRestartInOrder) {
    TempDir dir("directory-restart");
    const auto db = dir / "db.sqlite";
    const std::uint16_t port = free_udp_port();
    auto directory = std::make_unique<Directory>(dir.path(), db, std::vector<std::string>{}, port);
    JamulusServer first(dir.path(), server_kind(), registering_to(*directory, "First;A;de"),
                        "first");
    ASSERT_TRUE(wait_status(first, "registered"));
    JamulusServer second(dir.path(), server_kind(), registering_to(*directory, "Second;B;de"),
                         "second");
    ASSERT_TRUE(wait_status(second, "registered"));
    directory->process().send_signal(SIGKILL);
    ASSERT_TRUE(directory->process().wait_exit(5s));
    directory.reset();
    Directory restarted(dir.path(), db, {}, port, "restarted");
    const auto servers = restarted.servers();
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_EQ(servers[0]["name"], "First");
    EXPECT_EQ(servers[1]["name"], "Second");
    EXPECT_GT(servers[0]["expiresInSeconds"].get<double>(), 32 * 60.0);
}

INSTANTIATE_TEST_SUITE_P(ServerVersions, DirectoryInterop, full_set_releases(),
                         server_release_name);

} // namespace
} // namespace jamfleet::interop
