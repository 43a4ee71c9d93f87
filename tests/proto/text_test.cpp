// Tests for UTF-16 unit counting and truncation of wire strings.
#include <gtest/gtest.h>

#include "proto/text.h"

namespace jamfleet::proto {
namespace {

TEST(Utf16Length, CountsAsciiOneUnitPerByte) {
    EXPECT_EQ(utf16_length("Berlin"), 6u);
}

TEST(Utf16Length, CountsTwoAndThreeByteSequencesAsOneUnit) {
    EXPECT_EQ(utf16_length("K\xC3\xB6ln"), 4u);  // Köln: 5 bytes, 4 units
    EXPECT_EQ(utf16_length("\xE2\x82\xAC"), 1u); // € : 3 bytes, 1 unit
}

TEST(Utf16Length, CountsSupplementaryCodePointsAsTwoUnits) {
    EXPECT_EQ(utf16_length("\xF0\x9F\x8E\xB8"), 2u); // 🎸 : 4 bytes, surrogate pair
}

TEST(Utf16Length, RejectsInvalidUtf8) {
    EXPECT_FALSE(utf16_length("\xC3").has_value());             // cut sequence
    EXPECT_FALSE(utf16_length("\x80").has_value());             // lone continuation
    EXPECT_FALSE(utf16_length("\xC0\xAF").has_value());         // overlong '/'
    EXPECT_FALSE(utf16_length("\xED\xA0\x80").has_value());     // UTF-16 surrogate
    EXPECT_FALSE(utf16_length("\xF4\x90\x80\x80").has_value()); // above U+10FFFF
    EXPECT_FALSE(utf16_length("\xFF").has_value());
}

TEST(TruncateUtf16, KeepsStringsWithinTheLimit) {
    EXPECT_EQ(truncate_utf16("Berlin", 20), "Berlin");
}

TEST(TruncateUtf16, CutsAtCodePointBoundary) {
    // 15 ASCII + one 4-byte code point (2 units) = 17 units; limit 16 drops the guitar.
    const std::string name = std::string(15, 'a') + "\xF0\x9F\x8E\xB8";
    EXPECT_EQ(truncate_utf16(name, 16), std::string(15, 'a'));
    EXPECT_EQ(truncate_utf16(name, 17), name);
}

TEST(TruncateUtf16, HonoursByteLimit) {
    EXPECT_EQ(truncate_utf16("\xC3\xB6\xC3\xB6", 10, 3), "\xC3\xB6");
}

} // namespace
} // namespace jamfleet::proto
