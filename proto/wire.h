// Internal helpers shared by the message codecs: a growing payload writer and
// limit-checking string reads. Not part of the proto API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "base/result.h"
#include "proto/decode_error.h"
#include "proto/text.h"

namespace jamfleet::proto::wire {

class PayloadWriter {
public:
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v & 0xFF));
        u8(static_cast<std::uint8_t>(v >> 8));
    }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            u8(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
        }
    }
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void bytes(const std::vector<std::uint8_t>& data) {
        out_.insert(out_.end(), data.begin(), data.end());
    }
    // Strings are clipped to the receiver's limit: Jamulus drops a whole message
    // whose string is over it, so a shortened name beats a lost message.
    void str16(std::string_view s, std::size_t max_units) {
        const std::string clipped = truncate_utf16(s, max_units, 0xFFFF);
        u16(static_cast<std::uint16_t>(clipped.size()));
        out_.insert(out_.end(), clipped.begin(), clipped.end());
    }
    void str8(std::string_view s, std::size_t max_units) {
        const std::string clipped = truncate_utf16(s, max_units, 0xFF);
        u8(static_cast<std::uint8_t>(clipped.size()));
        out_.insert(out_.end(), clipped.begin(), clipped.end());
    }
    std::vector<std::uint8_t> take() { return std::move(out_); }

private:
    std::vector<std::uint8_t> out_;
};

// Checks a decoded string against its limit in UTF-16 units.
inline base::Result<std::string, DecodeError> check_string(std::optional<std::string> raw,
                                                           std::size_t max_units) {
    if (!raw) {
        return base::Err{DecodeError::Truncated};
    }
    const auto units = utf16_length(*raw);
    if (!units) {
        return base::Err{DecodeError::BadValue};
    }
    if (*units > max_units) {
        return base::Err{DecodeError::StringTooLong};
    }
    return std::move(*raw);
}

inline base::Result<std::string, DecodeError> read_str16(base::ByteReader& r,
                                                         std::size_t max_units) {
    return check_string(r.str16(), max_units);
}

inline base::Result<std::string, DecodeError> read_str8(base::ByteReader& r,
                                                        std::size_t max_units) {
    return check_string(r.str8(), max_units);
}

} // namespace jamfleet::proto::wire
