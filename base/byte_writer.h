// Little-endian writer into a caller-owned buffer. Writing past the end marks
// the writer failed instead of overflowing, so encoders can check once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace jamfleet::base {

class ByteWriter {
public:
    explicit ByteWriter(std::span<std::uint8_t> out) : out_(out) {}

    void u8(std::uint8_t v);
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void bytes(std::span<const std::uint8_t> data);
    // Length-prefixed strings; a string longer than the prefix can express fails the writer.
    void str16(std::string_view s);
    void str8(std::string_view s);

    std::size_t size() const { return pos_; }
    bool ok() const { return ok_; }
    std::span<std::uint8_t> written() const { return out_.first(pos_); }
    // Overwrites two bytes at an earlier position (for length fields known only later).
    void patch_u16(std::size_t at, std::uint16_t v);

private:
    bool reserve(std::size_t n);

    std::span<std::uint8_t> out_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

} // namespace jamfleet::base
