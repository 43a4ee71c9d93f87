// `jamfleet run` speaking sd_notify to a socket that stands in for systemd's: READY=1
// only once every room of the example fleet is registered, WATCHDOG=1 at half the
// interval, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM. Runs in
// the interop harness's private network namespace (the example's fixed ports).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : value;
}

class FakeNotifySocket {
public:
    explicit FakeNotifySocket(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("bind " + path + ": " + std::strerror(errno));
        }
    }
    ~FakeNotifySocket() { ::close(fd_); }
    // The next datagram, or nullopt after `timeout`.
    std::optional<std::string> receive(std::chrono::milliseconds timeout) {
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buffer[1024];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0) {
            return std::nullopt;
        }
        return std::string(buffer, static_cast<std::size_t>(n));
    }
    // The next datagram that is not a watchdog ping; counts the pings it skipped.
    std::optional<std::string> next_state(std::chrono::milliseconds timeout, int& pings) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            auto message = receive(std::max(left, 1ms));
            if (message && *message == "WATCHDOG=1") {
                ++pings;
                continue;
            }
            return message;
        }
        return std::nullopt;
    }

private:
    int fd_ = -1;
};

TEST(SystemdNotify, ReadyAfterRegistrationWatchdogReloadAndStop) {
    const std::string jamfleet = env_or_empty("JAMFLEET_ORCHESTRATOR");
    ASSERT_FALSE(jamfleet.empty()) << "JAMFLEET_ORCHESTRATOR is not set";
    TempDir dir("notify");
    const std::string socket_path = (dir / "notify").string();
    FakeNotifySocket systemd(socket_path);
    const std::string fleet = env_or_empty("JAMFLEET_SOURCE_DIR") + "/examples/fleet.yaml";
    Process run({"jamfleet",
                 jamfleet,
                 {"run", fleet},
                 {{"NOTIFY_SOCKET", socket_path}, {"WATCHDOG_USEC", "1000000"}},
                 dir / "run"});
    int pings = 0;
    const auto ready = systemd.next_state(30s, pings);
    ASSERT_TRUE(ready) << "no READY=1 within 30 s\n" << run.log_text();
    EXPECT_EQ(*ready, "READY=1\nSTATUS=4 listening, 3 registered, 0 failed");
    // READY=1 came after every room had the directory's answer.
    const auto status =
        run_command({"status", jamfleet, {"status", "--json", fleet}, {}, dir / "run"}, 10s);
    const auto doc = nlohmann::json::parse(status.output, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << status.output;
    for (const auto& child : doc["children"]) {
        if (child["kind"] == "mixer") {
            EXPECT_EQ(child["child"].value("registration", ""), "registered") << child.dump();
        }
    }
    pings = 0;
    EXPECT_FALSE(systemd.next_state(1700ms, pings)) << "an unexpected state message";
    EXPECT_GE(pings, 3) << "WATCHDOG_USEC=1 s wants a ping every 0.5 s";

    run.send_signal(SIGHUP);
    const auto reloading = systemd.next_state(5s, pings);
    ASSERT_TRUE(reloading);
    EXPECT_TRUE(reloading->starts_with("RELOADING=1\n")) << *reloading;
    EXPECT_NE(reloading->find("MONOTONIC_USEC="), std::string::npos);
    const auto ready_again = systemd.next_state(10s, pings);
    ASSERT_TRUE(ready_again);
    EXPECT_EQ(*ready_again, "READY=1\nSTATUS=4 listening, 3 registered, 0 failed");

    run.send_signal(SIGTERM);
    const auto stopping = systemd.next_state(5s, pings);
    ASSERT_TRUE(stopping);
    EXPECT_EQ(*stopping, "STOPPING=1\nSTATUS=stopping the fleet");
    ASSERT_TRUE(run.wait_exit(15s)) << "jamfleet did not exit after SIGTERM";
    EXPECT_EQ(run.exit_code(), 0);
}

} // namespace
} // namespace jamfleet::interop
