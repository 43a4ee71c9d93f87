// LineServer against abusive peers, with SIGPIPE at its default action (as in
// any program that forgot to ignore it): peers that hang up or reset before the
// reply, a peer that never reads, a line of a mebibyte, too many connections,
// a connection that never sends a line. The server must survive, stay bounded
// and count each drop. Also the sans-I/O line framer underneath.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "io/detail/line_framer.h"
#include "io/line_server.h"
#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/jamfleet-io-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        ::unlink(file("s.sock").c_str());
        ::rmdir(path_.c_str());
    }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// A blocking client socket made with plain system calls, as a careless script would.
int raw_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    return fd;
}

int raw_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(0x7f000001u);
    sa.sin_port = htons(port);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    return fd;
}

void send_all(int fd, std::string_view data) {
    EXPECT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
}

// Closing with SO_LINGER 0 sends a reset instead of a FIN.
void close_with_reset(int fd) {
    const linger lg{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(fd);
}

// True once the peer closed: read() returns 0 (or a reset).
bool peer_closed(Loop& loop, int fd, std::chrono::milliseconds timeout) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return loop.run_until(
        [&] {
            char buf[4096];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        },
        timeout);
}

struct Replier {
    std::unique_ptr<LineServer> server;
    int lines = 0;
    int closed = 0;

    // Answers every line with two reply lines (a TCP peer that closed accepts the
    // first write and resets; the second is the one that would raise SIGPIPE).
    void wire() {
        server->set_on_line([this](ConnectionId id, std::string_view) {
            ++lines;
            server->send(id, std::string(4096, 'r'));
            server->send(id, std::string(4096, 's'));
        });
        server->set_on_closed([this](ConnectionId) { ++closed; });
    }
};

TEST(LineServerLimits, PeersThatHangUpBeforeTheReplyDoNotKillTheProcess) {
    TempDir dir;
    Loop loop;
    auto listening = LineServer::listen_unix(loop, dir.file("s.sock"));
    ASSERT_TRUE(listening.ok()) << listening.error();
    Replier r{std::move(listening).value()};
    r.wire();
    for (int i = 0; i < 200; ++i) {
        const int fd = raw_unix(dir.file("s.sock"));
        send_all(fd, "status\n");
        i % 2 == 0 ? (void)::close(fd) : close_with_reset(fd);
        loop.run_until([] { return false; }, 1ms);
    }
    ASSERT_TRUE(loop.run_until([&] { return r.closed == 200; }, 5s)) << r.closed;
    EXPECT_EQ(r.lines, 200);
    EXPECT_TRUE(r.server->connections().empty());
}

TEST(LineServerLimits, TcpPeersThatCloseOrResetBeforeTheReplyDoNotKillTheProcess) {
    Loop loop;
    auto listening = LineServer::listen_tcp(loop, SocketAddress::loopback(0));
    ASSERT_TRUE(listening.ok()) << listening.error();
    Replier r{std::move(listening).value()};
    r.wire();
    const auto port = r.server->local_address().port;
    for (int i = 0; i < 200; ++i) {
        const int fd = raw_tcp(port);
        send_all(fd, "{\"id\":1}\n");
        i % 2 == 0 ? (void)::close(fd) : close_with_reset(fd);
        loop.run_until([] { return false; }, 1ms);
    }
    ASSERT_TRUE(loop.run_until([&] { return r.closed == 200; }, 5s)) << r.closed;
    EXPECT_EQ(r.lines, 200);
}

TEST(LineServerLimits, PeerThatNeverReadsIsDroppedAtTheBacklogLimit) {
    Loop loop;
    LineServerOptions options;
    options.max_queued_bytes = 256u << 10;
    auto listening = LineServer::listen_tcp(loop, SocketAddress::loopback(0), options);
    ASSERT_TRUE(listening.ok()) << listening.error();
    auto server = std::move(listening).value();
    std::size_t accepted_bytes = 0;
    bool refused = false;
    bool closed = false;
    server->set_on_line([&](ConnectionId id, std::string_view) {
        // Far more than any socket buffer: only the backlog limit can stop this.
        const std::string chunk(64u << 10, 'x');
        while (accepted_bytes < (256u << 20)) {
            if (!server->send(id, chunk)) {
                refused = true;
                return;
            }
            accepted_bytes += chunk.size() + 1;
        }
    });
    server->set_on_closed([&](ConnectionId) { closed = true; });
    const int fd = raw_tcp(server->local_address().port);
    send_all(fd, "subscribe\n");
    ASSERT_TRUE(loop.run_until([&] { return closed; }, 5s));
    EXPECT_TRUE(refused);
    // Kernel socket buffers (a few MiB on loopback) plus our 256 KiB, not 256 MiB.
    EXPECT_LT(accepted_bytes, 32u << 20);
    EXPECT_EQ(server->drops().backlog, 1u);
    ::close(fd);
}

TEST(LineServerLimits, ClosingConnectionWhosePeerDoesNotReadIsCutOffAfterTheGrace) {
    TempDir dir;
    Loop loop;
    LineServerOptions options;
    options.max_queued_bytes = 8u << 20;
    options.close_grace = 100ms;
    auto listening = LineServer::listen_unix(loop, dir.file("s.sock"), options);
    ASSERT_TRUE(listening.ok()) << listening.error();
    auto server = std::move(listening).value();
    bool closed = false;
    server->set_on_line([&](ConnectionId id, std::string_view) {
        // More than a unix socket's buffers hold, less than the backlog limit:
        // the graceful close waits for a peer that never reads.
        for (int i = 0; i < 32; ++i) {
            ASSERT_TRUE(server->send(id, std::string(64u << 10, 'x')));
        }
        server->close(id);
    });
    server->set_on_closed([&](ConnectionId) { closed = true; });
    const int fd = raw_unix(dir.file("s.sock"));
    send_all(fd, "dump\n");
    ASSERT_TRUE(loop.run_until([&] { return closed; }, 5s));
    EXPECT_EQ(server->drops().stuck_closing, 1u);
    EXPECT_EQ(server->drops().backlog, 0u);
    ::close(fd);
}

TEST(LineServerLimits, MebibyteLineClosesTheConnectionAndTheServerGoesOn) {
    TempDir dir;
    Loop loop;
    auto listening = LineServer::listen_unix(loop, dir.file("s.sock"));
    ASSERT_TRUE(listening.ok()) << listening.error();
    Replier r{std::move(listening).value()};
    r.wire();
    const int fd = raw_unix(dir.file("s.sock"));
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::string line(1u << 20, 'j');
    line += '\n';
    std::size_t sent = 0;
    bool write_failed = false;
    loop.run_until(
        [&] {
            const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EAGAIN) {
                write_failed = true;
            }
            return write_failed || r.closed == 1;
        },
        5s);
    EXPECT_TRUE(peer_closed(loop, fd, 5s));
    ::close(fd);
    EXPECT_EQ(r.server->drops().line_too_long, 1u);
    EXPECT_EQ(r.lines, 0);
    // The next client is served as usual.
    const int next = raw_unix(dir.file("s.sock"));
    send_all(next, "status\n");
    EXPECT_TRUE(loop.run_until([&] { return r.lines == 1; }, 5s));
    ::close(next);
}

TEST(LineServerLimits, ConnectionsBeyondTheCapAreClosedAtOnceAndCounted) {
    TempDir dir;
    Loop loop;
    LineServerOptions options;
    options.max_connections = 4;
    auto listening = LineServer::listen_unix(loop, dir.file("s.sock"), options);
    ASSERT_TRUE(listening.ok()) << listening.error();
    auto server = std::move(listening).value();
    std::vector<int> fds;
    for (int i = 0; i < 10; ++i) {
        fds.push_back(raw_unix(dir.file("s.sock")));
    }
    ASSERT_TRUE(loop.run_until([&] { return server->drops().over_connection_cap == 6; }, 5s));
    EXPECT_EQ(server->connections().size(), 4u);
    for (int i = 4; i < 10; ++i) {
        EXPECT_TRUE(peer_closed(loop, fds[static_cast<std::size_t>(i)], 5s)) << i;
    }
    // A slot that frees up is usable again.
    ::close(fds[0]);
    ASSERT_TRUE(loop.run_until([&] { return server->connections().size() == 3; }, 5s));
    fds[0] = raw_unix(dir.file("s.sock"));
    EXPECT_TRUE(loop.run_until([&] { return server->connections().size() == 4; }, 5s));
    EXPECT_EQ(server->drops().over_connection_cap, 6u);
    for (const int fd : fds) {
        ::close(fd);
    }
}

TEST(LineServerLimits, ConnectionWithoutALineIsClosedAfterTheFirstLineTimeout) {
    Loop loop;
    LineServerOptions options;
    options.first_line_timeout = 60ms;
    auto listening = LineServer::listen_tcp(loop, SocketAddress::loopback(0), options);
    ASSERT_TRUE(listening.ok()) << listening.error();
    auto server = std::move(listening).value();
    int lines = 0;
    server->set_on_line([&](ConnectionId, std::string_view) { ++lines; });
    const int silent = raw_tcp(server->local_address().port);
    const int partial = raw_tcp(server->local_address().port);
    const int talker = raw_tcp(server->local_address().port);
    send_all(partial, "no newline yet");
    send_all(talker, "hello\n");
    ASSERT_TRUE(loop.run_until([&] { return lines == 1; }, 5s));
    EXPECT_TRUE(peer_closed(loop, silent, 5s));
    EXPECT_TRUE(peer_closed(loop, partial, 5s));
    EXPECT_EQ(server->drops().no_line_in_time, 2u);
    // The connection that spoke stays.
    EXPECT_FALSE(loop.run_until([&] { return server->connections().size() != 1; }, 150ms));
    for (const int fd : {silent, partial, talker}) {
        ::close(fd);
    }
}

TEST(LineFramer, SplitsChunksAtNewlinesAndStripsOneCarriageReturn) {
    detail::LineFramer framer(8);
    std::vector<std::string> lines;
    auto collect = [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    };
    EXPECT_EQ(framer.feed("ab\r\ncd", collect), detail::LineFramer::Outcome::Ok);
    EXPECT_EQ(framer.feed("e\n\n", collect), detail::LineFramer::Outcome::Ok);
    EXPECT_EQ(lines, (std::vector<std::string>{"ab", "cde", ""}));
    EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, LineAtTheLimitPassesAndOneByteMoreIsTooLong) {
    detail::LineFramer framer(8);
    int lines = 0;
    auto count = [&](std::string_view) { return ++lines > 0; };
    EXPECT_EQ(framer.feed("12345678\r", count), detail::LineFramer::Outcome::Ok);
    EXPECT_EQ(framer.feed("\n", count), detail::LineFramer::Outcome::Ok);
    EXPECT_EQ(lines, 1);
    EXPECT_EQ(framer.feed("123456789\n", count), detail::LineFramer::Outcome::LineTooLong);
    EXPECT_EQ(framer.oversize_bytes(), 9u);
    detail::LineFramer unterminated(8);
    EXPECT_EQ(unterminated.feed("1234567890", count), detail::LineFramer::Outcome::LineTooLong);
    EXPECT_EQ(unterminated.buffered_bytes(), 0u);
}

TEST(LineFramer, StopsWhenTheHandlerSaysSo) {
    detail::LineFramer framer(64);
    int lines = 0;
    EXPECT_EQ(framer.feed("a\nb\nc\n", [&](std::string_view) { return ++lines < 2; }),
              detail::LineFramer::Outcome::Stopped);
    EXPECT_EQ(lines, 2);
}

} // namespace
} // namespace jamfleet::io
