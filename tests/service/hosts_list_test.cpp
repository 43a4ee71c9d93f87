// The list half of tests/service/hosts_ansible_test.sh: asks the one directory of a
// fleet spread over several (container) hosts for its server list, as a Jamulus
// client's connect dialog does (CLM_REQ_SERVER_LIST), until the list holds exactly
// the expected rooms, each at its own host's address. The script runs it in the
// namespace of the hosts' bridge:
//   JAMFLEET_HOSTS_DIRECTORY=ip:port  the directory
//   JAMFLEET_HOSTS_ROOMS="Name@ip:port;..."  every room that must be listed, and nothing else
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "proto/clm_messages.h"
#include "proto/frame.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

sockaddr_in address_of(const std::string& text) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    const auto colon = text.rfind(':');
    addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1))));
    ::inet_pton(AF_INET, text.substr(0, colon).c_str(), &addr.sin_addr);
    return addr;
}

std::string text_of(std::uint32_t ip, std::uint16_t port) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
           std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255) + ":" +
           std::to_string(port);
}

// name → "ip:port" of every entry after the directory's own, or nothing on timeout.
std::optional<std::map<std::string, std::string>> request_list(const sockaddr_in& directory) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    timeval timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const auto request = proto::make_clm_frame(proto::MessageId::ClmReqServerList, {});
    ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&directory),
             sizeof directory);
    std::vector<std::uint8_t> buffer(proto::kMaxDatagramBytes);
    std::optional<std::map<std::string, std::string>> rooms;
    for (int i = 0; i < 10 && !rooms; ++i) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) {
            break;
        }
        auto frame = proto::parse_frame({buffer.data(), static_cast<std::size_t>(n)});
        if (!frame.ok() || frame->id != proto::to_wire(proto::MessageId::ClmServerList)) {
            continue;
        }
        auto list = proto::decode_server_list(frame->payload);
        if (!list.ok()) {
            continue;
        }
        rooms.emplace();
        for (std::size_t e = 1; e < list->entries.size(); ++e) {
            (*rooms)[list->entries[e].name] = text_of(list->entries[e].ip, list->entries[e].port);
        }
    }
    ::close(fd);
    return rooms;
}

TEST(HostsList, EveryRoomIsListedOnceAtItsOwnHostsAddress) {
    const char* directory = std::getenv("JAMFLEET_HOSTS_DIRECTORY");
    const char* expected_text = std::getenv("JAMFLEET_HOSTS_ROOMS");
    ASSERT_NE(directory, nullptr) << "JAMFLEET_HOSTS_DIRECTORY (ip:port) is not set";
    ASSERT_NE(expected_text, nullptr) << "JAMFLEET_HOSTS_ROOMS (Name@ip:port;...) is not set";
    std::map<std::string, std::string> expected;
    std::string rest = expected_text;
    while (!rest.empty()) {
        const auto semicolon = rest.find(';');
        const std::string item = rest.substr(0, semicolon);
        rest = semicolon == std::string::npos ? "" : rest.substr(semicolon + 1);
        const auto at = item.rfind('@');
        ASSERT_NE(at, std::string::npos) << "bad JAMFLEET_HOSTS_ROOMS item " << item;
        expected[item.substr(0, at)] = item.substr(at + 1);
    }
    // Rooms register a few seconds after they start, and leave within a few after a
    // stop: poll (one list per second, the directory's rate) up to 40 s.
    std::map<std::string, std::string> last;
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto rooms = request_list(address_of(directory))) {
            last = *rooms;
            if (last == expected) {
                break;
            }
        }
        std::this_thread::sleep_for(1s);
    }
    for (const auto& [name, address] : last) {
        std::printf("hosts list: %s at %s\n", name.c_str(), address.c_str());
    }
    EXPECT_EQ(last, expected);
}

} // namespace
} // namespace jamfleet::interop
