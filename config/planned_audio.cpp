// Names of the six Jamulus client audio settings (channels x quality).
#include "config/planned_audio.h"

#include <array>

namespace jamfleet::config {
namespace {

constexpr std::array<std::string_view, 2> kChannels = {"mono", "stereo"};
constexpr std::array<std::string_view, 3> kQualities = {"low", "normal", "high"};

} // namespace

std::optional<PlannedAudio> parse_planned_audio(std::string_view text) {
    for (std::size_t c = 0; c < kChannels.size(); ++c) {
        for (std::size_t q = 0; q < kQualities.size(); ++q) {
            if (text == std::string(kChannels[c]) + "-" + std::string(kQualities[q])) {
                return PlannedAudio{static_cast<std::uint8_t>(c + 1), static_cast<std::uint8_t>(q)};
            }
        }
    }
    return std::nullopt;
}

std::string to_string(PlannedAudio audio) {
    return std::string(kChannels[audio.channels == 1 ? 0 : 1]) + "-" +
           std::string(kQualities[audio.quality < 3 ? audio.quality : 2]);
}

} // namespace jamfleet::config
