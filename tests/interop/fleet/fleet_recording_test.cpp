// The fleet file's recording keys reach real rooms: `jamfleet run` starts a room that inherits
// `defaults.norecord` set up but not recording (as Jamulus `-R DIR --norecord`), and a room that
// overrides it recording into its own folder as soon as a real client plays.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kSecret = "fleet-recording-secret";

std::size_t session_count(const fs::path& dir) {
    std::size_t n = 0;
    if (fs::is_directory(dir)) {
        for (const auto& e : fs::directory_iterator(dir)) {
            n += e.path().filename().string().rfind("Jam-", 0) == 0 ? 1 : 0;
        }
    }
    return n;
}

// The musicians' release is the parameter.
class FleetRecording : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(FleetRecording, DefaultsNorecordHoldsOneRoomWhileTheOverridingRoomRecords) {
    TempDir dir("fleet-recording");
    std::ofstream(dir / "secret.txt") << kSecret << "\n";
    const std::uint16_t held_rpc = free_tcp_port();
    std::uint16_t live_rpc = free_tcp_port();
    while (live_rpc == held_rpc) {
        live_rpc = free_tcp_port();
    }
    std::ofstream(dir / "fleet.yaml")
        << "fleet: {bind: 127.0.0.1, run_dir: ./var/run}\n"
           "directory: {port: 22123, database: ./var/dir.db}\n"
           "defaults: {recording_dir: ./rec-held, norecord: true}\n"
           "servers:\n"
           "  - {name: Held, port: 22124, jsonrpc_port: "
        << held_rpc
        << ", jsonrpc_secret_file: ./secret.txt}\n"
           "  - {name: Live, port: 22125, recording_dir: ./rec-live, norecord: false,\n"
           "     jsonrpc_port: "
        << live_rpc << ", jsonrpc_secret_file: ./secret.txt}\n";
    FleetRun fleet(dir.path(), dir / "fleet.yaml");
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s))
        << fleet.process().log_text();
    JsonRpcClient held(held_rpc, kSecret);
    JsonRpcClient live(live_rpc, kSecret);

    const auto held_status = held.call("jamulusserver/getRecorderStatus");
    EXPECT_EQ(held_status["initialised"], true) << held_status.dump();
    EXPECT_EQ(held_status["enabled"], false) << held_status.dump();
    EXPECT_NE(held_status["recordingDirectory"].get<std::string>().find("rec-held"),
              std::string::npos);
    const auto live_status = live.call("jamulusserver/getRecorderStatus");
    EXPECT_EQ(live_status["initialised"], true) << live_status.dump();
    EXPECT_EQ(live_status["enabled"], true) << live_status.dump();

    // A real client in each room: only the recording room opens a session folder.
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124",
                        {.version = GetParam()});
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22125",
                      {.version = GetParam()});
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    ASSERT_TRUE(bob.wait_connected(20s)) << fleet.process().log_text();
    EXPECT_TRUE(wait_until([&] { return session_count(dir / "rec-live") == 1; }, 10s));
    // Alice has been playing into the held room all along: still no session there.
    EXPECT_EQ(session_count(dir / "rec-held"), 0u);
    // startRecording enables the held room's recorder, as with Jamulus --norecord.
    EXPECT_EQ(held.call("jamulusserver/startRecording"), "acknowledged");
    EXPECT_TRUE(wait_until([&] { return session_count(dir / "rec-held") == 1; }, 10s));
    EXPECT_EQ(held.call("jamulusserver/getRecorderStatus")["enabled"], true);
}

INSTANTIATE_TEST_SUITE_P(Versions, FleetRecording, full_set_releases(), client_release_name);

} // namespace
} // namespace jamfleet::interop
