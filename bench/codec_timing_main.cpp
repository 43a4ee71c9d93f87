// jamfleet-codec-timing: one mixer tick's libopus work, timed (see bench/codec_timing.h).
#include <iostream>

#include "bench/codec_timing.h"

int main(int argc, char** argv) {
    return jamfleet::bench::codec_timing_main(argc, argv, std::cout);
}
