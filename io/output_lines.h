// A child's output (a pipe or FIFO read end) split into lines for the
// supervisor. Non-blocking reads on the loop; drain() reads what is buffered in
// the kernel right away (used when the child exited, so its last words are seen
// before its exit is handled). Lines longer than kMaxLine are cut there.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/fd_watcher.h"
#include "io/loop.h"

namespace jamfleet::io {

class OutputLines {
public:
    static constexpr std::size_t kMaxLine = 64 * 1024;

    // Takes ownership of `fd` (must be O_NONBLOCK) and starts reading.
    OutputLines(Loop& loop, int fd, std::function<void(std::string_view line)> on_line);
    ~OutputLines();
    OutputLines(const OutputLines&) = delete;
    OutputLines& operator=(const OutputLines&) = delete;

    // Reads until the fd would block or ends; a trailing partial line is
    // delivered when the writer has gone.
    void drain();

private:
    void on_readable();
    void emit(std::string_view line);
    void close_fd();

    int fd_;
    std::function<void(std::string_view)> on_line_;
    std::string partial_;
    std::unique_ptr<FdWatcher> watcher_;
};

} // namespace jamfleet::io
