// Every control endpoint of a running fleet against abusive clients, while two
// real Jamulus clients (3.9.1, then 4.0.0 beta 2) play in a room: 300 clients that hang up before
// the reply (half of them with a reset), a line of a mebibyte and a line of junk,
// each against the supervisor's socket, a room's and the directory's control
// sockets and the room's and the directory's JSON-RPC ports. Afterwards the
// supervisor has the same PID, no child restarted, and both musicians are still
// in their room.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kRoomPort = 22124;
constexpr std::uint16_t kRoomRpcPort = 22200;
constexpr std::uint16_t kDirectoryRpcPort = 22201;
constexpr const char* kSecret = "control-abuse-secret-0123456789";

// Where a test client connects: a unix socket path or a loopback TCP port.
struct Endpoint {
    std::string name;
    std::string path;
    std::uint16_t port = 0;
    std::string request; // one line the endpoint answers
};

int open_connection(const Endpoint& e) {
    if (!e.path.empty()) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, e.path.c_str(), sizeof sa.sun_path - 1);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(0x7f000001u);
    sa.sin_port = htons(e.port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void close_with_reset(int fd) {
    const linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(fd);
}

// Sends the endpoint's request and hangs up at once; every other client resets.
// Returns how many connections were made.
int hang_up_clients(const Endpoint& e, int count) {
    int made = 0;
    for (int i = 0; i < count; ++i) {
        const int fd = open_connection(e);
        if (fd < 0) {
            continue;
        }
        ++made;
        const std::string line = e.request + "\n";
        [[maybe_unused]] const auto n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        i % 2 == 0 ? (void)::close(fd) : close_with_reset(fd);
    }
    return made;
}

struct Exchange {
    std::string received;
    bool closed = false; // the endpoint hung up
};

// Writes `data` without blocking; reads until the endpoint hangs up, or (with
// `until_reply`) until a whole reply line came, or until `timeout`.
Exchange exchange(const Endpoint& e, const std::string& data, bool until_reply,
                  std::chrono::milliseconds timeout) {
    Exchange out;
    const int fd = open_connection(e);
    if (fd < 0) {
        out.closed = true;
        return out;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::size_t sent = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, static_cast<short>(POLLIN | (sent < data.size() ? POLLOUT : 0)), 0};
        ::poll(&p, 1, 20);
        if (sent < data.size() && (p.revents & POLLOUT) != 0) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EAGAIN) {
                sent = data.size(); // the peer is gone; read what it left
            }
        }
        if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            char buf[4096];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                out.closed = true;
                break;
            }
            if (n > 0) {
                out.received.append(buf, static_cast<std::size_t>(n));
            }
        }
        if (until_reply && out.received.find('\n') != std::string::npos) {
            break;
        }
    }
    ::close(fd);
    return out;
}

// Once the endpoint has worked through the hang-ups (connections beyond its cap
// are refused meanwhile), an ordinary request gets its reply again.
bool answers_again(const Endpoint& e) {
    return wait_until([&] { return !exchange(e, e.request + "\n", true, 2s).received.empty(); },
                      15s, 50ms);
}

std::string fleet_yaml(const std::filesystem::path& secret) {
    return "fleet:\n  name: Abuse fleet\n  bind: 127.0.0.1\n  run_dir: ./var/run\n"
           "directory:\n  port: 22123\n  name: Abuse directory\n  database: ./var/dir.db\n"
           "  list_rate: 0\n  ping_rate: 0\n"
           "  jsonrpc_port: " +
           std::to_string(kDirectoryRpcPort) + "\n  jsonrpc_secret_file: " + secret.string() +
           "\n"
           "servers:\n"
           "  - {name: Alpha, port: 22124, jsonrpc_port: " +
           std::to_string(kRoomRpcPort) + ", jsonrpc_secret_file: " + secret.string() +
           "}\n"
           "  - {name: Beta, port: 22125}\n";
}

std::map<std::string, std::int64_t> child_pids(FleetRun& fleet) {
    std::map<std::string, std::int64_t> pids;
    const auto status = fleet.status();
    for (const auto& c : status["children"]) {
        pids[c["name"].get<std::string>()] =
            c["pid"].is_number() ? c["pid"].get<std::int64_t>() : -1;
    }
    return pids;
}

// The musicians' release is the parameter.
class ControlAbuse : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(ControlAbuse, AbusiveControlClientsNeitherStopTheFleetNorDisconnectMusicians) {
    TempDir dir("control-abuse");
    const auto secret = dir / "rpc-secret";
    std::ofstream(secret) << kSecret << "\n";
    std::ofstream(dir / "fleet.yaml") << fleet_yaml(secret);
    FleetRun fleet(dir.path(), dir / "fleet.yaml");
    ASSERT_TRUE(wait_until([&] { return fleet.all_running(3); }, 15s))
        << fleet.process().log_text();
    JackServer jack(dir.path(), 128);
    JamulusClient alice(dir.path(), jack, "alice", {.name = "Alice"}, "127.0.0.1:22124",
                        {.version = GetParam()});
    JamulusClient bob(dir.path(), jack, "bob", {.name = "Bob"}, "127.0.0.1:22124",
                      {.version = GetParam()});
    ASSERT_TRUE(alice.wait_connected(20s)) << fleet.process().log_text();
    ASSERT_TRUE(bob.wait_connected(20s)) << fleet.process().log_text();
    JsonRpcClient room(kRoomRpcPort, kSecret);
    ASSERT_EQ(room.call("jamulusserver/getClients")["clients"].size(), 2u);

    const pid_t supervisor = fleet.process().pid();
    const auto pids = child_pids(fleet);
    ASSERT_EQ(pids.size(), 3u) << fleet.command({"status", "--json"}).output;
    const std::string run = (dir / "var/run").string();
    const std::vector<Endpoint> endpoints = {
        {"supervisor", run + "/jamfleet.sock", 0, R"({"command":"status"})"},
        {"room control", run + "/server-22124.sock", 0, R"({"id":1,"op":"status","args":{}})"},
        {"directory control", run + "/directory.sock", 0, R"({"id":1,"op":"status","args":{}})"},
        {"room json-rpc", "", kRoomRpcPort,
         R"({"id":1,"jsonrpc":"2.0","method":"jamulusserver/getClients","params":{}})"},
        {"directory json-rpc", "", kDirectoryRpcPort,
         R"({"id":1,"jsonrpc":"2.0","method":"jamulus/getVersion","params":{}})"},
    };
    const auto start = std::chrono::steady_clock::now();
    for (const auto& e : endpoints) {
        SCOPED_TRACE(e.name);
        EXPECT_EQ(hang_up_clients(e, 300), 300);
        ASSERT_TRUE(fleet.process().running()) << fleet.process().log_text();
        EXPECT_TRUE(answers_again(e));
        // A mebibyte in one line: the endpoint hangs up long before its end.
        const auto big = exchange(e, std::string(1u << 20, 'x') + "\n", false, 10s);
        EXPECT_TRUE(big.closed) << "a 1 MiB line did not close the connection";
        // Junk: JSON-RPC answers a parse error and closes (as Jamulus 3.9.1 does);
        // a child's control socket closes after its hello; the supervisor answers
        // "bad request" and keeps the connection.
        const bool kept = e.name == "supervisor";
        const auto junk = exchange(e, std::string("\x01\xff{{not json]]\n"), kept, 10s);
        if (kept) {
            EXPECT_NE(junk.received.find("bad request"), std::string::npos) << junk.received;
        } else {
            EXPECT_TRUE(junk.closed) << junk.received;
            const std::string expected = e.port != 0 ? "-32700" : R"("type":"hello")";
            EXPECT_NE(junk.received.find(expected), std::string::npos) << junk.received;
        }
        ASSERT_TRUE(process_exists(supervisor)) << fleet.process().log_text();
    }
    std::cout << "abuse took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";

    // The supervisor is the same process, no child restarted, both musicians are in.
    ASSERT_TRUE(fleet.process().running()) << fleet.process().log_text();
    EXPECT_EQ(fleet.process().pid(), supervisor);
    const auto status = fleet.status();
    ASSERT_TRUE(status.is_object()) << fleet.process().log_text();
    for (const auto& c : status["children"]) {
        const auto name = c["name"].get<std::string>();
        EXPECT_EQ(c["state"], "running") << name;
        EXPECT_EQ(c["restarts"], 0) << name;
        EXPECT_EQ(c["pid"].get<std::int64_t>(), pids.at(name)) << name;
    }
    EXPECT_TRUE(alice.connected());
    EXPECT_TRUE(bob.connected());
    EXPECT_EQ(room.call("jamulusserver/getClients")["clients"].size(), 2u);
    // Each endpoint logged why it closed the 1 MiB line.
    const std::string log = fleet.process().log_text();
    for (const auto& e : endpoints) {
        const std::string name =
            e.port != 0 ? "tcp 127.0.0.1:" + std::to_string(e.port)
                        : "unix ./var/run/" + std::filesystem::path(e.path).filename().string();
        EXPECT_NE(log.find("endpoint=\"" + name + "\" reason=\"line too long\""), std::string::npos)
            << name << "\n"
            << log;
    }
}

INSTANTIATE_TEST_SUITE_P(Versions, ControlAbuse, full_set_releases(), client_release_name);

} // namespace
} // namespace jamfleet::interop
