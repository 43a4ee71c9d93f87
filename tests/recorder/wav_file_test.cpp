// Tests of WAV writing: header layout, sizes after a clean close, and what a crash
// (no finalize) leaves behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "recorder/wav_file.h"
#include "tests/recorder/test_util.h"

namespace jamfleet::recorder {
namespace {

TEST(WavHeader, DescribesSixteenBitPcmAt48kHz) {
    const auto h = make_wav_header(2, 1000);
    ASSERT_EQ(h.size(), kWavHeaderBytes);
    EXPECT_EQ(std::string(h.begin(), h.begin() + 4), "RIFF");
    EXPECT_EQ(test::u32_at(h, 4), 1036u);
    EXPECT_EQ(std::string(h.begin() + 8, h.begin() + 16), "WAVEfmt ");
    EXPECT_EQ(test::u32_at(h, 16), 16u);
    EXPECT_EQ(test::u16_at(h, 20), 1u);      // PCM
    EXPECT_EQ(test::u16_at(h, 22), 2u);      // channels
    EXPECT_EQ(test::u32_at(h, 24), 48000u);  // sample rate
    EXPECT_EQ(test::u32_at(h, 28), 192000u); // byte rate
    EXPECT_EQ(test::u16_at(h, 32), 4u);      // block align
    EXPECT_EQ(test::u16_at(h, 34), 16u);     // bits
    EXPECT_EQ(std::string(h.begin() + 36, h.begin() + 40), "data");
    EXPECT_EQ(test::u32_at(h, 40), 1000u);
}

TEST(WavFile, CleanCloseWritesFinalSizes) {
    test::TempDir dir;
    const std::string path = dir.path() + "/a.wav";
    auto file = WavFile::create(path, 1);
    ASSERT_TRUE(file) << file.error();
    const std::vector<std::int16_t> samples = {1, -2, 300, -32768, 32767};
    ASSERT_TRUE(file->append(samples));
    ASSERT_TRUE(file->append_silence(3));
    ASSERT_TRUE(file->finalize());
    const auto bytes = test::read_file(path);
    ASSERT_EQ(bytes.size(), 44u + 16u);
    EXPECT_EQ(test::u32_at(bytes, 4), bytes.size() - 8);
    EXPECT_EQ(test::u32_at(bytes, 40), bytes.size() - 44);
    EXPECT_EQ(static_cast<std::int16_t>(test::u16_at(bytes, 44)), 1);
    EXPECT_EQ(static_cast<std::int16_t>(test::u16_at(bytes, 46)), -2);
    EXPECT_EQ(static_cast<std::int16_t>(test::u16_at(bytes, 50)), -32768);
    EXPECT_EQ(test::u16_at(bytes, 58), 0u);
}

TEST(WavFile, NeverOverwritesAnExistingFile) {
    test::TempDir dir;
    const std::string path = dir.path() + "/a.wav";
    std::ofstream(path) << "keep";
    auto file = WavFile::create(path, 1);
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().find(path), std::string::npos);
    EXPECT_EQ(test::read_file(path).size(), 4u);
}

TEST(WavFile, CrashAfterSyncLeavesHeaderMatchingData) {
    test::TempDir dir;
    const std::string path = dir.path() + "/a.wav";
    {
        auto file = WavFile::create(path, 2);
        ASSERT_TRUE(file);
        const std::vector<std::int16_t> frame(256, 7);
        for (int i = 0; i < 10; ++i) {
            ASSERT_TRUE(file->append(frame));
        }
        ASSERT_TRUE(file->sync_header());
        // Frames after the last sync may be lost or not counted, but the header
        // must never claim more than the file holds.
        ASSERT_TRUE(file->append(frame));
        // Destroyed without finalize: what a kill -9 leaves.
    }
    const auto bytes = test::read_file(path);
    EXPECT_EQ(test::u32_at(bytes, 40), 10u * 512u);
    EXPECT_EQ(test::u32_at(bytes, 4), 36u + 10u * 512u);
    EXPECT_GE(bytes.size() - 44, test::u32_at(bytes, 40));
}

TEST(WavFile, LargeAppendsReachTheDiskBeforeSync) {
    test::TempDir dir;
    const std::string path = dir.path() + "/a.wav";
    auto file = WavFile::create(path, 1);
    ASSERT_TRUE(file);
    const std::vector<std::int16_t> frame(128, 1);
    for (int i = 0; i < 400; ++i) { // 100 KiB: more than the write buffer
        ASSERT_TRUE(file->append(frame));
    }
    EXPECT_GE(std::filesystem::file_size(path), 44u + 64u * 1024u);
    EXPECT_EQ(file->data_bytes(), 400u * 256u);
}

} // namespace
} // namespace jamfleet::recorder
