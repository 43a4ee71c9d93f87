// Atomic replacement of a state file: new content visible at once, no temporary left,
// mode 0600, and a failure that leaves the old file as it was.
#include "io/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace jamfleet::io {
namespace {

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(AtomicFile, ReplacesTheFileAndLeavesNoTemporary) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("jamfleet-atomic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "state.json";
    ASSERT_TRUE(write_file_atomically(path.string(), "first\n").ok());
    ASSERT_TRUE(write_file_atomically(path.string(), "second\n").ok());
    EXPECT_EQ(read(path), "second\n");
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    // A temporary that cannot be made: an error naming it, the old file untouched.
    std::filesystem::create_directory(path.string() + ".tmp");
    const auto failed = write_file_atomically(path.string(), "third\n");
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().find("state.json.tmp: "), std::string::npos) << failed.error();
    EXPECT_EQ(read(path), "second\n");
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace jamfleet::io
