// UdpSocket: plain POSIX sockets with recvmmsg/sendmmsg, batched through
// fixed-size stack arrays so the hot path allocates nothing.
#include "io/udp_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace jamfleet::io {
namespace {

// Datagrams per system call; larger batches are processed in chunks.
constexpr std::size_t kChunk = 64;

// Room for one IP_PKTINFO control message per datagram.
constexpr std::size_t kPktInfoSpace = CMSG_SPACE(sizeof(in_pktinfo));
struct alignas(cmsghdr) PktInfoBuffer {
    std::uint8_t bytes[kPktInfoSpace];
};

std::uint32_t arrival_address(const msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return ntohl(info.ipi_addr.s_addr);
        }
    }
    return 0;
}

void set_source_address(msghdr& msg, PktInfoBuffer& buffer, std::uint32_t from_ip) {
    std::memset(buffer.bytes, 0, sizeof buffer.bytes);
    msg.msg_control = buffer.bytes;
    msg.msg_controllen = sizeof buffer.bytes;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_spec_dst.s_addr = htonl(from_ip);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
}

// Either family in one sockaddr_storage; returns the length to pass with it.
socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& storage) {
    storage = sockaddr_storage{};
    if (a.v6) {
        auto* sa = reinterpret_cast<sockaddr_in6*>(&storage);
        sa->sin6_family = AF_INET6;
        std::memcpy(&sa->sin6_addr, a.ip6.data(), 16);
        sa->sin6_port = htons(a.port);
        return sizeof(sockaddr_in6);
    }
    auto* sa = reinterpret_cast<sockaddr_in*>(&storage);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(a.ip);
    sa->sin_port = htons(a.port);
    return sizeof(sockaddr_in);
}

SocketAddress from_sockaddr(const sockaddr_storage& storage) {
    if (storage.ss_family == AF_INET6) {
        const auto* sa = reinterpret_cast<const sockaddr_in6*>(&storage);
        std::array<std::uint8_t, 16> ip6{};
        std::memcpy(ip6.data(), &sa->sin6_addr, 16);
        return SocketAddress::ipv6(ip6, ntohs(sa->sin6_port));
    }
    const auto* sa = reinterpret_cast<const sockaddr_in*>(&storage);
    return SocketAddress{ntohl(sa->sin_addr.s_addr), ntohs(sa->sin_port)};
}

} // namespace

std::string errno_text(int err) {
    std::string text = std::strerror(err);
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

base::Result<UdpSocket, std::string> UdpSocket::bind(SocketAddress address, int tos) {
    const std::string what = "bind udp " + address.to_string() + ": ";
    const int fd =
        ::socket(address.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return base::Err{what + errno_text(errno)};
    }
    const auto fail = [&](const std::string& step) {
        const int err = errno;
        ::close(fd);
        return base::Err{what + step + errno_text(err)};
    };
    if (address.v6) {
        // IPv6 only: IPv4 peers have their own socket, as in Jamulus 4.0.
        const int on = 1;
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) {
            return fail("set IPV6_V6ONLY: ");
        }
        if (tos != 0 && ::setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos) != 0) {
            return fail("set IPV6_TCLASS " + std::to_string(tos) + ": ");
        }
    } else if (tos != 0 && ::setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) != 0) {
        return fail("set IP_TOS " + std::to_string(tos) + ": ");
    }
    sockaddr_storage sa{};
    const socklen_t sa_len = to_sockaddr(address, sa);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sa_len) != 0) {
        return fail("");
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    return UdpSocket(fd, from_sockaddr(bound));
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(other.local_), send_errors_(other.send_errors_),
      traffic_(other.traffic_), report_arrival_(other.report_arrival_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        local_ = other.local_;
        send_errors_ = other.send_errors_;
        traffic_ = other.traffic_;
        report_arrival_ = other.report_arrival_;
    }
    return *this;
}

UdpSocket::~UdpSocket() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::size_t UdpSocket::receive_batch(std::span<ReceivedDatagram> datagrams) {
    std::size_t total = 0;
    while (total < datagrams.size()) {
        const std::size_t n = std::min(kChunk, datagrams.size() - total);
        mmsghdr msgs[kChunk];
        iovec iovs[kChunk];
        sockaddr_storage addrs[kChunk];
        PktInfoBuffer controls[kChunk];
        for (std::size_t i = 0; i < n; ++i) {
            auto& d = datagrams[total + i];
            iovs[i] = iovec{d.buffer.data(), d.buffer.size()};
            msgs[i] = mmsghdr{};
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (report_arrival_) {
                msgs[i].msg_hdr.msg_control = controls[i].bytes;
                msgs[i].msg_hdr.msg_controllen = sizeof controls[i].bytes;
            }
        }
        const int got = ::recvmmsg(fd_, msgs, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
        if (got <= 0) {
            break; // EAGAIN (nothing ready) or a transient error: try again on the next wake-up
        }
        for (int i = 0; i < got; ++i) {
            auto& d = datagrams[total + static_cast<std::size_t>(i)];
            d.from = from_sockaddr(addrs[i]);
            d.arrived_on = report_arrival_ ? arrival_address(msgs[i].msg_hdr) : 0;
            d.size = msgs[i].msg_len;
            d.truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
            traffic_.bytes_received += msgs[i].msg_len;
        }
        traffic_.packets_received += static_cast<std::uint64_t>(got);
        total += static_cast<std::size_t>(got);
        if (static_cast<std::size_t>(got) < n) {
            break;
        }
    }
    return total;
}

std::size_t UdpSocket::send_batch(std::span<const OutgoingDatagram> datagrams) {
    std::size_t done = 0;
    std::size_t sent = 0;
    while (done < datagrams.size()) {
        const std::size_t n = std::min(kChunk, datagrams.size() - done);
        mmsghdr msgs[kChunk];
        iovec iovs[kChunk];
        sockaddr_storage addrs[kChunk];
        PktInfoBuffer controls[kChunk];
        for (std::size_t i = 0; i < n; ++i) {
            const auto& d = datagrams[done + i];
            const socklen_t addr_len = to_sockaddr(d.to, addrs[i]);
            // sendmsg does not write through iov_base; the cast only satisfies the C type.
            iovs[i] = iovec{const_cast<std::uint8_t*>(d.data.data()), d.data.size()};
            msgs[i] = mmsghdr{};
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = addr_len;
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (d.from_ip != 0) {
                set_source_address(msgs[i].msg_hdr, controls[i], d.from_ip);
            }
        }
        const int got = ::sendmmsg(fd_, msgs, static_cast<unsigned>(n), MSG_DONTWAIT);
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break; // kernel buffer full: the caller's audio is late anyway, drop the rest
            }
            // The first datagram of the chunk failed (e.g. ECONNREFUSED from an ICMP
            // error); skip it so one bad peer cannot block everyone else.
            ++send_errors_;
            ++done;
            continue;
        }
        for (int i = 0; i < got; ++i) {
            traffic_.bytes_sent += msgs[i].msg_len; // sendmmsg sets it to the bytes sent
        }
        traffic_.packets_sent += static_cast<std::uint64_t>(got);
        sent += static_cast<std::size_t>(got);
        done += static_cast<std::size_t>(got);
        if (got == 0) {
            break;
        }
    }
    return sent;
}

bool UdpSocket::send_to(SocketAddress to, std::span<const std::uint8_t> data) {
    sockaddr_storage sa{};
    const socklen_t sa_len = to_sockaddr(to, sa);
    const ssize_t n = ::sendto(fd_, data.data(), data.size(), MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&sa), sa_len);
    if (n < 0) {
        ++send_errors_;
        return false;
    }
    ++traffic_.packets_sent;
    traffic_.bytes_sent += static_cast<std::uint64_t>(n);
    return true;
}

bool UdpSocket::report_arrival_address() {
    const int on = 1;
    report_arrival_ = ::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0;
    return report_arrival_;
}

void UdpSocket::set_buffer_sizes(int receive_bytes, int send_bytes) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_bytes, sizeof receive_bytes);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &send_bytes, sizeof send_bytes);
}

} // namespace jamfleet::io
