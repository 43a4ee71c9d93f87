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

} // namespace
} // namespace jamfleet::directory
