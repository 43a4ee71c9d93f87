// Under systemd, run_dir and database default to the unit's RuntimeDirectory and
// StateDirectory; a file that names them wins; elsewhere the defaults stay relative.
#include "config/service_directories.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::config {
namespace {

constexpr const char* kMinimal = "servers:\n  - name: A\n";

TEST(ServiceDirectories, DefaultsStayRelativeOutsideSystemd) {
    ::unsetenv("RUNTIME_DIRECTORY");
    ::unsetenv("STATE_DIRECTORY");
    auto fleet = parse_fleet(kMinimal, "f.yaml");
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(fleet->fleet.run_dir, "./var/run");
    EXPECT_EQ(fleet->directory.database, "./var/directory.db");
}

TEST(ServiceDirectories, SystemdsDirectoriesBecomeTheDefaults) {
    ::setenv("RUNTIME_DIRECTORY", "/run/jamfleet", 1);
    ::setenv("STATE_DIRECTORY", "/var/lib/jamfleet:/var/lib/other", 1);
    auto fleet = parse_fleet(kMinimal, "f.yaml");
    auto explicit_paths = parse_fleet(std::string("fleet:\n  run_dir: /tmp/r\ndirectory:\n"
                                                  "  database: /tmp/d.db\n") +
                                          kMinimal,
                                      "f.yaml");
    ::unsetenv("RUNTIME_DIRECTORY");
    ::unsetenv("STATE_DIRECTORY");
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(fleet->fleet.run_dir, "/run/jamfleet");
    EXPECT_EQ(fleet->directory.database, "/var/lib/jamfleet/directory.db");
    ASSERT_TRUE(explicit_paths.ok());
    EXPECT_EQ(explicit_paths->fleet.run_dir, "/tmp/r");
    EXPECT_EQ(explicit_paths->directory.database, "/tmp/d.db");
}

TEST(ServiceDirectories, RelativeValuesAreNotSystemds) {
    FleetConfig fleet;
    apply_service_directories(fleet, {"", ""});
    EXPECT_EQ(fleet.fleet.run_dir, "./var/run");
    ::setenv("RUNTIME_DIRECTORY", "run", 1);
    EXPECT_EQ(service_directories_from_environment().runtime, "");
    ::unsetenv("RUNTIME_DIRECTORY");
}

} // namespace
} // namespace jamfleet::config
