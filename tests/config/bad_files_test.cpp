// One bad fleet file per error class (tests/config/bad/*.yaml) must give exactly
// the error lines in the matching .errors file, and nothing else.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/fleet_loader.h"

namespace jamfleet::config {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class BadFleetFile : public testing::TestWithParam<const char*> {};

TEST_P(BadFleetFile, GivesExactlyTheExpectedErrorLines) {
    const std::string dir = std::string(JAMFLEET_SOURCE_DIR) + "/tests/config/bad/";
    const std::string name = GetParam();
    const std::string yaml = read_text(dir + name + ".yaml");
    const std::string expected = read_text(dir + name + ".errors");
    ASSERT_FALSE(yaml.empty());
    ASSERT_FALSE(expected.empty());
    const auto result = parse_fleet(yaml, name + ".yaml");
    ASSERT_FALSE(result.ok());
    std::string actual;
    for (const auto& error : result.error()) {
        actual += error.to_string() + "\n";
    }
    EXPECT_EQ(actual, expected);
}

INSTANTIATE_TEST_SUITE_P(ErrorClasses, BadFleetFile,
                         testing::Values("unknown_key", "wrong_type", "duplicate_port",
                                         "duplicate_dns", "port_range", "long_name", "bad_country",
                                         "bad_cidr", "bad_dns", "bad_address", "template", "syntax",
                                         "srv_target", "norecord"));

} // namespace
} // namespace jamfleet::config
