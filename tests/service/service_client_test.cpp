// The client half of tests/service/systemd_service_test.sh: two real Jamulus 3.9.1
// clients, outside the container, join the room the installed jamfleet service runs
// ($JAMFLEET_SERVICE_ROOM, host:port) and a 440 Hz tone into one comes out of the
// other. The script runs this in its own network namespace (JAMFLEET_INTEROP_SHARED_NETNS=1
// keeps the harness there instead of a fresh one).
#include <gtest/gtest.h>

#include <cstdlib>
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

} // namespace
} // namespace jamfleet::interop
