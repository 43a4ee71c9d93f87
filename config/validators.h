// Pure checks for the value types a fleet file contains: IPv4 literals, CIDR
// ranges, DNS names, Jamulus name lengths and country codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::config {

// Parses a dotted-quad IPv4 literal (exactly four decimal parts 0..255, no leading
// zeros beyond "0"); returns the address in host byte order.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

bool is_ipv4(std::string_view text);
// An IPv6 address in text form ("::", "2001:db8::1"), without brackets.
bool is_ipv6(std::string_view text);

// Checks an `a.b.c.d/n` range; returns an empty string when valid, otherwise why not.
std::string cidr_problem(std::string_view text);

// Checks a host name against DNS rules (RFC 1035 letters-digits-hyphen labels of
// 1..63 bytes, 253 bytes in all, at least one dot unless `allow_single_label`; an
// optional trailing dot). Returns an empty string when valid, otherwise why not.
std::string dns_name_problem(std::string_view name, bool allow_single_label = false);

// The length Jamulus compares against its limits: UTF-16 code units of the UTF-8
// text, or nullopt when the text is not valid UTF-8.
std::optional<std::size_t> utf16_length(std::string_view utf8);

// Normalizes a country given as a two-letter ISO 3166 code (any case) or a Qt 5
// QLocale::Country number; returns nullopt when it is neither. ISO codes come back
// upper-case, numbers in canonical decimal form.
std::optional<std::string> normalize_country(std::string_view text);

// A Jamulus version "x.y.z" (one to four numeric parts).
bool is_version(std::string_view text);

} // namespace jamfleet::config
