// sd_notify by hand: datagrams reach a socket standing in for systemd's, in the
// path and abstract forms; without a socket nothing is sent; $WATCHDOG_PID of
// another process does not apply to us.
#include "orchestrator/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

// A datagram socket bound to `name` ("/path" or "@abstract"), like systemd's.
class FakeSystemd {
public:
    explicit FakeSystemd(const std::string& name) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.data(), name.size());
        if (name[0] == '@') {
            address.sun_path[0] = '\0';
        }
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                                   (name[0] == '@' ? 0 : 1));
        bound_ = ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0;
    }
    ~FakeSystemd() { ::close(fd_); }
    bool bound() const { return bound_; }
    std::string receive() {
        char buffer[512];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        return n < 0 ? std::string("<nothing>") : std::string(buffer, static_cast<std::size_t>(n));
    }

private:
    int fd_ = -1;
    bool bound_ = false;
};

TEST(SystemdNotify, SendsStateLinesToASocketPath) {
    const std::string path =
        std::filesystem::temp_directory_path() / ("jamfleet-notify-" + std::to_string(::getpid()));
    ::unlink(path.c_str());
    FakeSystemd systemd(path);
    ASSERT_TRUE(systemd.bound());
    const SystemdNotify notify(path, std::nullopt);
    ASSERT_TRUE(notify.enabled());
    ASSERT_TRUE(notify.send(SystemdNotify::ready("3 listening")).ok());
    EXPECT_EQ(systemd.receive(), "READY=1\nSTATUS=3 listening");
    ASSERT_TRUE(notify.send(SystemdNotify::watchdog()).ok());
    EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
    ASSERT_TRUE(notify.send(SystemdNotify::reloading(std::chrono::microseconds(42))).ok());
    EXPECT_EQ(systemd.receive(), "RELOADING=1\nSTATUS=reloading the fleet file\nMONOTONIC_USEC=42");
    ASSERT_TRUE(notify.send(SystemdNotify::stopping()).ok());
    EXPECT_EQ(systemd.receive(), "STOPPING=1\nSTATUS=stopping the fleet");
    ::unlink(path.c_str());
}

TEST(SystemdNotify, SendsToAnAbstractSocket) {
    const std::string name = "@jamfleet-notify-test-" + std::to_string(::getpid());
    FakeSystemd systemd(name);
    ASSERT_TRUE(systemd.bound());
    ASSERT_TRUE(SystemdNotify(name, std::nullopt).send("READY=1").ok());
    EXPECT_EQ(systemd.receive(), "READY=1");
}

TEST(SystemdNotify, WithoutASocketNothingIsSentAndNothingFails) {
    const SystemdNotify notify("", std::nullopt);
    EXPECT_FALSE(notify.enabled());
    EXPECT_TRUE(notify.send("READY=1").ok());
}

TEST(SystemdNotify, AMissingSocketIsAnErrorValue) {
    const auto sent = SystemdNotify("/nonexistent/notify", std::nullopt).send("READY=1");
    ASSERT_FALSE(sent.ok());
    EXPECT_NE(sent.error().find("/nonexistent/notify"), std::string::npos);
    EXPECT_FALSE(SystemdNotify("relative", std::nullopt).send("READY=1").ok());
}

TEST(SystemdNotify, ReadsTheWatchdogOnlyWhenItIsOurs) {
    ::setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
    ::setenv("WATCHDOG_USEC", "30000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    auto ours = SystemdNotify::from_environment();
    EXPECT_TRUE(ours.enabled());
    ASSERT_TRUE(ours.watchdog_interval());
    EXPECT_EQ(*ours.watchdog_interval(), std::chrono::seconds(30));
    ::setenv("WATCHDOG_PID", "1", 1); // the supervisor's, seen by a child
    EXPECT_FALSE(SystemdNotify::from_environment().watchdog_interval());
    ::unsetenv("WATCHDOG_PID");
    ::setenv("WATCHDOG_USEC", "soon", 1);
    EXPECT_FALSE(SystemdNotify::from_environment().watchdog_interval());
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(SystemdNotify::from_environment().enabled());
}

} // namespace
} // namespace jamfleet::orchestrator
