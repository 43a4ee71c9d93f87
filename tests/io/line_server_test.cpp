// LineServer + LineClient over TCP and unix sockets: framing, partial and long
// lines, closing from either side, errors for busy addresses.
#include "io/line_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/line_client.h"
#include "io/loop.h"
#include "io/udp_socket.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

// A temporary directory for unix socket paths, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/jamfleet-io-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

struct Fixture {
    Loop loop;
    std::unique_ptr<LineServer> server;
    std::vector<std::pair<ConnectionId, std::string>> server_lines;
    std::vector<ConnectionId> closed;
    LineClient client{loop};
    std::vector<std::string> client_lines;
    bool client_closed = false;

    void wire() {
        server->set_on_line([this](ConnectionId id, std::string_view line) {
            server_lines.emplace_back(id, std::string(line));
        });
        server->set_on_closed([this](ConnectionId id) { closed.push_back(id); });
        client.set_on_line([this](std::string_view line) { client_lines.emplace_back(line); });
        client.set_on_closed([this] { client_closed = true; });
    }

    void connect_tcp() {
        bool done = false;
        client.connect_tcp(server->local_address(), [&](base::Status<std::string> r) {
            EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
            done = true;
        });
        ASSERT_TRUE(loop.run_until([&] { return done; }, 5s));
        ASSERT_TRUE(client.connected());
    }
};

std::unique_ptr<LineServer> tcp_server(Loop& loop, LineServerOptions options = {}) {
    auto r = LineServer::listen_tcp(loop, SocketAddress::loopback(0), options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return std::move(r).value();
}

TEST(LineServer, ExchangesLinesOverTcp) {
    Fixture f;
    f.server = tcp_server(f.loop);
    f.wire();
    ConnectionId connected = 0;
    f.server->set_on_connected([&](ConnectionId id) { connected = id; });
    f.connect_tcp();
    ASSERT_TRUE(f.client.send("hello"));
    ASSERT_TRUE(f.loop.run_until([&] { return !f.server_lines.empty(); }, 5s));
    EXPECT_EQ(f.server_lines[0].first, connected);
    EXPECT_EQ(f.server_lines[0].second, "hello");
    EXPECT_EQ(f.server->peer(connected).rfind("127.0.0.1:", 0), 0u);
    ASSERT_TRUE(f.server->send(connected, "world"));
    ASSERT_TRUE(f.loop.run_until([&] { return !f.client_lines.empty(); }, 5s));
    EXPECT_EQ(f.client_lines[0], "world");
}

TEST(LineServer, SplitsSeveralLinesInOneWriteAndJoinsPartialOnes) {
    Fixture f;
    f.server = tcp_server(f.loop);
    f.wire();
    f.connect_tcp();
    // send() appends '\n': this is "a\nb\r\nc" + "\n" then "de" + "\n" in two writes.
    ASSERT_TRUE(f.client.send("a\nb\r\nc"));
    ASSERT_TRUE(f.loop.run_until([&] { return f.server_lines.size() == 3; }, 5s));
    ASSERT_TRUE(f.client.send("de"));
    ASSERT_TRUE(f.loop.run_until([&] { return f.server_lines.size() == 4; }, 5s));
    EXPECT_EQ(f.server_lines[0].second, "a");
    EXPECT_EQ(f.server_lines[1].second, "b"); // trailing '\r' stripped
    EXPECT_EQ(f.server_lines[2].second, "c");
    EXPECT_EQ(f.server_lines[3].second, "de");
}

TEST(LineServer, DeliversAPartialLineOnlyWhenItsNewlineArrives) {
    Fixture f;
    f.server = tcp_server(f.loop);
    f.wire();
    // A raw socket so the test controls exactly where the bytes are split.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(0x7f000001u);
    sa.sin_port = htons(f.server->local_address().port);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    ASSERT_EQ(::write(fd, "par", 3), 3);
    EXPECT_FALSE(f.loop.run_until([&] { return !f.server_lines.empty(); }, 30ms));
    ASSERT_EQ(::write(fd, "tial\nnext", 9), 9);
    ASSERT_TRUE(f.loop.run_until([&] { return !f.server_lines.empty(); }, 5s));
    EXPECT_FALSE(f.loop.run_until([&] { return f.server_lines.size() > 1; }, 30ms));
    EXPECT_EQ(f.server_lines[0].second, "partial");
    ::close(fd);
    ASSERT_TRUE(f.loop.run_until([&] { return f.closed.size() == 1; }, 5s));
    EXPECT_EQ(f.server_lines.size(), 1u); // "next" never got its newline
}

TEST(LineServer, ClosesConnectionsWhoseLineExceedsTheLimit) {
    Fixture f;
    f.server = tcp_server(f.loop, LineServerOptions{1024});
    f.wire();
    f.connect_tcp();
    ASSERT_TRUE(f.client.send(std::string(1024, 'y'))); // at the limit: accepted
    ASSERT_TRUE(f.client.send(std::string(5000, 'z'))); // above: connection closed
    ASSERT_TRUE(f.loop.run_until([&] { return f.client_closed && f.closed.size() == 1; }, 5s));
    ASSERT_EQ(f.server_lines.size(), 1u);
    EXPECT_EQ(f.server_lines[0].second.size(), 1024u);
    EXPECT_TRUE(f.server->connections().empty());
}

TEST(LineServer, ServerCloseFlushesPendingLinesFirst) {
    Fixture f;
    f.server = tcp_server(f.loop);
    f.wire();
    ConnectionId id = 0;
    f.server->set_on_connected([&](ConnectionId c) { id = c; });
    f.connect_tcp();
    ASSERT_TRUE(f.loop.run_until([&] { return id != 0; }, 5s));
    ASSERT_TRUE(f.server->send(id, "bye"));
    f.server->close(id);
    EXPECT_FALSE(f.server->send(id, "too late"));
    ASSERT_TRUE(f.loop.run_until([&] { return f.client_closed; }, 5s));
    ASSERT_EQ(f.client_lines.size(), 1u);
    EXPECT_EQ(f.client_lines[0], "bye");
    ASSERT_TRUE(f.loop.run_until([&] { return f.closed.size() == 1; }, 5s));
    EXPECT_EQ(f.closed[0], id);
}

TEST(LineServer, ClientCloseIsReportedToTheServer) {
    Fixture f;
    f.server = tcp_server(f.loop);
    f.wire();
    f.connect_tcp();
    ASSERT_TRUE(f.client.send("last"));
    f.client.close();
    ASSERT_TRUE(f.loop.run_until([&] { return f.closed.size() == 1 && f.client_closed; }, 5s));
    ASSERT_EQ(f.server_lines.size(), 1u);
    EXPECT_FALSE(f.client.connected());
    EXPECT_FALSE(f.client.send("nope"));
}

TEST(LineServer, BusyTcpPortIsAnError) {
    Loop loop;
    auto first = tcp_server(loop);
    const auto port = first->local_address().port;
    auto second = LineServer::listen_tcp(loop, SocketAddress::loopback(port));
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(),
              "listen tcp 127.0.0.1:" + std::to_string(port) + ": address already in use");
}

TEST(LineServer, ExchangesLinesOverUnixSocket) {
    TempDir dir;
    Fixture f;
    auto r = LineServer::listen_unix(f.loop, dir.file("ctl.sock"));
    ASSERT_TRUE(r.ok()) << r.error();
    f.server = std::move(r).value();
    f.wire();
    bool done = false;
    f.client.connect_unix(dir.file("ctl.sock"), [&](base::Status<std::string> s) {
        EXPECT_TRUE(s.ok());
        done = true;
    });
    ASSERT_TRUE(f.loop.run_until([&] { return done; }, 5s));
    ASSERT_TRUE(f.client.send("one\ntwo"));
    ASSERT_TRUE(f.loop.run_until([&] { return f.server_lines.size() == 2; }, 5s));
    EXPECT_EQ(f.server_lines[1].second, "two");
    EXPECT_EQ(f.server->peer(f.server_lines[0].first), "unix");
    f.server->send(f.server_lines[0].first, "ack");
    ASSERT_TRUE(f.loop.run_until([&] { return f.client_lines.size() == 1; }, 5s));
    EXPECT_EQ(f.client_lines[0], "ack");
}

TEST(LineServer, UnixSocketFileIsRemovedOnDestruction) {
    TempDir dir;
    Loop loop;
    const auto path = dir.file("gone.sock");
    {
        auto r = LineServer::listen_unix(loop, path);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(::access(path.c_str(), F_OK), 0);
    }
    EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST(LineServer, ReplacesAStaleUnixSocketButNotALiveOne) {
    TempDir dir;
    Loop loop;
    const auto path = dir.file("x.sock");
    auto live = LineServer::listen_unix(loop, path);
    ASSERT_TRUE(live.ok());
    auto second = LineServer::listen_unix(loop, path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(),
              "listen unix " + path + ": address already in use (another process is listening)");
    EXPECT_EQ(::access(path.c_str(), F_OK), 0); // the failed attempt left the live file alone

    // A stale file, as a crashed process leaves it: bound, nobody accepting.
    const auto stale_path = dir.file("stale.sock");
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", stale_path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
        ::close(fd); // bound, never listened, closed: the file stays behind
    }
    ASSERT_EQ(::access(stale_path.c_str(), F_OK), 0);
    auto replaced = LineServer::listen_unix(loop, stale_path);
    EXPECT_TRUE(replaced.ok()) << (replaced.ok() ? "" : replaced.error());
}

TEST(LineClient, ReportsConnectFailureWithPath) {
    TempDir dir;
    Loop loop;
    LineClient client(loop);
    std::string error;
    bool done = false;
    const auto path = dir.file("missing.sock");
    client.connect_unix(path, [&](base::Status<std::string> r) {
        ASSERT_FALSE(r.ok());
        error = r.error();
        done = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return done; }, 5s));
    EXPECT_EQ(error, "connect unix " + path + ": no such file or directory");
    EXPECT_FALSE(client.connected());
}

TEST(LineClient, ReportsRefusedTcpConnection) {
    Loop loop;
    // Find a free port by binding and releasing it.
    std::uint16_t port = 0;
    {
        auto s = tcp_server(loop);
        port = s->local_address().port;
    }
    LineClient client(loop);
    std::string error;
    client.connect_tcp(SocketAddress::loopback(port),
                       [&](base::Status<std::string> r) { error = r.ok() ? "ok" : r.error(); });
    ASSERT_TRUE(loop.run_until([&] { return !error.empty(); }, 5s));
    EXPECT_EQ(error, "connect tcp 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST(LineClient, CanReconnectAfterTheServerGoesAway) {
    TempDir dir;
    Fixture f;
    const auto path = dir.file("re.sock");
    f.server = std::move(LineServer::listen_unix(f.loop, path)).value();
    f.wire();
    bool done = false;
    f.client.connect_unix(path, [&](base::Status<std::string>) { done = true; });
    ASSERT_TRUE(f.loop.run_until([&] { return done; }, 5s));
    f.server.reset();
    ASSERT_TRUE(f.loop.run_until([&] { return f.client_closed; }, 5s));
    f.server = std::move(LineServer::listen_unix(f.loop, path)).value();
    f.wire();
    done = false;
    f.client.connect_unix(path, [&](base::Status<std::string> r) {
        EXPECT_TRUE(r.ok());
        done = true;
    });
    ASSERT_TRUE(f.loop.run_until([&] { return done; }, 5s));
    ASSERT_TRUE(f.client.send("again"));
    ASSERT_TRUE(f.loop.run_until([&] { return f.server_lines.size() == 1; }, 5s));
}

TEST(LineClient, DestroyingWhileConnectingIsSafe) {
    Loop loop;
    auto server = tcp_server(loop);
    {
        LineClient client(loop);
        client.connect_tcp(server->local_address(),
                           [](base::Status<std::string>) { FAIL() << "must not be called"; });
    }
    loop.run_until([] { return false; }, 20ms);
    SUCCEED();
}

} // namespace
} // namespace jamfleet::io
