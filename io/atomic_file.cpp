#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jamfleet::io {

base::Status<std::string> write_file_atomically(const std::string& path, std::string_view text) {
    using base::Err;
    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return Err{temp + ": " + std::strerror(errno)};
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            return Err{temp + ": " + std::strerror(saved)};
        }
        done += static_cast<std::size_t>(n);
    }
    // Data on disk before the rename makes it visible: a crash leaves the old or the new file.
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!synced || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = synced ? errno : saved;
        ::unlink(temp.c_str());
        return Err{path + ": " + std::strerror(err)};
    }
    return base::kOk;
}

} // namespace jamfleet::io
