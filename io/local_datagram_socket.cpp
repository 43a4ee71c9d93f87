// LocalDatagramSocket: AF_UNIX SOCK_DGRAM with plain POSIX calls.
#include "io/local_datagram_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "io/udp_socket.h"

namespace jamfleet::io {
namespace {

bool to_sockaddr(const std::string& path, sockaddr_un& sa) {
    sa = sockaddr_un{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof sa.sun_path) {
        return false;
    }
    std::memcpy(sa.sun_path, path.data(), path.size());
    return true;
}

} // namespace

base::Result<LocalDatagramSocket, std::string> LocalDatagramSocket::bind(const std::string& path) {
    const std::string what = "bind local datagram socket " + path + ": ";
    sockaddr_un sa{};
    if (!to_sockaddr(path, sa)) {
        return base::Err{what + "path too long"};
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return base::Err{what + errno_text(errno)};
    }
    ::unlink(path.c_str()); // left over by a process that did not exit cleanly
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        const int err = errno;
        ::close(fd);
        return base::Err{what + errno_text(err)};
    }
    return LocalDatagramSocket(fd, path);
}

base::Result<LocalDatagramSocket, std::string> LocalDatagramSocket::open() {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return base::Err{"open local datagram socket: " + errno_text(errno)};
    }
    return LocalDatagramSocket(fd, {});
}

LocalDatagramSocket::LocalDatagramSocket(LocalDatagramSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {
    other.path_.clear();
}

LocalDatagramSocket& LocalDatagramSocket::operator=(LocalDatagramSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
        other.path_.clear();
    }
    return *this;
}

LocalDatagramSocket::~LocalDatagramSocket() {
    close();
}

void LocalDatagramSocket::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!path_.empty()) {
        ::unlink(path_.c_str());
        path_.clear();
    }
}

std::size_t LocalDatagramSocket::receive(std::span<std::uint8_t> buffer) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n <= 0 || static_cast<std::size_t>(n) > buffer.size()) {
        return 0;
    }
    return static_cast<std::size_t>(n);
}

bool LocalDatagramSocket::send_to(const std::string& path, std::span<const std::uint8_t> data) {
    sockaddr_un sa{};
    if (!to_sockaddr(path, sa)) {
        return false;
    }
    const ssize_t n = ::sendto(fd_, data.data(), data.size(), MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
    return n == static_cast<ssize_t>(data.size());
}

} // namespace jamfleet::io
