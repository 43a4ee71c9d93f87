// Import of a Jamulus --directoryfile (§6.6 format).
#include "directory/directory_file.h"

#include <gtest/gtest.h>

namespace jamfleet::directory {
namespace {

TEST(DirectoryFile, ReadsLinesAndRestoresTheListOrderJamulusHad) {
    // Jamulus writes last to first: this file came from the list [Reg1, Reg2].
    const auto contents =
        parse_directory_file("192.0.2.2:22600;10.1.2.3:22600;UmVnMg==;WGNpdHk=;225;10;0\n"
                             "127.0.0.1:40991;192.0.2.2:0;UmVnMQ==;;82;12;1\n");
    EXPECT_TRUE(contents.warnings.empty());
    ASSERT_EQ(contents.servers.size(), 2u);
    const auto& reg1 = contents.servers[0];
    EXPECT_EQ(reg1.host, (Address{0x7f000001, 40991}));
    EXPECT_EQ(reg1.info.internal, (Address{0xc0000202, 40991})); // port 0: host's port
    EXPECT_EQ(reg1.info.name, "Reg1");
    EXPECT_EQ(reg1.info.city, "");
    EXPECT_EQ(reg1.info.country, 82);
    EXPECT_EQ(reg1.info.max_clients, 12);
    EXPECT_TRUE(reg1.info.permanent);
    const auto& reg2 = contents.servers[1];
    EXPECT_EQ(reg2.info.name, "Reg2");
    EXPECT_EQ(reg2.info.city, "Xcity");
    EXPECT_EQ(reg2.info.country, 225);
    EXPECT_FALSE(reg2.info.permanent);
}

TEST(DirectoryFile, SkipsBadLinesWithAWarningEach) {
    const auto contents = parse_directory_file("1.2.3.4:1;1.2.3.4:1;QQ==;QQ==;1;2\n"
                                               "host.example:1;1.2.3.4:1;QQ==;QQ==;1;2;0\n"
                                               "1.2.3.4:1;1.2.3.4:1;!!;QQ==;1;2;0\r\n"
                                               "1.2.3.4:1;1.2.3.4:1;QQ==;QQ==;999;x;0\n"
                                               "1.2.3.4:1;1.2.3.4:1;QQ==;QQ==;1;2;0\n");
    EXPECT_EQ(contents.warnings.size(), 4u);
    ASSERT_EQ(contents.servers.size(), 1u);
    EXPECT_EQ(contents.servers[0].info.country, 0);      // out of range
    EXPECT_EQ(contents.servers[0].info.max_clients, 10); // not a number
}

TEST(DirectoryFile, TruncatesNamesTo20Utf16Units) {
    EXPECT_EQ(truncate_utf16_units("abcdefghijklmnopqrstuvwxyz", 20), "abcdefghijklmnopqrst");
    // U+1F3B8 (guitar) is a surrogate pair: two units each.
    std::string guitars;
    for (int i = 0; i < 11; ++i) {
        guitars += "\xf0\x9f\x8e\xb8";
    }
    EXPECT_EQ(truncate_utf16_units(guitars, 20).size(), 40u);
}

TEST(Base64, DecodesWithAndWithoutPadding) {
    EXPECT_EQ(decode_base64("S8O2bG4="), "K\xc3\xb6ln");
    EXPECT_EQ(decode_base64("S8O2bG4"), "K\xc3\xb6ln");
    EXPECT_EQ(decode_base64(""), "");
    EXPECT_FALSE(decode_base64("a b"));
}

TEST(Base64, EncodesWithPadding) {
    EXPECT_EQ(encode_base64(""), "");
    EXPECT_EQ(encode_base64("f"), "Zg==");
    EXPECT_EQ(encode_base64("fo"), "Zm8=");
    EXPECT_EQ(encode_base64("foo"), "Zm9v");
    EXPECT_EQ(encode_base64("Köln"), "S8O2bG4=");
    EXPECT_EQ(decode_base64(encode_base64("Zürich Jam")), "Zürich Jam");
}

// What a directory writes at shutdown reads back as the same list in the same order,
// in Jamulus's line format (written last to first).
TEST(DirectoryFile, WritesTheListTheWayJamulusDoes) {
    ServerInfo first;
    first.name = "Rock";
    first.city = "Köln";
    first.country = 82;
    first.max_clients = 10;
    first.internal = {0x0a000005, 22124};
    ServerInfo second;
    second.name = "Jazz";
    second.max_clients = 4;
    second.permanent = true;
    second.internal = {0x7f000001, 22125};
    const std::vector<ImportedServer> list{{{0xc0000202, 22124}, first},
                                           {{0xc0000203, 22125}, second}};
    const std::string text = format_directory_file(list);
    EXPECT_EQ(text, "192.0.2.3:22125;127.0.0.1:22125;SmF6eg==;;0;4;1\n"
                    "192.0.2.2:22124;10.0.0.5:22124;Um9jaw==;S8O2bG4=;82;10;0\n");
    const auto back = parse_directory_file(text);
    EXPECT_TRUE(back.warnings.empty());
    ASSERT_EQ(back.servers.size(), 2u);
    EXPECT_EQ(back.servers[0].host, list[0].host);
    EXPECT_EQ(back.servers[0].info.name, "Rock");
    EXPECT_EQ(back.servers[0].info.city, "Köln");
    EXPECT_EQ(back.servers[0].info.internal, first.internal);
    EXPECT_EQ(back.servers[1].info.permanent, true);
}

} // namespace
} // namespace jamfleet::directory
