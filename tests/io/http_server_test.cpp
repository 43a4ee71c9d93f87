// io/http_server: libmicrohttpd driven by the loop — answers given at once and
// later (a suspended request resumed), an event stream that sleeps between
// events, and the limits (per-IP connections, body size, methods). The client
// runs on a thread of its own with blocking sockets; the loop on the test's.
#include "io/http_server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io/timer.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `request` and reads until the server closes, `until` appears, or 5 s pass.
std::string http_exchange(std::uint16_t port, const std::string& request,
                          const std::string& until = {}) {
    const int fd = connect_to(port);
    if (fd < 0) {
        return {};
    }
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline &&
           (until.empty() || out.find(until) == std::string::npos)) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            continue;
        }
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string get_request(const std::string& path) {
    return "GET " + path + " HTTP/1.0\r\nHost: t\r\n\r\n";
}

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        HttpServerOptions options;
        options.port = 0;
        options.limits.max_connections_per_ip = 3;
        options.limits.max_body = 1024;
        auto started = HttpServer::start(
            loop, options,
            [this](const HttpRequest& r, std::shared_ptr<HttpExchange> ex) { handle(r, ex); },
            base::Logger("http-test", [](std::string_view) {}));
        ASSERT_TRUE(started.ok()) << started.error();
        server = std::move(started).value();
    }

    void handle(const HttpRequest& r, std::shared_ptr<HttpExchange> ex) {
        if (r.path == "/now") {
            ex->respond({200, "text/plain", "now " + r.method + " " + r.body});
        } else if (r.path == "/later") {
            // As a control op's answer: after the handler returned.
            auto timer = std::make_shared<Timer>(loop);
            timers.push_back(timer);
            timer->start(50ms, base::Duration::zero(), [ex] {
                ex->respond({202, "text/plain", "later"});
            });
        } else if (r.path == "/events") {
            auto stream = ex->open_stream("text/event-stream");
            auto timer = std::make_shared<Timer>(loop);
            timers.push_back(timer);
            auto count = std::make_shared<int>(0);
            timer->start(30ms, 30ms, [stream, count] {
                if (*count < 3) {
                    stream->send("data: " + std::to_string((*count)++) + "\n\n");
                }
            });
        } else {
            ex->respond({404, "text/plain", "no"});
        }
    }

    // Runs `client` on a thread while the loop serves; returns its result.
    std::string serve_while(std::function<std::string()> client) {
        auto result = std::async(std::launch::async, std::move(client));
        // run_until checks after each loop iteration: wake the loop so it notices.
        Timer wake(loop);
        wake.start(10ms, 10ms, [] {});
        loop.run_until([&] { return result.wait_for(0s) == std::future_status::ready; }, 10s);
        return result.get();
    }

    Loop loop;
    std::unique_ptr<HttpServer> server;
    std::vector<std::shared_ptr<Timer>> timers;
};

TEST_F(HttpServerTest, AnswersAtOnceAndLater) {
    const auto port = server->port();
    ASSERT_NE(port, 0);
    const auto now = serve_while([port] { return http_exchange(port, get_request("/now")); });
    EXPECT_NE(now.find("HTTP/1.1 200"), std::string::npos) << now;
    EXPECT_NE(now.find("now GET"), std::string::npos) << now;
    EXPECT_NE(now.find("Cache-Control: no-store"), std::string::npos) << now;
    const auto later = serve_while([port] { return http_exchange(port, get_request("/later")); });
    EXPECT_NE(later.find("HTTP/1.1 202"), std::string::npos) << later;
    EXPECT_NE(later.find("later"), std::string::npos) << later;
    const auto post = serve_while([port] {
        return http_exchange(port, "POST /now HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
    });
    EXPECT_NE(post.find("now POST hello"), std::string::npos) << post;
    EXPECT_EQ(server->counters().requests, 3u);
}

TEST_F(HttpServerTest, EventStreamSleepsBetweenEvents) {
    const auto port = server->port();
    const auto events =
        serve_while([port] { return http_exchange(port, get_request("/events"), "data: 2\n\n"); });
    EXPECT_NE(events.find("text/event-stream"), std::string::npos) << events;
    EXPECT_NE(events.find("data: 0\n\ndata: 1\n\ndata: 2\n\n"), std::string::npos) << events;
}

TEST_F(HttpServerTest, LimitsRefuseAndCount) {
    const auto port = server->port();
    const auto big = serve_while([port] {
        return http_exchange(port, "POST /now HTTP/1.0\r\nContent-Length: 2000\r\n\r\n" +
                                       std::string(2000, 'x'));
    });
    EXPECT_NE(big.find("HTTP/1.1 413"), std::string::npos) << big;
    const auto method =
        serve_while([port] { return http_exchange(port, "DELETE /now HTTP/1.0\r\n\r\n"); });
    EXPECT_NE(method.find("HTTP/1.1 405"), std::string::npos) << method;
    const auto header = serve_while([port] {
        return http_exchange(port,
                             "GET /now HTTP/1.0\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    });
    EXPECT_NE(header.find("HTTP/1.1 431"), std::string::npos) << header.substr(0, 200);
    // Three held connections from 127.0.0.1 fill its allowance; a fourth is closed at once.
    const auto fourth = serve_while([port] {
        std::vector<int> held;
        for (int i = 0; i < 3; ++i) {
            held.push_back(connect_to(port));
            ::send(held.back(), "GET /now HTTP/1.0\r\n", 19, MSG_NOSIGNAL);
        }
        std::this_thread::sleep_for(200ms);
        std::string out = http_exchange(port, get_request("/now"));
        for (int fd : held) {
            ::close(fd);
        }
        return out.empty() ? std::string("closed") : out;
    });
    EXPECT_EQ(fourth, "closed");
    EXPECT_EQ(server->counters().refused_connections, 1u);
    EXPECT_EQ(server->counters().oversized_bodies, 1u);
    EXPECT_EQ(server->counters().bad_methods, 1u);
    EXPECT_GE(server->counters().http_errors, 1u);
    // And it still answers.
    const auto again = serve_while([port] { return http_exchange(port, get_request("/now")); });
    EXPECT_NE(again.find("HTTP/1.1 200"), std::string::npos) << again;
}

TEST(HttpServerStart, BadBindAndBusyPort) {
    Loop loop;
    auto noop = [](const HttpRequest&, std::shared_ptr<HttpExchange>) {};
    base::Logger quiet("http-test", [](std::string_view) {});
    EXPECT_FALSE(HttpServer::start(loop, {"example.org", 0, {}}, noop, quiet).ok());
    auto first = HttpServer::start(loop, {"127.0.0.1", 0, {}}, noop, quiet);
    ASSERT_TRUE(first.ok());
    auto second = HttpServer::start(loop, {"127.0.0.1", (*first)->port(), {}}, noop, quiet);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("cannot listen"), std::string::npos) << second.error();
    auto v6 = HttpServer::start(loop, {"::1", 0, {}}, noop, quiet);
    EXPECT_TRUE(v6.ok() || v6.error().find("cannot listen") != std::string::npos);
}

} // namespace
} // namespace jamfleet::io
