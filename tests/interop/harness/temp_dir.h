// A per-test scratch directory under /tmp; kept (and its path printed) when the test failed.
#pragma once

#include <filesystem>
#include <string>

namespace jamfleet::interop {

class TempDir {
public:
    // Creates /tmp/jamfleet-interop-<prefix>.XXXXXX; throws std::runtime_error on failure.
    explicit TempDir(const std::string& prefix = "test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace jamfleet::interop
