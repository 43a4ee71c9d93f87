// Byte-exact tests of the Audacity .lof and REAPER .rpp files (§7.4, §7.5).
#include <gtest/gtest.h>

#include "recorder/project_files.h"
#include "tests/recorder/test_util.h"

namespace jamfleet::recorder {
namespace {

GuidGenerator counting_guids() {
    auto n = std::make_shared<int>(0);
    return [n] {
        char buf[48];
        std::snprintf(buf, sizeof buf, "{00000000-0000-0000-0000-%012d}", ++*n);
        return std::string(buf);
    };
}

SessionTracks scripted_tracks() {
    SessionTracks tracks;
    // Items in closing order within each track; tracks sorted by name by the map.
    tracks["Bob_-127_0_0_1_53186"].push_back(
        {16846, 300, "/rec/Jam-1/Bob_-127_0_0_1_53186-16846-1.wav"});
    tracks["Alice_with_a_ver-127_0_0_1_53118"].push_back(
        {0, 20000, "/rec/Jam-1/____-127_0_0_1_53118-0-1.wav"});
    tracks["Alice_with_a_ver-127_0_0_1_53118"].push_back(
        {20000, 375, "/rec/Jam-1/Alice_with_a_ver-127_0_0_1_53118-20000-2.wav"});
    return tracks;
}

TEST(RenderLof, ListsFilesByTrackNameWithFourteenDecimalOffsets) {
    EXPECT_EQ(render_lof(scripted_tracks(), 128),
              "file \"____-127_0_0_1_53118-0-1.wav\" offset 0.00000000000000\n"
              "file \"Alice_with_a_ver-127_0_0_1_53118-20000-2.wav\" offset 53.33333333333334\n"
              "file \"Bob_-127_0_0_1_53186-16846-1.wav\" offset 44.92266666666666\n");
}

TEST(RenderRpp, MatchesTheJamulusLayoutByteForByte) {
    const std::string expected =
        "<REAPER_PROJECT 0.1 \"5.0\" 1551567848\n"
        "  RECORD_PATH \"\" \"\"\n"
        "  SAMPLERATE 48000 0 0\n"
        "  TEMPO 120 4 4\n"
        "  <TRACK {00000000-0000-0000-0000-000000000001}\n"
        "    NAME Alice_with_a_ver-127_0_0_1_53118\n"
        "    TRACKID {00000000-0000-0000-0000-000000000001}\n"
        "    <ITEM \n"
        "      FADEIN 0 0 0 0 0 0\n"
        "      FADEOUT 0 0 0 0 0 0\n"
        "      POSITION 0.00000000000000\n"
        "      LENGTH 53.33333333333334\n"
        "      IGUID {00000000-0000-0000-0000-000000000002}\n"
        "      IID 0\n"
        "      NAME Alice_with_a_ver-127_0_0_1_53118 (1)\n"
        "      GUID {00000000-0000-0000-0000-000000000003}\n"
        "      <SOURCE WAVE\n"
        "        FILE \"/rec/Jam-1/____-127_0_0_1_53118-0-1.wav\"\n"
        "      >\n"
        "    >\n"
        "    <ITEM \n"
        "      FADEIN 0 0 0 0 0 0\n"
        "      FADEOUT 0 0 0 0 0 0\n"
        "      POSITION 53.33333333333334\n"
        "      LENGTH 1.00000000000000\n"
        "      IGUID {00000000-0000-0000-0000-000000000004}\n"
        "      IID 1\n"
        "      NAME Alice_with_a_ver-127_0_0_1_53118 (2)\n"
        "      GUID {00000000-0000-0000-0000-000000000005}\n"
        "      <SOURCE WAVE\n"
        "        FILE \"/rec/Jam-1/Alice_with_a_ver-127_0_0_1_53118-20000-2.wav\"\n"
        "      >\n"
        "    >\n"
        "  >\n"
        "  <TRACK {00000000-0000-0000-0000-000000000006}\n"
        "    NAME Bob_-127_0_0_1_53186\n"
        "    TRACKID {00000000-0000-0000-0000-000000000006}\n"
        "    <ITEM \n"
        "      FADEIN 0 0 0 0 0 0\n"
        "      FADEOUT 0 0 0 0 0 0\n"
        "      POSITION 44.92266666666666\n"
        "      LENGTH 0.80000000000000\n"
        "      IGUID {00000000-0000-0000-0000-000000000007}\n"
        "      IID 2\n"
        "      NAME Bob_-127_0_0_1_53186 (1)\n"
        "      GUID {00000000-0000-0000-0000-000000000008}\n"
        "      <SOURCE WAVE\n"
        "        FILE \"/rec/Jam-1/Bob_-127_0_0_1_53186-16846-1.wav\"\n"
        "      >\n"
        "    >\n"
        "  >\n"
        ">\n";
    EXPECT_EQ(render_rpp(scripted_tracks(), 128, counting_guids()), expected);
}

TEST(RandomGuid, IsBracedLowerCaseVersionFour) {
    const std::string g = random_guid();
    ASSERT_EQ(g.size(), 38u);
    EXPECT_EQ(g.front(), '{');
    EXPECT_EQ(g.back(), '}');
    EXPECT_EQ(g[9], '-');
    EXPECT_EQ(g[15], '4');
    for (char c : g) {
        EXPECT_TRUE(c == '{' || c == '}' || c == '-' || (c >= '0' && c <= '9') ||
                    (c >= 'a' && c <= 'f'))
            << g;
    }
    EXPECT_NE(random_guid(), g);
}

TEST(WriteNewFile, NeverOverwrites) {
    test::TempDir dir;
    const std::string path = dir.path() + "/s.lof";
    ASSERT_TRUE(write_new_file(path, "first"));
    EXPECT_FALSE(write_new_file(path, "second"));
    EXPECT_EQ(test::read_text(path), "first");
}

} // namespace
} // namespace jamfleet::recorder
