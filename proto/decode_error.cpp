// Printable decode error names, for logs and counters.
#include "proto/decode_error.h"

namespace jamfleet::proto {

std::string_view to_string(DecodeError error) {
    switch (error) {
    case DecodeError::WrongSize:
        return "wrong_size";
    case DecodeError::Truncated:
        return "truncated";
    case DecodeError::TrailingBytes:
        return "trailing_bytes";
    case DecodeError::StringTooLong:
        return "string_too_long";
    case DecodeError::BadValue:
        return "bad_value";
    }
    return "unknown";
}

} // namespace jamfleet::proto
