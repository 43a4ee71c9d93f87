// Little-endian encoding into a bounded buffer; see byte_writer.h.
#include "base/byte_writer.h"

#include <cstring>

namespace jamfleet::base {

bool ByteWriter::reserve(std::size_t n) {
    if (!ok_ || out_.size() - pos_ < n) {
        ok_ = false;
        return false;
    }
    return true;
}

void ByteWriter::u8(std::uint8_t v) {
    if (reserve(1))
        out_[pos_++] = v;
}

void ByteWriter::u16(std::uint16_t v) {
    if (!reserve(2))
        return;
    out_[pos_++] = static_cast<std::uint8_t>(v & 0xFF);
    out_[pos_++] = static_cast<std::uint8_t>(v >> 8);
}

void ByteWriter::u32(std::uint32_t v) {
    if (!reserve(4))
        return;
    for (int i = 0; i < 4; ++i)
        out_[pos_++] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF);
}

void ByteWriter::bytes(std::span<const std::uint8_t> data) {
    if (!reserve(data.size()))
        return;
    if (!data.empty())
        std::memcpy(out_.data() + pos_, data.data(), data.size());
    pos_ += data.size();
}

void ByteWriter::str16(std::string_view s) {
    if (s.size() > 0xFFFF) {
        ok_ = false;
        return;
    }
    u16(static_cast<std::uint16_t>(s.size()));
    bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

void ByteWriter::str8(std::string_view s) {
    if (s.size() > 0xFF) {
        ok_ = false;
        return;
    }
    u8(static_cast<std::uint8_t>(s.size()));
    bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

void ByteWriter::patch_u16(std::size_t at, std::uint16_t v) {
    if (at + 2 > pos_) {
        ok_ = false;
        return;
    }
    out_[at] = static_cast<std::uint8_t>(v & 0xFF);
    out_[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

} // namespace jamfleet::base
