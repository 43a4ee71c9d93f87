// jamfleet-mixer's command line: the options of a headless Jamulus server that
// apply, with Jamulus's spellings and formats (docs/protocol.md §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "mixer-worker/moderation.h"
#include "mixer-worker/registration.h"

namespace jamfleet::mixer {

struct MixerOptions {
    std::uint16_t port = 22124;
    std::uint32_t bind_ip = 0; // host order; 0 = all interfaces
    // --serverbindip6: also serve IPv6 clients on the same port from this address
    // ("::" = all); empty = IPv4 only.
    std::string bind_ip6;
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
    std::uint32_t jsonrpc_bind_ip = 0x7f000001; // --jsonrpcbindip; host order, 127.0.0.1
    std::string jsonrpc_secret_file;
    std::string log_file;
    std::string recording_dir; // -R: jam recorder base directory
    bool no_record = false;    // --norecord: recorder initialised but disabled
    bool no_raw = false;       // --noraw: never send RAWAUDIO_SUPPORTED (36)
    std::string control_socket;
    // --directory-relay PATH: hand directory requests (list requests, registrations)
    // that reach this port to the directory listening on that unix datagram socket.
    std::string directory_relay;
    // Workers for a tick's decode and encode (the tick thread included): 2 on a machine
    // with ≥ 2 CPUs, else 1 (no helper thread).
    int threads = 1;
    // --max-seats-per-ip: channels one source IP may hold; unset = the session's default
    // (docs/admission.md).
    std::optional<int> max_seats_per_ip;
    bool shared_encodes = true; // --no-shared-encodes (hidden; benchmarks and tests)
    // --parallel-ticks (hidden): every tick uses all workers, so tests can prove the second
    // core's path with real clients, whose light load would otherwise stay serial.
    bool always_parallel_ticks = false;
    // Moderation (docs/moderation.md): --bans-file keeps the room's bans across restarts,
    // --ban (permanent, from the fleet file) and --allow (a private room) repeat.
    std::string bans_file;
    std::vector<AddressRange> static_bans;
    std::vector<AddressRange> allow;
    bool help = false;
    bool version = false;  // -v, --version
    std::string log_level; // --log-level; "" = $JAMFLEET_LOG_LEVEL or info
    std::vector<std::string> warnings;
};

// Parses argv (without argv[0]); `--option=value` is read as `--option value`.
// Every option of a headless Jamulus 3.9–4.0 server is accepted: those without a
// meaning here are ignored, with a warning where an admin would expect an effect
// (docs/jamulus-unit-migration.md lists them). Errors read like
// "--numchannels: 200 is out of range 1…150" or "unknown option --foo".
base::Result<MixerOptions, std::string> parse_options(const std::vector<std::string>& args);

std::string usage_text();

} // namespace jamfleet::mixer
