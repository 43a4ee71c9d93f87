// Non-blocking UDP socket (IPv4, or IPv6-only) for the hot path: batches of datagrams per system
// call (recvmmsg/sendmmsg), no libuv inside; watch fd() with io::FdWatcher.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "io/socket_address.h"

namespace jamfleet::io {

struct ReceivedDatagram {
    SocketAddress from;
    // The local IPv4 address the datagram was sent to (IP_PKTINFO); 0 unless the
    // socket called report_arrival_address(). On a socket bound to 0.0.0.0 this
    // says which of the host's addresses the peer used, i.e. one it can reach.
    std::uint32_t arrived_on = 0;
    std::span<std::uint8_t> buffer; // caller-owned storage for one datagram
    std::size_t size = 0;           // bytes received into buffer
    bool truncated = false;         // the datagram was larger than buffer
    std::span<const std::uint8_t> data() const { return buffer.first(size); }
};

struct OutgoingDatagram {
    SocketAddress to;
    std::span<const std::uint8_t> data;
    // Source IPv4 address to send from (IP_PKTINFO), e.g. the address a request
    // arrived on, so a multi-homed host answers from the address it was asked
    // at; 0 lets the kernel choose by route.
    std::uint32_t from_ip = 0;
};

// What one socket moved (payload bytes, no UDP/IP headers), for metrics. Plain integers:
// a socket is used by one thread (the loop's), so counting costs one add per datagram.
struct UdpTraffic {
    std::uint64_t packets_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t packets_sent = 0;
    std::uint64_t bytes_sent = 0;
};

class UdpSocket {
public:
    // Binds without SO_REUSEADDR, so a port in use fails with
    // "bind udp 127.0.0.1:22124: address already in use". `tos` (IP_TOS, e.g.
    // 128 as Jamulus uses) is applied when non-zero.
    static base::Result<UdpSocket, std::string> bind(SocketAddress address, int tos = 0);

    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;
    ~UdpSocket();

    // Fills as many entries as datagrams are ready (0 when none); never blocks.
    std::size_t receive_batch(std::span<ReceivedDatagram> datagrams);
    // Returns how many datagrams were sent. One the kernel refuses (e.g. after an
    // ICMP unreachable) is skipped and counted in send_errors(); a full send
    // buffer ends the batch early.
    std::size_t send_batch(std::span<const OutgoingDatagram> datagrams);
    bool send_to(SocketAddress to, std::span<const std::uint8_t> data);

    SocketAddress local_address() const { return local_; }
    int fd() const { return fd_; }
    std::uint64_t send_errors() const { return send_errors_; }
    const UdpTraffic& traffic() const { return traffic_; }

    // Fills ReceivedDatagram::arrived_on from now on (IP_PKTINFO); false if refused.
    bool report_arrival_address();

    // Larger kernel buffers absorb bursts (many clients); best effort.
    void set_buffer_sizes(int receive_bytes, int send_bytes);

private:
    UdpSocket(int fd, SocketAddress local) : fd_(fd), local_(local) {}

    int fd_ = -1;
    SocketAddress local_;
    std::uint64_t send_errors_ = 0;
    UdpTraffic traffic_;
    bool report_arrival_ = false;
};

// "address already in use" rather than strerror's "Address already in use", so
// it reads naturally after a colon.
std::string errno_text(int err);

} // namespace jamfleet::io
