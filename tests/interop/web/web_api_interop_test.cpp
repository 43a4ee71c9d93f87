// jamfleet-web against a real fleet (`jamfleet run` with `web:` on a free port)
// and real Jamulus 3.9.1 clients: /api/fleet lists rooms and musicians by name,
// the SSE levels show a client's tone (and 0 for a silent one), chat and
// recording act, a kick with the token disconnects a real client and one
// without does nothing, and a kill -9 of the web child touches no room.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/web/http_client.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string fleet_yaml(std::uint16_t web_port) {
    return "fleet:\n  name: Web fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Web directory\n  database: ./var/dir.db\n"
           "servers:\n"
           "  - {name: Main, port: 22124, recording_dir: ./var/rec, norecord: true}\n"
           "  - {name: Second, port: 22125}\n"
           "web:\n  port: " +
           std::to_string(web_port) + "\n";
}

std::string read_token(const std::filesystem::path& dir) {
    std::ifstream in(dir / "var/run/web.token");
    std::string token;
    std::getline(in, token);
    return token;
}

json room_of(const json& fleet, const std::string& name) {
    if (fleet.is_object() && fleet["rooms"].is_array()) {
        for (const auto& r : fleet["rooms"]) {
            if (r["name"] == name) {
                return r;
            }
        }
    }
    return json();
}

json musician(const json& room, const std::string& name) {
    if (room.is_object() && room["musicians"].is_array()) {
        for (const auto& m : room["musicians"]) {
            if (m["name"] == name) {
                return m;
            }
        }
    }
    return json();
}

std::map<std::string, std::int64_t> room_pids(FleetRun& fleet) {
    return {{"Main", fleet.pid_of("Main")}, {"Second", fleet.pid_of("Second")}};
}

TEST(WebApi, DashboardDataLevelsActionsAndACrashOfTheWebChild) {
    TempDir dir("web-api");
    const std::uint16_t port = free_tcp_port();
    std::ofstream(dir / "fleet.yaml") << fleet_yaml(port);
    FleetRun fleet(dir.path(), dir / "fleet.yaml");
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(4); }, 20s))
        << fleet.process().log_text();
    const std::string token = read_token(dir.path());
    ASSERT_EQ(token.size(), 64u) << "the supervisor did not write a 32-byte hex token";
    EXPECT_EQ(std::filesystem::status(dir / "var/run/web.token").permissions() &
                  std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    JackServer jack(dir.path(), 128);
    ToneSource tone(jack, dir.path(), "tone", 440, 0.5);
    JamulusClient alice(dir.path(), jack, "alice",
                        {.name = "Alice", .country = 82, .city = "Berlin", .instrument = 4},
                        "127.0.0.1:22124");
    // Bob runs the GUI client (offscreen): a headless 3.9.1 client ignores the
    // CLM_DISCONNECTION a kick sends (docs/moderation.md).
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22124",
                      ClientOptions{.gui = true});
    ASSERT_TRUE(jack.wait_for_port(alice.jack_port("input left")));
    jack.connect(tone.port(), alice.jack_port("input left"));
    jack.connect(tone.port(), alice.jack_port("input right"));
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    ASSERT_TRUE(bob.wait_connected(20s)) << fleet.process().log_text();

    // The fleet document lists both rooms and the musicians by name and profile.
    json doc;
    ASSERT_TRUE(wait_until(
        [&] {
            doc = http_get(port, "/api/fleet").json();
            const json main = room_of(doc, "Main");
            return room_of(doc, "Second").is_object() && musician(main, "Alice").is_object() &&
                   musician(main, "Bob").is_object();
        },
        15s, 200ms))
        << doc.dump();
    const json main = room_of(doc, "Main");
    EXPECT_EQ(main["port"], 22124);
    EXPECT_EQ(main["clients"], 2);
    EXPECT_EQ(main["state"], "running");
    EXPECT_EQ(main["pid"], fleet.pid_of("Main"));
    const json a = musician(main, "Alice");
    EXPECT_EQ(a["instrument"], "Acoustic Guitar") << a.dump();
    EXPECT_EQ(a["country"], "Germany") << a.dump();
    EXPECT_EQ(a["city"], "Berlin") << a.dump();
    EXPECT_EQ(doc["directory"]["port"], 22123);
    EXPECT_EQ(doc["fleet"], "Web fleet");
    const int alice_id = a["id"].get<int>();
    const int bob_id = musician(main, "Bob")["id"].get<int>();
    // The directory's entries and a directory ban through the API.
    json directory;
    EXPECT_TRUE(wait_until(
        [&] {
            directory = http_get(port, "/api/fleet").json()["directory"];
            return directory["entries"].is_array() && directory["entries"].size() >= 2;
        },
        10s, 200ms))
        << directory.dump();
    const auto dir_ban = http_post(port, "/api/directory/ban",
                                   {{"address", "203.0.113.0/24"}, {"reason", "test"}}, token);
    EXPECT_EQ(dir_ban.status, 200) << dir_ban.body;
    EXPECT_TRUE(wait_until(
        [&] {
            const json bans = http_get(port, "/api/fleet").json()["directory"]["bans"];
            return bans.is_array() && bans.size() == 1 && bans[0]["address"] == "203.0.113.0/24";
        },
        5s, 200ms));
    EXPECT_EQ(http_post(port, "/api/directory/unban", {{"address", "203.0.113.0/24"}}, token)
                  .json()["removed"],
              true);
    EXPECT_EQ(
        http_post(port, "/api/directory/evict", {{"address", "127.0.0.1:22125"}}, token).status,
        200);

    // A fleet-wide ban (the supervisor's, fanned out to every room) and its lifting.
    const auto fleet_ban =
        http_post(port, "/api/bans",
                  {{"address", "198.51.100.9"}, {"seconds", 3600}, {"reason", "spam"}}, token);
    EXPECT_EQ(fleet_ban.status, 200) << fleet_ban.body;
    json fleet_bans;
    EXPECT_TRUE(wait_until(
        [&] {
            fleet_bans = http_get(port, "/api/fleet").json()["fleetBans"];
            return fleet_bans.is_array() && fleet_bans.size() == 1 &&
                   fleet_bans[0]["reason"] == "spam" && fleet_bans[0]["secondsLeft"].is_number();
        },
        5s, 200ms))
        << fleet_bans.dump();
    EXPECT_EQ(http_post(port, "/api/unban", {{"address", "198.51.100.9"}}, token).status, 200);
    EXPECT_TRUE(wait_until(
        [&] {
            fleet_bans = http_get(port, "/api/fleet").json()["fleetBans"];
            return fleet_bans.is_array() && fleet_bans.empty();
        },
        5s, 200ms))
        << fleet_bans.dump();

    // Prometheus metrics of the whole fleet.
    const auto metrics = http_get(port, "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(metrics.body.find("jamfleet_directory_entries{port=\"22123\"}"), std::string::npos)
        << metrics.body.substr(0, 2000);

    const auto page = http_get(port, "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");

    // Live levels: Alice's tone shows, silent Bob stays at 0.
    SseReader events(port);
    ASSERT_TRUE(events.connected());
    EXPECT_TRUE(events.wait_for([](const std::string& e, const json&) { return e == "fleet"; }, 5s))
        << events.head();
    EXPECT_NE(events.head().find("text/event-stream"), std::string::npos) << events.head();
    json last_levels;
    const bool heard = events.wait_for(
        [&](const std::string& e, const json& data) {
            if (e != "levels") {
                return false;
            }
            last_levels = data;
            int alice_level = -1;
            int bob_level = -1;
            for (const auto& l : data["rooms"]["Main"]) {
                if (l["id"] == alice_id) {
                    alice_level = l["level"].get<int>();
                } else if (l["id"] == bob_id) {
                    bob_level = l["level"].get<int>();
                }
            }
            return alice_level > 0 && bob_level == 0;
        },
        20s);
    EXPECT_TRUE(heard) << "last levels: " << last_levels.dump();

    // Chat to the room reaches a real client.
    const auto seen = alice.rpc().notifications().size();
    const auto chat =
        http_post(port, "/api/rooms/Main/chat", {{"text", "hello from the web"}}, token);
    EXPECT_EQ(chat.status, 200) << chat.body;
    EXPECT_EQ(chat.json()["sent"], 2) << chat.body;
    EXPECT_TRUE(alice.rpc().wait_for_notification(
        "jamulusclient/chatTextReceived",
        [](const json& p) {
            return p.value("chatText", "").find("hello from the web") != std::string::npos;
        },
        10s, seen));

    // Recording (the room records into ./var/rec but starts disabled).
    auto rec = http_post(port, "/api/rooms/Main/recording", {{"action", "start"}}, token);
    EXPECT_EQ(rec.status, 200) << rec.body;
    EXPECT_EQ(rec.json()["enabled"], true) << rec.body;
    rec = http_post(port, "/api/rooms/Main/recording", {{"action", "stop"}}, token);
    EXPECT_EQ(rec.json()["enabled"], false) << rec.body;
    EXPECT_EQ(http_post(port, "/api/rooms/Main/recording", {{"action", "explode"}}, token).status,
              400);

    // A kick without the token, or with a wrong one, is refused and changes nothing.
    const json kick{{"id", bob_id}, {"banSeconds", 60}};
    const auto no_token = http_post(port, "/api/rooms/Main/kick", kick, "");
    EXPECT_EQ(no_token.status, 401);
    EXPECT_TRUE(no_token.json().contains("error")) << no_token.body;
    EXPECT_EQ(http_post(port, "/api/rooms/Main/kick", kick, std::string(64, '0')).status, 401);
    std::this_thread::sleep_for(2s);
    EXPECT_TRUE(bob.connected());
    EXPECT_EQ(room_of(http_get(port, "/api/fleet").json(), "Main")["clients"], 2);

    // With the token: Bob is disconnected and banned.
    const auto kicked = http_post(port, "/api/rooms/Main/kick", kick, token);
    EXPECT_EQ(kicked.status, 200) << kicked.body;
    EXPECT_TRUE(wait_until([&] { return !bob.connected(); }, 15s))
        << "the kicked client still reports connected";
    EXPECT_TRUE(wait_until(
        [&] {
            const json bans = room_of(http_get(port, "/api/fleet").json(), "Main")["bans"];
            return bans.is_array() && bans.size() == 1;
        },
        5s, 200ms));
    EXPECT_TRUE(alice.connected());

    // kill -9 of the web child: the rooms keep their processes and musicians; the
    // supervisor restarts the web child and it answers again.
    const auto pids = room_pids(fleet);
    const std::int64_t web_pid = fleet.pid_of("web");
    ASSERT_GT(web_pid, 0);
    ASSERT_EQ(::kill(static_cast<pid_t>(web_pid), SIGKILL), 0);
    EXPECT_TRUE(wait_until(
        [&] {
            const auto pid = fleet.pid_of("web");
            return pid > 0 && pid != web_pid && http_get(port, "/healthz").status == 200;
        },
        20s, 100ms))
        << fleet.process().log_text();
    EXPECT_EQ(fleet.child("web")["restarts"], 1);
    EXPECT_EQ(room_pids(fleet), pids);
    EXPECT_EQ(fleet.child("Main")["restarts"], 0);
    EXPECT_TRUE(alice.connected());
    EXPECT_TRUE(wait_until(
        [&] {
            return musician(room_of(http_get(port, "/api/fleet").json(), "Main"), "Alice")
                .is_object();
        },
        10s, 200ms));
}

} // namespace
} // namespace jamfleet::interop
