// ByteReader/ByteWriter: little-endian layout and bounds behaviour.
#include <array>
#include <gtest/gtest.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

using namespace jamfleet::base;

TEST(ByteReader, ReadsLittleEndian) {
    const std::array<std::uint8_t, 7> data{0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xAB};
    ByteReader r(data);
    EXPECT_EQ(r.u16(), 0x1234);
    EXPECT_EQ(r.u32(), 0x12345678u);
    EXPECT_EQ(r.u8(), 0xAB);
    EXPECT_TRUE(r.at_end());
    EXPECT_FALSE(r.u8().has_value());
}

TEST(ByteReader, RejectsTruncatedString) {
    const std::array<std::uint8_t, 4> data{0x05, 0x00, 'a', 'b'};
    ByteReader r(data);
    EXPECT_FALSE(r.str16().has_value());
}

TEST(ByteWriter, WritesAndFailsPastEnd) {
    std::array<std::uint8_t, 5> out{};
    ByteWriter w(out);
    w.u16(0xBEEF);
    w.str16("a");
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.size(), 5u);
    EXPECT_EQ(out[0], 0xEF);
    EXPECT_EQ(out[1], 0xBE);
    EXPECT_EQ(out[4], 'a');
    w.u8(1);
    EXPECT_FALSE(w.ok());
}
