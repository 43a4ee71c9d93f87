// sd_notify(3) by hand; see systemd_notify.h for why.
#include "orchestrator/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace jamfleet::orchestrator {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

// $WATCHDOG_USEC applies to us only when $WATCHDOG_PID is unset or our PID (a
// child that inherited the environment must not think it is watched).
std::optional<std::chrono::microseconds> watchdog_from_environment() {
    const std::string usec = env("WATCHDOG_USEC");
    if (usec.empty()) {
        return std::nullopt;
    }
    if (const std::string pid = env("WATCHDOG_PID");
        !pid.empty() && pid != std::to_string(::getpid())) {
        return std::nullopt;
    }
    char* end = nullptr;
    const unsigned long long value = std::strtoull(usec.c_str(), &end, 10);
    if (end == usec.c_str() || *end != '\0' || value == 0) {
        return std::nullopt;
    }
    return std::chrono::microseconds(value);
}

} // namespace

SystemdNotify SystemdNotify::from_environment() {
    return SystemdNotify(env("NOTIFY_SOCKET"), watchdog_from_environment());
}

SystemdNotify::SystemdNotify(std::string socket_path,
                             std::optional<std::chrono::microseconds> watchdog)
    : socket_path_(std::move(socket_path)), watchdog_(watchdog) {}

base::Status<std::string> SystemdNotify::send(std::string_view state) const {
    if (!enabled()) {
        return base::kOk;
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof address.sun_path ||
        (socket_path_[0] != '/' && socket_path_[0] != '@')) {
        return base::Err{"NOTIFY_SOCKET " + socket_path_ + ": not a unix socket path"};
    }
    std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
    socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
    if (socket_path_[0] == '@') {
        address.sun_path[0] = '\0'; // abstract namespace: no terminating NUL counted
    } else {
        length += 1;
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return base::Err{std::string("notify socket: ") + std::strerror(errno)};
    }
    const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    const int error = errno;
    ::close(fd);
    if (sent < 0) {
        return base::Err{"notify " + socket_path_ + ": " + std::strerror(error)};
    }
    return base::kOk;
}

std::string SystemdNotify::ready(std::string_view status) {
    return "READY=1\nSTATUS=" + std::string(status);
}

std::string SystemdNotify::reloading(std::chrono::microseconds monotonic_now) {
    // systemd 253+ wants MONOTONIC_USEC with RELOADING=1; older ones ignore it.
    return "RELOADING=1\nSTATUS=reloading the fleet file\nMONOTONIC_USEC=" +
           std::to_string(monotonic_now.count());
}

std::string SystemdNotify::stopping() {
    return "STOPPING=1\nSTATUS=stopping the fleet";
}

std::string SystemdNotify::watchdog() {
    return "WATCHDOG=1";
}

} // namespace jamfleet::orchestrator
