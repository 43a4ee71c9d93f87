// Unix datagram channel: delivery, nobody listening, removal of the socket file.
#include "io/local_datagram_socket.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <vector>

#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {
namespace {

using namespace std::chrono_literals;

std::string scratch_path(const char* name) {
    return (std::filesystem::temp_directory_path() /
            (std::string(name) + "-" + std::to_string(::getpid()) + ".sock"))
        .string();
}

TEST(LocalDatagramSocket, DeliversADatagramAndRemovesItsFileWhenDestroyed) {
    const std::string path = scratch_path("jamfleet-local-dgram");
    {
        auto bound = LocalDatagramSocket::bind(path);
        ASSERT_TRUE(bound.ok()) << bound.error();
        auto receiver = std::move(bound).value();
        auto sender = LocalDatagramSocket::open();
        ASSERT_TRUE(sender.ok());
        const std::vector<std::uint8_t> data{1, 2, 3, 4, 5};
        ASSERT_TRUE(sender.value().send_to(path, data));

        std::array<std::uint8_t, 16> buffer{};
        std::size_t got = 0;
        Loop loop;
        FdWatcher watcher(loop, receiver.fd(), [&] { got = receiver.receive(buffer); });
        ASSERT_TRUE(loop.run_until([&] { return got != 0; }, 5s));
        EXPECT_EQ(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + got), data);
        EXPECT_TRUE(std::filesystem::exists(path));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(LocalDatagramSocket, SendingToNobodyFailsWithoutBlocking) {
    auto sender = LocalDatagramSocket::open();
    ASSERT_TRUE(sender.ok());
    const std::uint8_t data[] = {1};
    EXPECT_FALSE(sender.value().send_to(scratch_path("jamfleet-nobody"), data));
}

TEST(LocalDatagramSocket, OversizedDatagramIsDroppedNotTruncated) {
    const std::string path = scratch_path("jamfleet-local-big");
    auto receiver = LocalDatagramSocket::bind(path);
    ASSERT_TRUE(receiver.ok());
    auto sender = LocalDatagramSocket::open();
    const std::vector<std::uint8_t> big(100, 7);
    ASSERT_TRUE(sender.value().send_to(path, big));
    std::array<std::uint8_t, 10> buffer{};
    EXPECT_EQ(receiver.value().receive(buffer), 0u);
    EXPECT_EQ(receiver.value().receive(buffer), 0u); // consumed, nothing else queued
}

} // namespace
} // namespace jamfleet::io
