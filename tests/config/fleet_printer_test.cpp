// `jamfleet check` text (describe_fleet): the recording settings a room will start with.
#include "config/fleet_printer.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::config {
namespace {

std::string describe(const std::string& yaml) {
    auto result = parse_fleet(yaml, "test.yaml");
    EXPECT_TRUE(result.ok());
    return result.ok() ? describe_fleet(*result) : std::string();
}

TEST(FleetPrinter, ShowsTheRecordingDirAndWhetherTheRoomStartsNotEnabled) {
    const std::string text = describe(R"(
defaults: {recording_dir: "/rec/{n}", norecord: true}
servers:
  - {name: "Held {n}", count: 1, first: 7}
  - {name: Live, recording_dir: /live, norecord: false}
)");
    EXPECT_NE(text.find("    recording dir /rec/7 (starts not enabled: norecord)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("    recording dir /live\n"), std::string::npos) << text;
}

TEST(FleetPrinter, RoomWithoutRecordingDirPrintsNoRecordingLine) {
    const std::string text = describe("servers: [{name: A}]\n");
    EXPECT_EQ(text.find("recording"), std::string::npos) << text;
}

} // namespace
} // namespace jamfleet::config
