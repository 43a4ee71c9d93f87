// Loopback helpers: port 0 binds, /proc/net/udp lookups, and UdpProbe.
#include "tests/interop/harness/net.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace jamfleet::interop {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

namespace {

// Binds a socket of `type` to 127.0.0.1:port; returns the fd (or -1) and the bound port.
int bind_loopback(int type, std::uint16_t port, std::uint16_t& bound) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    auto address = loopback(port);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        return -1;
    }
    bound = ntohs(address.sin_port);
    return fd;
}

// The kernel's ephemeral range (port-0 binds, Jamulus's and our probes' sockets) starts here.
std::uint16_t ephemeral_low() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned low = 0;
    return in >> low && low > 0 && low <= 65535 ? static_cast<std::uint16_t>(low) : 32768;
}

// A port below the ephemeral range, so no later port-0 bind (the 149 probes of a storm, a
// client) can take it between this pick and the server's own bind; above 23000, so neither
// Jamulus's default ports (22124, clients from 22134) collide. Port 0 when the range is too
// small or crowded.
std::uint16_t free_port_below_ephemeral(int type, bool also_tcp) {
    constexpr unsigned kLow = 23000;
    const unsigned high = ephemeral_low();
    if (high <= kLow + 100) {
        return 0;
    }
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<unsigned> pick(kLow, high - 1);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto candidate = static_cast<std::uint16_t>(pick(rng));
        std::uint16_t bound = 0;
        const int first = bind_loopback(type, candidate, bound);
        const int tcp = first >= 0 && also_tcp ? bind_loopback(SOCK_STREAM, candidate, bound) : -1;
        for (int fd : {first, tcp}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
        if (first >= 0 && (!also_tcp || tcp >= 0)) {
            return candidate;
        }
    }
    return 0;
}

std::uint16_t free_port(int type) {
    if (const auto port = free_port_below_ephemeral(type, false); port != 0) {
        return port;
    }
    std::uint16_t port = 0;
    const int fd = bind_loopback(type, 0, port);
    if (fd < 0) {
        throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
    }
    ::close(fd);
    return port;
}

struct UdpSocketRow {
    std::uint16_t port;
    std::string inode;
};

std::vector<UdpSocketRow> udp_rows() {
    std::vector<UdpSocketRow> rows;
    std::ifstream in("/proc/net/udp");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode;
        const auto colon = local.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        rows.push_back(
            {static_cast<std::uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16)), inode});
    }
    return rows;
}

} // namespace

std::uint16_t free_udp_port() {
    return free_port(SOCK_DGRAM);
}
std::uint16_t free_tcp_port() {
    return free_port(SOCK_STREAM);
}

std::uint16_t free_udp_and_tcp_port() {
    if (const auto port = free_port_below_ephemeral(SOCK_DGRAM, true); port != 0) {
        return port;
    }
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::uint16_t port = 0;
        const int udp = bind_loopback(SOCK_DGRAM, 0, port);
        std::uint16_t same = 0;
        const int tcp = udp < 0 ? -1 : bind_loopback(SOCK_STREAM, port, same);
        for (int fd : {udp, tcp}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
        if (tcp >= 0) {
            return port;
        }
    }
    throw std::runtime_error("no port free for both UDP and TCP after 100 attempts");
}

std::vector<std::uint16_t> udp_ports_of(pid_t pid) {
    std::set<std::string> inodes;
    std::error_code error;
    const auto fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    for (const auto& entry : std::filesystem::directory_iterator(fd_dir, error)) {
        const auto target = std::filesystem::read_symlink(entry.path(), error).string();
        if (!error && target.starts_with("socket:[")) {
            inodes.insert(target.substr(8, target.size() - 9));
        }
    }
    std::vector<std::uint16_t> ports;
    for (const auto& row : udp_rows()) {
        if (inodes.contains(row.inode)) {
            ports.push_back(row.port);
        }
    }
    return ports;
}

bool udp_port_bound(std::uint16_t port) {
    for (const auto& row : udp_rows()) {
        if (row.port == port) {
            return true;
        }
    }
    return false;
}

UdpProbe::UdpProbe(std::uint16_t port) {
    fd_ = bind_loopback(SOCK_DGRAM, port, port_);
    if (fd_ < 0) {
        throw std::runtime_error("bind udp 127.0.0.1:" + std::to_string(port) + ": " +
                                 std::strerror(errno));
    }
}

UdpProbe::~UdpProbe() {
    ::close(fd_);
}

void UdpProbe::send_to(std::uint16_t port, std::span<const std::uint8_t> bytes) {
    const auto address = loopback(port);
    if (::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&address),
                 sizeof address) != static_cast<ssize_t>(bytes.size())) {
        throw std::runtime_error("send udp to 127.0.0.1:" + std::to_string(port) + ": " +
                                 std::strerror(errno));
    }
}

std::optional<Datagram> UdpProbe::receive(std::chrono::milliseconds timeout) {
    pollfd watch{fd_, POLLIN, 0};
    if (::poll(&watch, 1, static_cast<int>(timeout.count())) <= 0) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> buffer(65536);
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const auto n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                              reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0) {
        return std::nullopt;
    }
    buffer.resize(static_cast<std::size_t>(n));
    return Datagram{ntohs(from.sin_port), std::move(buffer)};
}

} // namespace jamfleet::interop
