// File and folder names of a jam recording, spelled exactly as a Jamulus 3.9.1
// server spells them (docs/protocol.md §7.3), so existing tooling keeps working.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace jamfleet::recorder {

// Maps a client name (UTF-8) to the ASCII subset used in file names: each UTF-16
// code unit of the Latin-1 range becomes a letter/digit or `_`, anything wider
// becomes `_`; the result is right-padded with `_` to at least 4 characters.
std::string map_client_name(std::string_view utf8_name);

// Maps an address to `a_b_c_x_port` (last octet hidden) or `127_0_0_1_port`.
std::string map_client_address(std::uint32_t ip, std::uint16_t port);

// `<NAME>-<ADDR>`: the REAPER track name and the stem of every WAV file name.
std::string client_track_name(std::string_view utf8_name, std::uint32_t ip, std::uint16_t port);

// `<NAME>-<ADDR>-<startFrame>-<channels>` (without the `_k` affix or `.wav`).
std::string wav_file_stem(std::string_view utf8_name, std::uint32_t ip, std::uint16_t port,
                          std::int64_t start_frame, int channels);

// `Jam-YYYYMMDD-HHMMSSmmm` in UTC.
std::string session_dir_name(std::chrono::system_clock::time_point when);

// Seconds from a frame count, printed with exactly 14 decimals as Jamulus prints them.
std::string seconds_at_48k(std::int64_t frames, int frame_samples);

} // namespace jamfleet::recorder
