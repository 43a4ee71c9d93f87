// Loopback networking helpers for interop tests: free ports, which UDP ports a child bound,
// and a small blocking UDP socket for sending hand-made datagrams and reading replies.
#pragma once

#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <span>
#include <sys/types.h>
#include <vector>

namespace jamfleet::interop {

// A port that was free on 127.0.0.1 a moment ago (the socket is closed before returning), picked
// below the ephemeral range so that port-0 binds made after the pick cannot take it.
// Inside the test's private network namespace nothing else can take it meanwhile.
// 127.0.0.1:port as a socket address.
sockaddr_in loopback(std::uint16_t port);

std::uint16_t free_udp_port();
std::uint16_t free_tcp_port();
// A port free for both UDP and TCP (e.g. a server's UDP port next to its JSON-RPC port).
std::uint16_t free_udp_and_tcp_port();

// Local UDP ports of the sockets the process owns (Jamulus clients choose their own port).
std::vector<std::uint16_t> udp_ports_of(pid_t pid);
// Whether any socket in this network namespace is bound to UDP `port`.
bool udp_port_bound(std::uint16_t port);

struct Datagram {
    std::uint16_t from_port = 0;
    std::vector<std::uint8_t> bytes;
};

// A UDP socket on 127.0.0.1 (port 0 = chosen by the kernel); blocking reads with a timeout.
class UdpProbe {
public:
    explicit UdpProbe(std::uint16_t port = 0);
    ~UdpProbe();
    UdpProbe(const UdpProbe&) = delete;
    UdpProbe& operator=(const UdpProbe&) = delete;

    std::uint16_t port() const { return port_; }
    void send_to(std::uint16_t port, std::span<const std::uint8_t> bytes);
    std::optional<Datagram> receive(std::chrono::milliseconds timeout);
    // Receives until `accept` returns true for a datagram or the timeout passes.
    template <typename Accept>
    std::optional<Datagram> receive_until(Accept accept, std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

template <typename Accept>
std::optional<Datagram> UdpProbe::receive_until(Accept accept, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        auto datagram = receive(left);
        if (datagram && accept(*datagram)) {
            return datagram;
        }
    }
}

} // namespace jamfleet::interop
