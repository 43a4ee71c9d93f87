// Tests of the recorder's file and folder names against names observed from a real
// Jamulus 3.9.1 server (docs/protocol.md §7.3).
#include <gtest/gtest.h>

#include "recorder/naming.h"

namespace jamfleet::recorder {
namespace {

constexpr std::uint32_t kLoopback = 0x7f000001;

TEST(WavFileStem, EmptyNameIsFourUnderscoresAsObserved) {
    EXPECT_EQ(wav_file_stem("", kLoopback, 53118, 0, 1) + ".wav", "____-127_0_0_1_53118-0-1.wav");
}

TEST(WavFileStem, ShortNameIsPaddedAsObserved) {
    EXPECT_EQ(wav_file_stem("Bob", kLoopback, 53186, 16846, 1) + ".wav",
              "Bob_-127_0_0_1_53186-16846-1.wav");
    EXPECT_EQ(wav_file_stem("C", kLoopback, 42178, 24383, 1) + ".wav",
              "C___-127_0_0_1_42178-24383-1.wav");
}

TEST(WavFileStem, StereoCountsTwoChannels) {
    EXPECT_EQ(wav_file_stem("Alice", kLoopback, 1, 7, 2), "Alice-127_0_0_1_1-7-2");
}

TEST(ClientTrackName, PunctuationBecomesUnderscoreAsObserved) {
    EXPECT_EQ(client_track_name("Alice-with-a-ver", kLoopback, 53118),
              "Alice_with_a_ver-127_0_0_1_53118");
}

TEST(MapClientName, AccentedLettersLoseTheirAccent) {
    EXPECT_EQ(map_client_name("Jürgen Ærø"), "Jurgen_Aro");
    EXPECT_EQ(map_client_name("Ça"), "Ca__");
    EXPECT_EQ(map_client_name("ÿ"), "y___");
}

TEST(MapClientName, SuperscriptsMicroAndTimesMapToAscii) {
    EXPECT_EQ(map_client_name("x²³¹µ×"), "x231ux");
}

TEST(MapClientName, CharactersOutsideLatin1CountPerUtf16Unit) {
    EXPECT_EQ(map_client_name("€"), "____");
    // A character outside the BMP is a surrogate pair: two units, two underscores.
    EXPECT_EQ(map_client_name("a🎸b"), "a__b");
    EXPECT_EQ(map_client_name("Ωmega"), "_mega");
}

TEST(MapClientName, LongNamesAreNotTruncated) {
    EXPECT_EQ(map_client_name("ABCDEFGHIJKLMNOPQRST"), "ABCDEFGHIJKLMNOPQRST");
}

TEST(MapClientAddress, HidesLastOctetExceptLoopback) {
    EXPECT_EQ(map_client_address(0xc0a80117, 54321), "192_168_1_x_54321");
    EXPECT_EQ(map_client_address(kLoopback, 22134), "127_0_0_1_22134");
}

TEST(SessionDirName, IsUtcWithMilliseconds) {
    // 2024-09-21 09:33:04.123 UTC
    const auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1726911184123));
    EXPECT_EQ(session_dir_name(t), "Jam-20240921-093304123");
}

TEST(SecondsAt48k, PrintsFourteenDecimalsAsObserved) {
    EXPECT_EQ(seconds_at_48k(16846, 128), "44.92266666666666");
    EXPECT_EQ(seconds_at_48k(0, 128), "0.00000000000000");
    EXPECT_EQ(seconds_at_48k(375, 64), "0.50000000000000");
}

} // namespace
} // namespace jamfleet::recorder
