// `fleet.planned_audio`: the client audio setting bandwidth planning assumes for
// every musician ("stereo-high" unless the operator states otherwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::config {

struct PlannedAudio {
    std::uint8_t channels = 2; // 1 mono, 2 stereo
    std::uint8_t quality = 2;  // 0 low, 1 normal, 2 high (Jamulus's audio quality setting)
};

// "mono-low" … "stereo-high"; nullopt for anything else.
std::optional<PlannedAudio> parse_planned_audio(std::string_view text);
inline bool is_planned_audio(std::string_view text) {
    return parse_planned_audio(text).has_value();
}
std::string to_string(PlannedAudio audio);

} // namespace jamfleet::config
