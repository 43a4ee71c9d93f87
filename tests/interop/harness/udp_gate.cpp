#include "tests/interop/harness/udp_gate.h"

#include "tests/interop/harness/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <string>

namespace jamfleet::interop {
namespace {

int udp_socket() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("UdpGate: socket failed");
    }
    return fd;
}

} // namespace

UdpGate::UdpGate(std::uint16_t server_port) {
    client_side_ = udp_socket();
    server_side_ = udp_socket();
    sockaddr_in any = loopback(0);
    sockaddr_in server = loopback(server_port);
    if (::bind(client_side_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
        ::connect(server_side_, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
        ::close(client_side_);
        ::close(server_side_);
        throw std::runtime_error("UdpGate: cannot bind or connect (server port " +
                                 std::to_string(server_port) + ")");
    }
    sockaddr_in bound{};
    socklen_t length = sizeof bound;
    ::getsockname(client_side_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(bound.sin_port);
    thread_ = std::thread([this] { run(); });
}

UdpGate::~UdpGate() {
    stopping_ = true;
    thread_.join();
    ::close(client_side_);
    ::close(server_side_);
}

void UdpGate::run() {
    std::array<pollfd, 2> fds{pollfd{client_side_, POLLIN, 0}, pollfd{server_side_, POLLIN, 0}};
    std::array<std::uint8_t, 65536> buffer{};
    sockaddr_in client{};
    bool client_known = false;
    while (!stopping_) {
        if (::poll(fds.data(), fds.size(), 50) <= 0) {
            continue;
        }
        if (fds[0].revents & POLLIN) {
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const auto n = ::recvfrom(client_side_, buffer.data(), buffer.size(), 0,
                                      reinterpret_cast<sockaddr*>(&from), &length);
            if (n >= 0 && open_) {
                client = from;
                client_known = true;
                ::send(server_side_, buffer.data(), static_cast<std::size_t>(n), 0);
            }
        }
        if (fds[1].revents & POLLIN) {
            const auto n = ::recv(server_side_, buffer.data(), buffer.size(), 0);
            if (n >= 0 && client_known) {
                ::sendto(client_side_, buffer.data(), static_cast<std::size_t>(n), 0,
                         reinterpret_cast<const sockaddr*>(&client), sizeof client);
            }
        }
    }
}

} // namespace jamfleet::interop
