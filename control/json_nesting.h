// A guard for untrusted JSON lines: nlohmann::json parses nesting iteratively but
// dumps (and some handlers walk) it recursively, so a 64 KiB line of '[' would
// echo back through tens of thousands of stack frames. Requests never nest deep.
#pragma once

#include <cstddef>
#include <string_view>

namespace jamfleet::control {

// Deeper than any request of ours or of Jamulus's JSON-RPC.
inline constexpr std::size_t kMaxJsonNesting = 64;

// True when no '[' or '{' outside a string nests deeper than `max_depth`. Does not
// validate the JSON; the parser does that afterwards.
bool json_nesting_within(std::string_view text, std::size_t max_depth = kMaxJsonNesting);

} // namespace jamfleet::control
