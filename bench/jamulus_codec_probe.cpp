// jamulus_codec_probe: jamfleet-codec-timing run inside another program so that it times that
// program's own Opus. Real Jamulus links its bundled Opus into the executable and exports the
// opus_custom_* symbols; the dynamic linker binds a preloaded library's calls to the
// executable's definitions first, so
//   JAMFLEET_CODEC_PROBE='--frames 128' LD_PRELOAD=…/libjamulus_codec_probe.so Jamulus -n -s
// runs the very tick loop jamfleet-codec-timing runs, on Jamulus's Opus instead of ours, prints
// the same JSON and exits before Jamulus's main starts. Without the variable it does nothing.
#include <dlfcn.h>
#include <link.h>
#include <opus.h>
// opus_custom_encoder_init (the mixer clones encoders through it) is declared only when
// CUSTOM_MODES is defined.
#define CUSTOM_MODES
#include <opus_custom.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/codec_timing.h"

namespace {

struct Lookup {
    std::uintptr_t address = 0;
    int index = 0;  // objects visited so far; the main program is visited first
    int owner = -1; // index of the object whose loaded segments hold `address`
};

int find_owner(dl_phdr_info* info, std::size_t, void* data) {
    auto* lookup = static_cast<Lookup*>(data);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const auto& segment = info->dlpi_phdr[i];
        const std::uintptr_t start = info->dlpi_addr + segment.p_vaddr;
        if (segment.p_type == PT_LOAD && lookup->address >= start &&
            lookup->address < start + segment.p_memsz) {
            lookup->owner = lookup->index;
            return 1;
        }
    }
    ++lookup->index;
    return 0;
}

bool in_main_program(const void* function) {
    Lookup lookup;
    lookup.address = reinterpret_cast<std::uintptr_t>(function);
    dl_iterate_phdr(find_owner, &lookup);
    return lookup.owner == 0;
}

// Every Opus entry point the timing loop reaches must be the host program's: a mix of two
// libraries would hand one library's state to the other.
bool host_carries_opus() {
    const void* functions[] = {
        reinterpret_cast<const void*>(&opus_custom_mode_create),
        reinterpret_cast<const void*>(&opus_custom_mode_destroy),
        reinterpret_cast<const void*>(&opus_custom_decoder_create),
        reinterpret_cast<const void*>(&opus_custom_decoder_destroy),
        reinterpret_cast<const void*>(&opus_custom_decode),
        reinterpret_cast<const void*>(&opus_custom_decode_float),
        reinterpret_cast<const void*>(&opus_custom_encoder_get_size),
        reinterpret_cast<const void*>(&opus_custom_encoder_init),
        reinterpret_cast<const void*>(&opus_custom_encoder_ctl),
        reinterpret_cast<const void*>(&opus_custom_encode),
        reinterpret_cast<const void*>(&opus_custom_encode_float),
        reinterpret_cast<const void*>(&opus_custom_encoder_create),
        reinterpret_cast<const void*>(&opus_custom_encoder_destroy),
        reinterpret_cast<const void*>(&opus_get_version_string),
        reinterpret_cast<const void*>(&opus_strerror),
    };
    for (const void* f : functions) {
        if (!in_main_program(f)) {
            return false;
        }
    }
    return true;
}

__attribute__((constructor)) void run_probe() {
    const char* request = std::getenv("JAMFLEET_CODEC_PROBE");
    if (request == nullptr) {
        return;
    }
    // This runs from the dynamic linker, possibly before any std::cout user was initialised.
    const std::ios_base::Init standard_streams;
    if (!host_carries_opus()) {
        std::cout << R"({"error": "the host program does not carry its own Opus"})"
                  << "\n";
        std::cout.flush();
        ::_exit(1);
    }
    std::vector<std::string> words{"jamulus_codec_probe"};
    std::istringstream split(request);
    for (std::string word; split >> word;) {
        words.push_back(word);
    }
    std::vector<char*> argv;
    for (auto& w : words) {
        argv.push_back(w.data());
    }
    argv.push_back(nullptr);
    const int code =
        jamfleet::bench::codec_timing_main(static_cast<int>(words.size()), argv.data(), std::cout);
    // The host's own main must not start: it would open audio devices and sockets.
    ::_exit(code);
}

} // namespace
