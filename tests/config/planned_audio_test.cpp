// fleet.planned_audio and the link keys: the six Jamulus settings, nothing else.
#include "config/planned_audio.h"

#include <gtest/gtest.h>

#include "config/fleet_loader.h"

namespace jamfleet::config {
namespace {

TEST(PlannedAudio, NamesTheSixJamulusSettingsAndRoundTrips) {
    const auto mono_low = parse_planned_audio("mono-low");
    ASSERT_TRUE(mono_low);
    EXPECT_EQ(mono_low->channels, 1);
    EXPECT_EQ(mono_low->quality, 0);
    for (const char* name :
         {"mono-low", "mono-normal", "mono-high", "stereo-low", "stereo-normal", "stereo-high"}) {
        const auto audio = parse_planned_audio(name);
        ASSERT_TRUE(audio) << name;
        EXPECT_EQ(to_string(*audio), name);
    }
    EXPECT_FALSE(parse_planned_audio("stereo"));
    EXPECT_FALSE(parse_planned_audio("Stereo-High"));
    EXPECT_FALSE(parse_planned_audio("mono-medium"));
}

TEST(PlannedAudio, FleetFileDefaultsToStereoHighAndRefusesOtherWords) {
    const auto fleet = parse_fleet("fleet: {uplink_mbps: 40, downlink_mbps: 100}\n"
                                   "servers: [{name: A}]\n",
                                   "t.yaml");
    ASSERT_TRUE(fleet.ok());
    EXPECT_EQ(fleet->fleet.planned_audio, "stereo-high");
    EXPECT_EQ(fleet->fleet.uplink_mbps, 40);
    EXPECT_EQ(fleet->fleet.downlink_mbps, 100);
    const auto bad =
        parse_fleet("fleet: {planned_audio: surround}\nservers: [{name: A}]\n", "t.yaml");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error()[0].message,
              "bad planned audio 'surround': expected mono|stereo followed by -low, -normal or "
              "-high");
    EXPECT_FALSE(parse_fleet("fleet: {uplink_mbps: 0}\nservers: [{name: A}]\n", "t.yaml").ok());
}

} // namespace
} // namespace jamfleet::config
