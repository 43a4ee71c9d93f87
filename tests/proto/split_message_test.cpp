// Tests for the SPECIAL_SPLIT_MESSAGE container and payload splitting (§2.4).
#include <gtest/gtest.h>

#include "proto/split_message.h"
#include "tests/proto/hex.h"

namespace jamfleet::proto {
namespace {

using test::to_hex;

TEST(SplitPart, EncodesHeaderThenData) {
    const SplitPart part{18, 3, 1, {0xAA, 0xBB}};
    EXPECT_EQ(to_hex(encode_payload(part)), "12 00 03 01 aa bb");
}

TEST(SplitPart, RoundTripsIncludingEmptyData) {
    for (const SplitPart& part : {SplitPart{18, 3, 2, {1, 2, 3}}, SplitPart{24, 1, 0, {}}}) {
        auto decoded = decode_split_part(encode_payload(part));
        ASSERT_TRUE(decoded.ok());
        EXPECT_EQ(*decoded, part);
    }
}

TEST(SplitPart, RejectsPayloadShorterThanHeader) {
    for (std::size_t n = 0; n < kSplitHeaderBytes; ++n) {
        auto decoded = decode_split_part(Bytes(n, 1));
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error(), DecodeError::Truncated);
    }
}

TEST(SplitPayload, SplitsChatOf1252BytesInto550And550And152) {
    // Matches the verified 3.9.1 capture in §2.4.
    const Bytes payload(1252, 0x41);
    const auto parts = split_payload(18, payload);
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].data.size(), 550u);
    EXPECT_EQ(parts[1].data.size(), 550u);
    EXPECT_EQ(parts[2].data.size(), 152u);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        EXPECT_EQ(parts[i].original_id, 18);
        EXPECT_EQ(parts[i].num_parts, 3);
        EXPECT_EQ(parts[i].part_index, i);
    }
    EXPECT_EQ(encode_payload(parts[0]).size() + 9, 563u);
    EXPECT_EQ(encode_payload(parts[2]).size() + 9, 165u);
}

TEST(SplitPayload, ExactMultipleHasNoEmptyTail) {
    const auto parts = split_payload(24, Bytes(1100, 1));
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[1].data.size(), 550u);
}

} // namespace
} // namespace jamfleet::proto
