// jamfleet-mixer's command line: the options of a headless Jamulus server that
// apply, with Jamulus's spellings and formats (jamulus-protocol.md §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "mixer-worker/registration.h"

namespace jamfleet::mixer {

struct MixerOptions {
    std::uint16_t port = 22124;
    std::uint32_t bind_ip = 0;                  // host order; 0 = all interfaces
    std::uint32_t jsonrpc_bind_ip = 0x7f000001; // --jsonrpcbindip (host order), as Jamulus 3.10
    int max_channels = 10;
    std::string welcome_message; // text, or the content of the file it named
    std::string directory;       // -e host[:port]; empty = do not register
    std::optional<ServerInfo> server_info;
    std::optional<std::uint32_t> server_public_ip;
    bool delay_pan = false;
    bool fast_update = false;
    bool licence = false;
    int qos = 128;
    std::optional<std::uint16_t> jsonrpc_port;
    std::string jsonrpc_secret_file;
    std::string log_file;
    std::string recording_dir; // -R: jam recorder base directory
    bool no_record = false;    // --norecord: recorder initialised but disabled
    bool no_raw = false;       // --noraw: never send RAWAUDIO_SUPPORTED (36)
    std::string control_socket;
    // Workers for a tick's decode and encode (the tick thread included): 2 on a machine
    // with ≥ 2 CPUs, else 1 (no helper thread).
    int threads = 1;
    bool shared_encodes = true; // --no-shared-encodes (hidden; benchmarks and tests)
    // --parallel-ticks (hidden): every tick uses all workers, so tests can prove the second
    // core's path with real clients, whose light load would otherwise stay serial.
    bool always_parallel_ticks = false;
    bool help = false;
    std::vector<std::string> warnings;
};

// Parses argv (without argv[0]). Errors read like
// "--numchannels: 200 is out of range 1…150" or "unknown option --foo".
base::Result<MixerOptions, std::string> parse_options(const std::vector<std::string>& args);

std::string usage_text();

} // namespace jamfleet::mixer
