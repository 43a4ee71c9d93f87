// When the fleet is ready for systemd: every child listening and registered, or failed.
#include "orchestrator/fleet_readiness.h"

#include <gtest/gtest.h>

namespace jamfleet::orchestrator {
namespace {

nlohmann::json child(const std::string& kind, const std::string& state,
                     const char* registration = nullptr, bool reported = true) {
    nlohmann::json c = {{"name", "x"}, {"kind", kind}, {"state", state}};
    if (reported) {
        c["child"] = nlohmann::json::object();
        if (registration != nullptr) {
            c["child"]["registration"] = registration;
        }
    }
    return c;
}

nlohmann::json fleet(std::vector<nlohmann::json> children) {
    return {{"children", std::move(children)}};
}

const ReadinessExpectations kRegistering{.rooms_register = true, .children_report = true};

TEST(FleetReadiness, ReadyWhenEveryRoomIsRegistered) {
    const auto r = fleet_readiness(
        fleet({child("directory", "running"), child("mixer", "running", "registered"),
               child("mixer", "running", "registered")}),
        kRegistering);
    EXPECT_TRUE(r.settled);
    EXPECT_EQ(r.listening, 3);
    EXPECT_EQ(r.registered, 2);
    EXPECT_EQ(r.summary(), "3 listening, 2 registered, 0 failed");
}

TEST(FleetReadiness, WaitsForTheDirectorysAnswer) {
    for (const char* status : {"requested", "not_registered"}) {
        const auto r = fleet_readiness(
            fleet({child("mixer", "running", "registered"), child("mixer", "running", status)}),
            kRegistering);
        EXPECT_FALSE(r.settled) << status;
        EXPECT_EQ(r.pending, 1) << status;
        EXPECT_EQ(r.summary(), "1 listening, 1 registered, 0 failed, 1 starting");
    }
}

TEST(FleetReadiness, ARefusalOrAFailedChildSettlesAsFailed) {
    const auto r = fleet_readiness(
        fleet({child("mixer", "running", "directory_server_full"),
               child("mixer", "failed", nullptr, false), child("mixer", "running", "registered")}),
        kRegistering);
    EXPECT_TRUE(r.settled);
    EXPECT_EQ(r.failed, 2);
    EXPECT_EQ(r.registered, 1);
}

TEST(FleetReadiness, StartingOrRestartingChildrenAreNotReady) {
    EXPECT_FALSE(fleet_readiness(fleet({child("mixer", "backoff")}), kRegistering).settled);
    EXPECT_FALSE(
        fleet_readiness(fleet({child("directory", "running", nullptr, false)}), kRegistering)
            .settled);
}

TEST(FleetReadiness, RoomsWithoutADirectoryAreReadyWhenListening) {
    const auto r = fleet_readiness(fleet({child("mixer", "running", "not_registered")}),
                                   {.rooms_register = false, .children_report = true});
    EXPECT_TRUE(r.settled);
    EXPECT_EQ(r.listening, 1);
}

TEST(FleetReadiness, ChildrenWithoutControlSocketsAreReadyWhenRunning) {
    const auto r = fleet_readiness(fleet({child("mixer", "running", nullptr, false)}),
                                   {.rooms_register = true, .children_report = false});
    EXPECT_TRUE(r.settled);
}

TEST(FleetReadiness, AnEmptyFleetIsReadyAndGarbageIsNot) {
    EXPECT_TRUE(fleet_readiness(fleet({}), kRegistering).settled);
    EXPECT_FALSE(fleet_readiness(nlohmann::json("x"), kRegistering).settled);
}

} // namespace
} // namespace jamfleet::orchestrator
