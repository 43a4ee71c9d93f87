// enter_private_dev_shm: a mount namespace whose /dev/shm is an empty tmpfs.
#include "tests/interop/harness/private_shm.h"

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>

namespace jamfleet::interop {
namespace {

std::string errno_text(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

} // namespace

std::string enter_private_dev_shm() {
    if (::unshare(CLONE_NEWNS) != 0) {
        return errno_text("unshare(CLONE_NEWNS)");
    }
    // Private propagation first, so the tmpfs below never appears in the machine's mount table.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        return errno_text("mount --make-rprivate /");
    }
    // Mode 1777 like the machine's /dev/shm: jackd and its clients create files there.
    if (::mount("jamfleet-shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0) {
        return errno_text("mount tmpfs /dev/shm");
    }
    return {};
}

} // namespace jamfleet::interop
