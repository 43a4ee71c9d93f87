#include "proto/instrument.h"

#include <array>

namespace jamfleet::proto {

namespace {

// Index = wire number (upstream tag r3_9_1, src/util.cpp, the instrument picture table).
constexpr std::array<std::string_view, 50> kNames = {"",
                                                     "Drum Set",
                                                     "Djembe",
                                                     "Electric Guitar",
                                                     "Acoustic Guitar",
                                                     "Bass Guitar",
                                                     "Keyboard",
                                                     "Synthesizer",
                                                     "Grand Piano",
                                                     "Accordion",
                                                     "Vocal",
                                                     "Microphone",
                                                     "Harmonica",
                                                     "Trumpet",
                                                     "Trombone",
                                                     "French Horn",
                                                     "Tuba",
                                                     "Saxophone",
                                                     "Clarinet",
                                                     "Flute",
                                                     "Violin",
                                                     "Cello",
                                                     "Double Bass",
                                                     "Recorder",
                                                     "Streamer",
                                                     "Listener",
                                                     "Guitar+Vocal",
                                                     "Keyboard+Vocal",
                                                     "Bodhran",
                                                     "Bassoon",
                                                     "Oboe",
                                                     "Harp",
                                                     "Viola",
                                                     "Congas",
                                                     "Bongo",
                                                     "Vocal Bass",
                                                     "Vocal Tenor",
                                                     "Vocal Alto",
                                                     "Vocal Soprano",
                                                     "Banjo",
                                                     "Mandolin",
                                                     "Ukulele",
                                                     "Bass Ukulele",
                                                     "Vocal Baritone",
                                                     "Vocal Lead",
                                                     "Mountain Dulcimer",
                                                     "Scratching",
                                                     "Rapping",
                                                     "Vibraphone",
                                                     "Conductor"};

} // namespace

std::string_view instrument_name(std::uint32_t instrument) {
    return instrument < kNames.size() ? kNames[instrument] : std::string_view();
}

} // namespace jamfleet::proto
