// jamfleet-web against hostile HTTP clients while a real Jamulus 3.9.1 client
// plays in a room: slowloris connections (headers never finished), more
// connections than the per-IP limit, oversized headers and bodies, a flood of
// connections that hang up, junk bytes and a bad method. Afterwards the web
// child is the same process and answers, and the room and its musician are
// untouched.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"
#include "tests/interop/web/http_client.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kPerIpLimit = 32; // jamfleet-web's default (docs/web.md)

bool send_text(int fd, const std::string& text) {
    return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

TEST(WebHostile, SlowlorisFloodsOversizedAndJunkRequestsLeaveTheFleetAlone) {
    TempDir dir("web-hostile");
    const std::uint16_t port = free_tcp_port();
    std::ofstream(dir / "fleet.yaml")
        << "fleet:\n  name: Hostile fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  enabled: false\n"
           "servers:\n  - {name: Main, port: 22124}\n"
           "web:\n  port: "
        << port << "\n";
    FleetRun fleet(dir.path(), dir / "fleet.yaml");
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(2); }, 20s))
        << fleet.process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124");
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    ASSERT_TRUE(wait_until([&] { return http_get(port, "/healthz").status == 200; }, 10s));
    const std::int64_t web_pid = fleet.pid_of("web");
    const std::int64_t room_pid = fleet.pid_of("Main");
    const auto start = std::chrono::steady_clock::now();

    // Oversized headers: 431, not a crash.
    const auto big_header =
        http_request(port, "GET", "/api/fleet", {{"X-Filler", std::string(32 * 1024, 'a')}});
    EXPECT_EQ(big_header.status, 431) << big_header.body;
    // An oversized body is refused before it is read (with or without the token).
    const auto big_body =
        http_request(port, "POST", "/api/chat", {{"Content-Type", "application/json"}},
                     std::string(100 * 1024, ' '));
    EXPECT_EQ(big_body.status, 413) << big_body.body;
    EXPECT_EQ(http_request(port, "DELETE", "/").status, 405);
    EXPECT_EQ(http_request(port, "POST", "/api/chat", {}, "{\"text\":\"x\"}").status, 401);

    // Junk bytes: the server answers 400 or hangs up; either way it closes.
    const int junk = tcp_connect(port);
    ASSERT_GE(junk, 0);
    send_text(junk, std::string("\x01\xff\x16\x03 junk {{]]\r\n\r\n", 18));
    EXPECT_TRUE(closed_by_peer(junk, 5s));
    ::close(junk);

    // A flood of connections that hang up at once.
    for (int i = 0; i < 300; ++i) {
        const int fd = tcp_connect(port);
        if (fd >= 0) {
            ::close(fd);
        }
    }
    EXPECT_TRUE(wait_until([&] { return http_get(port, "/healthz").status == 200; }, 10s));

    // Slowloris: connections that start a request and never finish it. Beyond the
    // per-IP limit the server closes new ones at once; the idle timeout closes the rest.
    std::vector<int> slow;
    for (int i = 0; i < kPerIpLimit; ++i) {
        const int fd = tcp_connect(port);
        ASSERT_GE(fd, 0);
        send_text(fd, "GET /api/fleet HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        slow.push_back(fd);
    }
    std::this_thread::sleep_for(300ms);
    int refused = 0;
    for (int i = 0; i < 8; ++i) {
        const int fd = tcp_connect(port);
        if (fd < 0 || closed_by_peer(fd, 2s)) {
            ++refused;
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }
    EXPECT_EQ(refused, 8) << "connections over the per-IP limit were kept";
    int timed_out = 0;
    for (int fd : slow) {
        timed_out += closed_by_peer(fd, 20s) ? 1 : 0;
        ::close(fd);
    }
    EXPECT_EQ(timed_out, kPerIpLimit) << "slowloris connections outlived the idle timeout";

    // The web child is the same process and answers; the room is untouched.
    EXPECT_TRUE(wait_until([&] { return http_get(port, "/healthz").status == 200; }, 10s));
    EXPECT_EQ(http_get(port, "/api/fleet").status, 200);
    std::cout << "hostile clients took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";
    EXPECT_EQ(fleet.pid_of("web"), web_pid);
    EXPECT_EQ(fleet.child("web")["restarts"], 0);
    EXPECT_EQ(fleet.pid_of("Main"), room_pid);
    EXPECT_EQ(fleet.child("Main")["restarts"], 0);
    EXPECT_TRUE(alice.connected());
    // What the web child counted (its own status, through the supervisor).
    json counters;
    ASSERT_TRUE(wait_until(
        [&] {
            counters = fleet.child("web")["child"];
            return counters.is_object() && counters.value("refusedConnections", 0) >= 8;
        },
        5s, 200ms))
        << counters.dump();
    EXPECT_GE(counters["abandonedConnections"].get<int>(), kPerIpLimit) << counters.dump();
    EXPECT_GE(counters["oversizedBodies"].get<int>(), 1) << counters.dump();
    EXPECT_GE(counters["badMethods"].get<int>(), 1) << counters.dump();
    EXPECT_GE(counters["refusedActions"].get<int>(), 1) << counters.dump();
    EXPECT_NE(fleet.process().log_text().find("connection refused: over the limit"),
              std::string::npos);
}

} // namespace
} // namespace jamfleet::interop
