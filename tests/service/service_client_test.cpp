// The client half of tests/service/systemd_service_test.sh: two real Jamulus 3.9.1
// clients, outside the container, join the room the installed jamfleet service runs
// ($JAMFLEET_SERVICE_ROOM, host:port) and a 440 Hz tone into one comes out of the
// other; and one client stays in that room while the script upgrades the package
// ($JAMFLEET_SERVICE_HOLD_DIR). The script runs each with --gtest_filter in its own
// network namespace (JAMFLEET_INTEROP_SHARED_NETNS=1 keeps the harness there).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"

namespace jamfleet::interop {
namespace {

TEST(ServiceRoom, AJamulusClientHearsAnotherThroughTheInstalledFleet) {
    const char* room = std::getenv("JAMFLEET_SERVICE_ROOM");
    ASSERT_NE(room, nullptr) << "JAMFLEET_SERVICE_ROOM (host:port of a room) is not set";
    constexpr double kToneHz = 440;
    TempDir dir("service-room");
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "alice"}, room);
    JamulusClient bob(dir.path(), jack, "bob", {.name = "bob"}, room);
    for (auto* client : {&alice, &bob}) {
        ASSERT_TRUE(client->wait_for_client_list([](const auto& c) { return c.size() == 2; },
                                                 std::chrono::seconds(30)))
            << client->role() << " never saw both clients in the room at " << room;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto output = bob.jack_port("output left");
    const auto control = record_ports(jack, dir.path(), {output}, std::chrono::seconds(2));
    const double control_dbfs = median(block_levels_dbfs(control.channels[0], kToneHz, 48000));

    ToneSource tone(jack, dir.path(), "tone", static_cast<int>(kToneHz), 0.5);
    jack.connect(tone.port(), alice.jack_port("input left"));
    jack.connect(tone.port(), alice.jack_port("input right"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto wired = record_ports(jack, dir.path(), {output}, std::chrono::seconds(3));
    const double level_dbfs = median(block_levels_dbfs(wired.channels[0], kToneHz, 48000));
    std::printf("service room %s: bob hears alice's tone at %.1f dBFS (unwired %.1f dBFS)\n", room,
                level_dbfs, control_dbfs);
    // Measured through jamfleet-mixer on loopback: about -12 dBFS with the tone, below
    // -60 without; the margins leave room for a loaded machine.
    EXPECT_GT(level_dbfs, -30.0);
    EXPECT_GT(level_dbfs - control_dbfs, 25.0);
}

// Joins the room, writes HOLD_DIR/connected, then checks every 100 ms that the client
// is still connected and alone in the room until the script writes HOLD_DIR/release
// (after its upgrade and its checks of the supervisor's and the room's PIDs).
TEST(ServiceRoom, AClientStaysConnectedUntilReleased) {
    const char* room = std::getenv("JAMFLEET_SERVICE_ROOM");
    ASSERT_NE(room, nullptr) << "JAMFLEET_SERVICE_ROOM (host:port of a room) is not set";
    const char* hold = std::getenv("JAMFLEET_SERVICE_HOLD_DIR");
    ASSERT_NE(hold, nullptr) << "JAMFLEET_SERVICE_HOLD_DIR (where to signal and wait) is not set";
    const std::filesystem::path hold_dir(hold);
    TempDir dir("service-hold");
    JackServer jack(dir.path(), 128);
    JamulusClient carol(dir.path(), jack, "carol", {.name = "carol"}, room);
    ASSERT_TRUE(carol.wait_connected(std::chrono::seconds(30)))
        << "carol never connected to " << room;
    ASSERT_TRUE(carol.wait_for_client_list([](const auto& c) { return c.size() == 1; },
                                           std::chrono::seconds(15)))
        << "carol never saw herself alone in " << room;
    std::ofstream(hold_dir / "connected") << "carol\n";

    int samples = 0;
    int dropped = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!std::filesystem::exists(hold_dir / "release")) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the script never released carol";
        const bool connected = carol.connected();
        const auto clients = carol.client_list();
        ++samples;
        if (!connected || clients.size() != 1) {
            ++dropped;
            std::printf("carol at sample %d: connected=%d clients=%zu\n", samples,
                        connected ? 1 : 0, clients.size());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf("service room %s: carol connected in %d of %d samples while held\n", room,
                samples - dropped, samples);
    EXPECT_GT(samples, 5);
    EXPECT_EQ(dropped, 0) << "carol was disconnected or lost from the room's list while held";
}

} // namespace
} // namespace jamfleet::interop
