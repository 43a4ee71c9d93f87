// The JSON-RPC server and a child's control endpoint against abusive peers, with
// SIGPIPE at its default action: clients that hang up or reset before the reply,
// a line of a mebibyte, junk and deeply nested JSON. Each endpoint must survive
// and go on serving an ordinary client. Also the nesting guard itself.
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
#include <optional>
#include <string>

#include "control/control_endpoint.h"
#include "control/json_nesting.h"
#include "control/jsonrpc_server.h"
#include "io/line_client.h"
#include "io/loop.h"

namespace jamfleet::control {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "a-secret-of-24-characters";

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    return fd;
}

int connect_tcp(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(0x7f000001u);
    sa.sin_port = htons(port);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa), 0);
    return fd;
}

// Sends `line` + '\n' and hangs up at once, every other time with a reset.
void hang_up(int fd, int i, const std::string& line) {
    const std::string data = line + "\n";
    [[maybe_unused]] const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (i % 2 == 1) {
        const linger lg{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ::close(fd);
}

// Runs the loop in short slices until `done()` (checked between slices, since the
// test's raw socket is no loop handle) or 5 s passed.
template <typename Done>
bool poll_until(io::Loop& loop, Done&& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        loop.run_until([] { return false; }, 2ms);
    }
    return true;
}

// Sends `data` while running the loop; returns what came back once the server
// closed the connection, or nullopt when it did not within 5 s.
std::optional<std::string> send_until_closed(io::Loop& loop, int fd, const std::string& data) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::size_t sent = 0;
    std::string received;
    bool closed = false;
    poll_until(loop, [&] {
        if (sent < data.size()) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EAGAIN) {
                sent = data.size();
            }
        }
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            received.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EAGAIN) {
            closed = true;
        }
        return closed;
    });
    ::close(fd);
    return closed ? std::optional<std::string>(received) : std::nullopt;
}

std::string deeply_nested(std::size_t depth) {
    return R"({"id":1,"jsonrpc":"2.0","method":"jamulus/getMode","params":{},"x":)" +
           std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(JsonNesting, CountsBracketsOutsideStringsOnly) {
    EXPECT_TRUE(json_nesting_within(R"({"a":[1,{"b":[]}]})", 4));
    EXPECT_FALSE(json_nesting_within(R"({"a":[1,{"b":[]}]})", 3));
    EXPECT_TRUE(json_nesting_within(R"({"s":"[[[[\"[[[["})", 1));
    EXPECT_FALSE(json_nesting_within(std::string(kMaxJsonNesting + 1, '[')));
    EXPECT_TRUE(json_nesting_within(std::string(kMaxJsonNesting, '[')));
}

TEST(JsonRpcServerLimits, HangUpsAMebibyteLineAndDeepNestingLeaveItServing) {
    io::Loop loop;
    auto started = JsonRpcServer::start(loop, io::SocketAddress::loopback(0), kSecret);
    ASSERT_TRUE(started.ok()) << started.error();
    auto server = std::move(started).value();
    server->add_method("jamulus/getMode", [](const nlohmann::json&) {
        return base::Result<nlohmann::json, RpcError>(nlohmann::json{{"mode", "server"}});
    });
    const auto port = server->local_address().port;
    // Unauthenticated requests: each gets a 401 reply the peer never reads.
    for (int i = 0; i < 100; ++i) {
        hang_up(connect_tcp(port), i,
                R"({"id":1,"jsonrpc":"2.0","method":"jamulus/getMode","params":{}})");
        loop.run_until([] { return false; }, 1ms);
    }
    const auto big = send_until_closed(loop, connect_tcp(port), std::string(1u << 20, '{') + "\n");
    ASSERT_TRUE(big.has_value()) << "a 1 MiB line did not close the connection";
    EXPECT_EQ(*big, "");
    const auto deep = send_until_closed(loop, connect_tcp(port), deeply_nested(20000) + "\n");
    ASSERT_TRUE(deep.has_value());
    EXPECT_NE(deep->find("-32700"), std::string::npos) << *deep;

    io::LineClient client(loop);
    std::vector<std::string> lines;
    client.set_on_line([&](std::string_view l) { lines.emplace_back(l); });
    client.connect_tcp(server->local_address(), [&](base::Status<std::string> r) {
        ASSERT_TRUE(r.ok());
        client.send(std::string(R"({"id":1,"jsonrpc":"2.0","method":"jamulus/apiAuth",)") +
                    R"("params":{"secret":")" + kSecret + R"("}})");
        client.send(R"({"id":2,"jsonrpc":"2.0","method":"jamulus/getMode","params":{}})");
    });
    ASSERT_TRUE(loop.run_until([&] { return lines.size() == 2; }, 5s));
    EXPECT_NE(lines[1].find(R"("mode":"server")"), std::string::npos) << lines[1];
}

TEST(ControlEndpointLimits, HangUpsJunkAndAMebibyteLineLeaveItServing) {
    char tmpl[] = "/tmp/jamfleet-ctl-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    const std::string path = dir + "/main.sock";
    io::Loop loop;
    {
        auto listening =
            ControlEndpoint::listen(loop, path, Hello{"mixer", "main", ::getpid(), 22124, "0.1"});
        ASSERT_TRUE(listening.ok()) << listening.error();
        auto endpoint = std::move(listening).value();
        endpoint->set_status_provider([] { return nlohmann::json{{"clients", 2}}; });
        for (int i = 0; i < 100; ++i) {
            hang_up(connect_unix(path), i, R"({"id":1,"op":"status","args":{}})");
            loop.run_until([] { return false; }, 1ms);
        }
        for (const std::string& junk : {std::string("\x01\xff{{not json]]"),
                                        R"({"id":1,"op":"status","args":)" +
                                            std::string(20000, '[') + std::string(20000, ']') + "}",
                                        std::string(1u << 20, 'x')}) {
            const auto reply = send_until_closed(loop, connect_unix(path), junk + "\n");
            ASSERT_TRUE(reply.has_value()) << junk.substr(0, 40);
            EXPECT_EQ(reply->find(R"("type":"response")"), std::string::npos) << *reply;
        }
        // An ordinary request is answered as before.
        const int fd = connect_unix(path);
        const std::string request = "{\"id\":7,\"op\":\"status\",\"args\":{}}\n";
        ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(request.size()));
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        std::string received;
        EXPECT_TRUE(poll_until(loop, [&] {
            char buf[4096];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n > 0) {
                received.append(buf, static_cast<std::size_t>(n));
            }
            return received.find(R"("clients":2)") != std::string::npos;
        })) << received;
        ::close(fd);
    }
    ::rmdir(dir.c_str());
}

} // namespace
} // namespace jamfleet::control
