// Shared by the endpoint fuzz targets: feeds an input to io's LineFramer in
// chunks whose size the input chooses (as a socket may split it anywhere), with
// the endpoint's own line limit or a small one to reach the too-long path, and
// checks what every endpoint relies on: no line holds a newline or exceeds the
// limit, and nothing is delivered after a stop or an oversize line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/detail/line_framer.h"

namespace jamfleet::fuzz {

// `on_line(line)` returns false once the endpoint closed the connection.
template <typename OnLine>
void feed_lines(const std::uint8_t* data, std::size_t size, std::size_t endpoint_limit,
                OnLine&& on_line) {
    if (size < 2) {
        return;
    }
    const std::size_t chunk = 1 + data[0] % 64;
    const std::size_t limit = data[1] % 2 == 0 ? endpoint_limit : 1 + data[1] % 128;
    std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
    io::detail::LineFramer framer(limit);
    bool done = false;
    while (!input.empty() && !done) {
        const auto piece = input.substr(0, chunk);
        input.remove_prefix(piece.size());
        const auto outcome = framer.feed(piece, [&](std::string_view line) {
            if (done || line.size() > limit || line.find('\n') != std::string_view::npos) {
                std::abort();
            }
            done = !on_line(line);
            return !done;
        });
        if (outcome == io::detail::LineFramer::Outcome::LineTooLong) {
            if (framer.oversize_bytes() <= limit || framer.buffered_bytes() != 0) {
                std::abort();
            }
            done = true; // the server closes the connection
        }
        if (framer.buffered_bytes() > limit + 1) {
            std::abort();
        }
    }
}

} // namespace jamfleet::fuzz
