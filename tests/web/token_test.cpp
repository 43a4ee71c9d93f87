// web/token: the token file and the constant-time Bearer check.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "web/token.h"

namespace jamfleet::web {
namespace {

TEST(Token, ConstantTimeEqualComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "xbc"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Token, BearerHeader) {
    EXPECT_TRUE(bearer_matches("Bearer s3cret", "s3cret"));
    EXPECT_TRUE(bearer_matches("BEARER   s3cret  ", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearer S3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearers3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Basic s3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("s3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearer ", ""));
    EXPECT_FALSE(bearer_matches("", ""));
}

TEST(Token, FileFirstLineTrimmed) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("web-token-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ok") << "  abcdef \nsecond line\n";
    std::ofstream(dir / "empty") << "\n";
    auto ok = read_token_file((dir / "ok").string());
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, "abcdef");
    auto empty = read_token_file((dir / "empty").string());
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.error().find("empty"), std::string::npos);
    EXPECT_FALSE(read_token_file((dir / "missing").string()).ok());
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace jamfleet::web
