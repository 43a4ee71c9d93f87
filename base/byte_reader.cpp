// Little-endian decoding with bounds checks; see byte_reader.h.
#include "base/byte_reader.h"

namespace jamfleet::base {

std::optional<std::uint8_t> ByteReader::u8() {
    if (remaining() < 1)
        return std::nullopt;
    return bytes_[pos_++];
}

std::optional<std::uint16_t> ByteReader::u16() {
    if (remaining() < 2)
        return std::nullopt;
    auto v = static_cast<std::uint16_t>(bytes_[pos_] | (bytes_[pos_ + 1] << 8));
    pos_ += 2;
    return v;
}

std::optional<std::uint32_t> ByteReader::u32() {
    if (remaining() < 4)
        return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | bytes_[pos_ + static_cast<std::size_t>(i)];
    pos_ += 4;
    return v;
}

std::optional<std::int32_t> ByteReader::i32() {
    auto v = u32();
    if (!v)
        return std::nullopt;
    return static_cast<std::int32_t>(*v);
}

std::optional<std::span<const std::uint8_t>> ByteReader::bytes(std::size_t count) {
    if (remaining() < count)
        return std::nullopt;
    auto out = bytes_.subspan(pos_, count);
    pos_ += count;
    return out;
}

std::optional<std::string> ByteReader::str16() {
    auto len = u16();
    if (!len)
        return std::nullopt;
    auto raw = bytes(*len);
    if (!raw)
        return std::nullopt;
    return std::string(raw->begin(), raw->end());
}

std::optional<std::string> ByteReader::str8() {
    auto len = u8();
    if (!len)
        return std::nullopt;
    auto raw = bytes(*len);
    if (!raw)
        return std::nullopt;
    return std::string(raw->begin(), raw->end());
}

} // namespace jamfleet::base
