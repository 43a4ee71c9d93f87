// Bounds-checked little-endian reader over untrusted bytes: every read reports
// failure instead of reading past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace jamfleet::base {

class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - pos_; }
    std::size_t position() const { return pos_; }
    bool at_end() const { return pos_ == bytes_.size(); }

    std::optional<std::uint8_t> u8();
    std::optional<std::uint16_t> u16();
    std::optional<std::uint32_t> u32();
    std::optional<std::int32_t> i32();
    // Takes `count` raw bytes.
    std::optional<std::span<const std::uint8_t>> bytes(std::size_t count);
    // A u16-length-prefixed (or u8 when `short_prefix`) byte string, returned as is.
    std::optional<std::string> str16();
    std::optional<std::string> str8();

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

} // namespace jamfleet::base
