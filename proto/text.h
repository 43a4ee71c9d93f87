// Wire string rules: Jamulus limits strings in UTF-16 code units of the decoded
// text, not in bytes (docs/protocol.md §1.6).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::proto {

// Receiver limits in UTF-16 code units (global.h constants).
constexpr std::size_t kMaxFaderTagUnits = 16;   // MAX_LEN_FADER_TAG: channel name
constexpr std::size_t kMaxCityUnits = 20;       // MAX_LEN_SERVER_CITY
constexpr std::size_t kMaxServerNameUnits = 20; // MAX_LEN_SERVER_NAME
constexpr std::size_t kMaxIpAddressUnits = 15;  // MAX_LEN_IP_ADDRESS
// MAX_LEN_VERSION_TEXT: 30 up to Jamulus 3.11, 50 since 3.12.0 (src/global.h at tag r3_12_4,
// jamulussoftware/jamulus PR #3657), whose dev builds send ~35-unit versions. We accept 50; what
// we send ourselves stays within 30 (kMaxSentVersionUnits) so 3.9-3.11 peers never drop it.
constexpr std::size_t kMaxVersionUnits = 50;
constexpr std::size_t kMaxSentVersionUnits = 30;
constexpr std::size_t kMaxChatTextUnits = 1800; // MAX_LEN_CHAT_TEXT_PLUS_HTML, as received
constexpr std::size_t kMaxChatUserUnits = 1600; // MAX_LEN_CHAT_TEXT, what senders allow users

// Number of UTF-16 code units the UTF-8 text decodes to; nullopt when it is not
// valid UTF-8 (overlong forms, surrogates, values above U+10FFFF, cut sequences).
std::optional<std::size_t> utf16_length(std::string_view utf8);

// Longest prefix of `utf8` that ends on a code point boundary and has at most
// `max_units` UTF-16 code units and `max_bytes` bytes. An invalid byte counts
// as one unit (Qt decodes it to U+FFFD), so the result is always well defined.
std::string truncate_utf16(std::string_view utf8, std::size_t max_units,
                           std::size_t max_bytes = std::string_view::npos);

} // namespace jamfleet::proto
