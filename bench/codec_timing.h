// The tick-shaped libopus timing behind jamfleet-codec-timing and jamulus_codec_probe.
#pragma once

#include <ostream>

namespace jamfleet::bench {

// Parses jamfleet-codec-timing's arguments, runs the timing and writes its JSON to `out`.
// Returns the process exit code (2: bad arguments, 1: the codec failed).
int codec_timing_main(int argc, char** argv, std::ostream& out);

} // namespace jamfleet::bench
