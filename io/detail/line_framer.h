// io-internal, sans-I/O: splits a byte stream into lines with a bounded line
// length. LineStream feeds it what the socket delivers; the fuzz targets feed it
// arbitrary chunks. Knows nothing about sockets or libuv.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jamfleet::io::detail {

class LineFramer {
public:
    enum class Outcome {
        Ok,          // every complete line was delivered; a partial one is buffered
        Stopped,     // on_line asked to stop; the rest of the chunk is dropped
        LineTooLong, // a line (or an unterminated prefix) exceeded the limit
    };

    explicit LineFramer(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

    // Appends `bytes` and calls `on_line(std::string_view)` for every complete
    // line, without its '\n' and one trailing '\r'. `on_line` returns false to
    // stop (e.g. the connection closed). After LineTooLong the framer keeps
    // nothing and `oversize_bytes()` says how long the offending line was so far.
    template <typename OnLine>
    Outcome feed(std::string_view bytes, OnLine&& on_line) {
        pending_.append(bytes);
        std::size_t start = 0;
        Outcome outcome = Outcome::Ok;
        while (true) {
            const auto nl = pending_.find('\n', std::max(start, scanned_));
            if (nl == std::string::npos) {
                break;
            }
            std::string_view line(pending_.data() + start, nl - start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            start = nl + 1;
            if (line.size() > max_line_bytes_) {
                return too_long(line.size());
            }
            if (!on_line(line)) {
                outcome = Outcome::Stopped;
                break;
            }
        }
        if (outcome == Outcome::Stopped) {
            pending_.clear();
            scanned_ = 0;
            return outcome;
        }
        pending_.erase(0, start);
        scanned_ = pending_.size();
        // One more byte than the limit may still be a '\r' before the newline.
        if (pending_.size() > max_line_bytes_ + 1) {
            return too_long(pending_.size());
        }
        return Outcome::Ok;
    }

    std::size_t buffered_bytes() const { return pending_.size(); }
    std::size_t oversize_bytes() const { return oversize_bytes_; }
    std::size_t max_line_bytes() const { return max_line_bytes_; }

private:
    Outcome too_long(std::size_t bytes) {
        oversize_bytes_ = bytes;
        pending_.clear();
        pending_.shrink_to_fit();
        scanned_ = 0;
        return Outcome::LineTooLong;
    }

    std::size_t max_line_bytes_;
    std::string pending_;     // bytes received after the last newline
    std::size_t scanned_ = 0; // prefix of pending_ already known to hold no newline
    std::size_t oversize_bytes_ = 0;
};

} // namespace jamfleet::io::detail
