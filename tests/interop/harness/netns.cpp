// enter_private_network_namespace: unshare + SIOCSIFFLAGS on lo, without calling `ip`.
#include "tests/interop/harness/netns.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string_view>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace jamfleet::interop {
namespace {

std::string errno_text(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

bool write_file(const char* path, std::string_view text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

// Without root, a user namespace that maps our uid to root grants CAP_NET_ADMIN over the new
// network namespace (jackd then runs without realtime priority).
std::string unshare_as_user() {
    const auto uid = std::to_string(::getuid());
    const auto gid = std::to_string(::getgid());
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return errno_text("unshare(CLONE_NEWUSER|CLONE_NEWNET)");
    }
    write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/uid_map", "0 " + uid + " 1") ||
        !write_file("/proc/self/gid_map", "0 " + gid + " 1")) {
        return errno_text("write uid_map/gid_map");
    }
    return {};
}

} // namespace

bool shared_network_namespace_requested() {
    const char* value = std::getenv("JAMFLEET_INTEROP_SHARED_NETNS");
    return value != nullptr && std::string_view(value) == "1";
}

std::string enter_private_network_namespace() {
    if (::unshare(CLONE_NEWNET) != 0) {
        const std::string first = errno_text("unshare(CLONE_NEWNET)");
        if (auto error = unshare_as_user(); !error.empty()) {
            return first + "; " + error;
        }
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno_text("socket");
    }
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    std::string error;
    if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
        error = errno_text("SIOCGIFFLAGS lo");
    } else {
        request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
        if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
            error = errno_text("SIOCSIFFLAGS lo up");
        }
    }
    ::close(fd);
    return error;
}

} // namespace jamfleet::interop
