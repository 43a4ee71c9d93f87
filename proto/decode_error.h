// Why a message payload was rejected; every decoder reports one of these
// instead of throwing or reading past the end.
#pragma once

#include <string_view>

namespace jamfleet::proto {

enum class DecodeError {
    WrongSize,     // a fixed-size message had another size
    Truncated,     // the payload ended inside a field
    TrailingBytes, // bytes left after the last field
    StringTooLong, // a string over its limit in UTF-16 code units (§1.6)
    BadValue,      // a field outside its valid range, or invalid UTF-8
};

std::string_view to_string(DecodeError error);

} // namespace jamfleet::proto
