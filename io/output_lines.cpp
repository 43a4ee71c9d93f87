// OutputLines: read(2) into a partial-line buffer, one callback per '\n'.
#include "io/output_lines.h"

#include <unistd.h>

#include <cerrno>

namespace jamfleet::io {

OutputLines::OutputLines(Loop& loop, int fd, std::function<void(std::string_view line)> on_line)
    : fd_(fd), on_line_(std::move(on_line)) {
    watcher_ = std::make_unique<FdWatcher>(loop, fd_, [this] { on_readable(); });
}

OutputLines::~OutputLines() {
    watcher_.reset();
    close_fd();
}

void OutputLines::close_fd() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void OutputLines::emit(std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (on_line_) {
        on_line_(line);
    }
}

void OutputLines::on_readable() {
    drain();
}

void OutputLines::drain() {
    char buffer[8192];
    while (fd_ >= 0) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        if (n <= 0) {
            // Every writer has gone (or the fd broke): flush and stop watching,
            // or a hung-up FIFO would report readable forever.
            if (!partial_.empty()) {
                emit(partial_);
                partial_.clear();
            }
            watcher_->stop();
            close_fd();
            return;
        }
        std::string_view chunk(buffer, static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            const auto newline = chunk.find('\n');
            const std::size_t take = newline == std::string_view::npos ? chunk.size() : newline;
            const std::size_t room = kMaxLine - partial_.size();
            partial_.append(chunk.substr(0, std::min(take, room)));
            if (newline != std::string_view::npos || partial_.size() >= kMaxLine) {
                emit(partial_);
                partial_.clear();
            }
            chunk.remove_prefix(newline == std::string_view::npos ? take : newline + 1);
        }
    }
}

} // namespace jamfleet::io
