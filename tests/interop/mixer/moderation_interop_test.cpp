// jamfleet-mixer's moderation (docs/moderation.md) with real Jamulus 3.9.1 clients: a
// kicked client leaves the room and cannot rejoin until its ban ends; a banned address
// cannot join, also after the room restarts (the bans file); a private room refuses an
// address not on its list. All clients come from 127.0.0.1 in the test's namespace.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/interop/harness/control_request.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

ServerKind mixer_kind() {
    auto kind = jamfleet_mixer_kind();
    if (!kind) {
        throw std::runtime_error("JAMFLEET_MIXER is not set to the jamfleet-mixer executable");
    }
    return *kind;
}

json room_clients(JamulusServer& room) {
    return room.rpc().call("jamulusserver/getClients")["clients"];
}

bool in_room(JamulusServer& room, const std::string& name) {
    for (const auto& c : room_clients(room)) {
        if (c.value("name", "") == name) {
            return true;
        }
    }
    return false;
}

int id_of(JamulusServer& room, const std::string& name) {
    for (const auto& c : room_clients(room)) {
        if (c.value("name", "") == name) {
            return c["id"].get<int>();
        }
    }
    throw std::runtime_error(name + " is not in the room");
}

// True when `name` never shows up in the room for `span` (polled every 200 ms).
bool stays_out(JamulusServer& room, const std::string& name, std::chrono::milliseconds span) {
    const auto end = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < end) {
        if (in_room(room, name)) {
            return false;
        }
        std::this_thread::sleep_for(200ms);
    }
    return true;
}

TEST(ModerationInterop, AKickedClientLeavesAndCannotRejoinUntilItsBanEnds) {
    TempDir dir("moderation-kick");
    JackServer jack(dir.path(), 128);
    JamulusServer room(dir.path(), mixer_kind(), ServerOptions{.args = {"-u", "4"}}, "room");
    // Alice runs the GUI client (offscreen): a headless 3.9.1 client ignores CLM_DISCONNECTION
    // (only the dialog acts on it), as it ignores a server that quits.
    JamulusClient alice(dir.path(), jack, "alice", ClientProfile{.name = "alice"}, room.address(),
                        ClientOptions{.gui = true});
    JamulusClient bob(dir.path(), jack, "bob", ClientProfile{.name = "bob"}, room.address());
    ASSERT_TRUE(
        wait_until([&] { return in_room(room, "alice") && in_room(room, "bob"); }, 20s, 100ms));
    ASSERT_TRUE(alice.wait_connected(10s));

    constexpr int kBanSeconds = 10;
    const auto kicked_at = std::chrono::steady_clock::now();
    const json result = room.rpc().call(
        "jamfleet/kick", {{"id", id_of(room, "alice")}, {"banSeconds", kBanSeconds}});
    EXPECT_EQ(result["banSeconds"], kBanSeconds);
    EXPECT_FALSE(in_room(room, "alice")) << "the room frees her channel at once";
    const json bans = room.rpc().call("jamfleet/getBans")["bans"];
    ASSERT_EQ(bans.size(), 1u) << bans.dump();
    EXPECT_EQ(bans[0]["address"], "127.0.0.1/32");
    EXPECT_GT(bans[0]["secondsLeft"].get<int>(), 0);
    // Her client is told (CLM_DISCONNECTION) and disconnects, as when a server quits.
    EXPECT_TRUE(wait_until([&] { return !alice.connected(); }, 3s, 50ms))
        << "alice's client still says connected";
    EXPECT_TRUE(bob.connected());
    EXPECT_TRUE(in_room(room, "bob")) << "only alice was kicked";

    // A rejoin during the ban fails: a fresh client from her address (a restarted client).
    JamulusClient again(dir.path(), jack, "again", ClientProfile{.name = "again"}, room.address());
    const auto ban_left =
        std::chrono::seconds(kBanSeconds) - (std::chrono::steady_clock::now() - kicked_at) - 1s;
    EXPECT_TRUE(
        stays_out(room, "again", std::chrono::duration_cast<std::chrono::milliseconds>(ban_left)));
    EXPECT_FALSE(again.connected());
    // Once the ban ends the same client gets in by itself (it kept trying).
    EXPECT_TRUE(wait_until([&] { return in_room(room, "again"); }, 15s, 100ms))
        << "the client never got in after the ban ended";
    EXPECT_TRUE(again.wait_connected(10s));
    EXPECT_TRUE(room.rpc().call("jamfleet/getBans")["bans"].empty());
}

TEST(ModerationInterop, ABannedAddressCannotJoinAndTheBanSurvivesARestart) {
    TempDir dir("moderation-ban");
    JackServer jack(dir.path(), 128);
    const std::string bans_file = (dir.path() / "room.bans.json").string();
    {
        // A fleet-file ban too: it is not written to the bans file (it comes from --ban).
        JamulusServer room(
            dir.path(), mixer_kind(),
            ServerOptions{.args = {"--bans-file", bans_file, "--ban", "192.0.2.0/24"}}, "room1");
        const json r = room.rpc().call(
            "jamfleet/ban", {{"address", "127.0.0.0/8"}, {"seconds", 3600}, {"reason", "test"}});
        EXPECT_EQ(r["banned"], "127.0.0.0/8");
        JamulusClient carol(dir.path(), jack, "carol", ClientProfile{.name = "carol"},
                            room.address());
        EXPECT_TRUE(stays_out(room, "carol", 4s));
        EXPECT_FALSE(carol.connected());
        room.stop();
    }
    // The restarted room (no --ban now) reads the bans file: still refused.
    JamulusServer room(dir.path(), mixer_kind(), ServerOptions{.args = {"--bans-file", bans_file}},
                       "room2");
    const json bans = room.rpc().call("jamfleet/getBans")["bans"];
    ASSERT_EQ(bans.size(), 1u) << bans.dump();
    EXPECT_EQ(bans[0]["reason"], "test");
    EXPECT_GT(bans[0]["secondsLeft"].get<int>(), 3500);
    JamulusClient dave(dir.path(), jack, "dave", ClientProfile{.name = "dave"}, room.address());
    EXPECT_TRUE(stays_out(room, "dave", 4s));
    // Lifting the ban lets the waiting client in.
    EXPECT_TRUE(room.rpc().call("jamfleet/unban", {{"address", "127.0.0.0/8"}})["removed"]);
    EXPECT_TRUE(wait_until([&] { return in_room(room, "dave"); }, 15s, 100ms));
    EXPECT_TRUE(dave.wait_connected(10s));
}

TEST(ModerationInterop, APrivateRoomRefusesAnAddressNotOnItsList) {
    TempDir dir("moderation-private");
    JackServer jack(dir.path(), 128);
    // As the fleet file's `allow:` passes it: only 10.20.0.0/16 may join.
    const std::string socket_path = (dir.path() / "lesson.sock").string();
    JamulusServer room(
        dir.path(), mixer_kind(),
        ServerOptions{.args = {"--allow", "10.20.0.0/16", "--control-socket", socket_path}},
        "lesson");
    JamulusClient erin(dir.path(), jack, "erin", ClientProfile{.name = "erin"}, room.address());
    EXPECT_TRUE(stays_out(room, "erin", 4s));
    EXPECT_FALSE(erin.connected());
    EXPECT_GT(room.rpc().call("jamfleet/getStats")["drops"].value("not_allowed", 0), 0);
    // Put her address on the list: she gets in.
    room.rpc().call("jamfleet/setAllowList", {{"addresses", {"10.20.0.0/16", "127.0.0.1"}}});
    EXPECT_TRUE(wait_until([&] { return in_room(room, "erin"); }, 15s, 100ms));
    EXPECT_TRUE(erin.wait_connected(10s));
    // Take it off again, through the control socket as the supervisor would: she is sent out.
    const json reply =
        control_request(socket_path, "setAllowList", {{"addresses", {"10.20.0.0/16"}}});
    EXPECT_EQ(reply["ok"], true) << reply.dump();
    EXPECT_EQ(reply["result"]["disconnected"], 1) << reply.dump();
    EXPECT_FALSE(in_room(room, "erin"));
    EXPECT_EQ(control_request(socket_path, "getBans", json::object())["result"]["allow"],
              json::array({"10.20.0.0/16"}));
    EXPECT_EQ(control_request(socket_path, "ban", {{"address", "nonsense"}})["ok"], false);
}

} // namespace
} // namespace jamfleet::interop
