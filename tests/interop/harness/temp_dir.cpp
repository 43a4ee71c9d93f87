// TempDir: mkdtemp-based scratch directory, removed unless the current test failed.
#include "tests/interop/harness/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace jamfleet::interop {

TempDir::TempDir(const std::string& prefix) {
    std::string pattern = "/tmp/jamfleet-interop-" + prefix + ".XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    path_ = buffer.data();
}

TempDir::~TempDir() {
    if (::testing::Test::HasFailure()) {
        std::cerr << "interop: keeping " << path_.string() << " for inspection\n";
        return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

} // namespace jamfleet::interop
