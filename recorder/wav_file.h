// One 16-bit 48 kHz PCM WAV file being recorded: buffered appends, a header that is
// rewritten with the current sizes on demand (crash safety) and finalised on close.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace jamfleet::recorder {

inline constexpr std::size_t kWavHeaderBytes = 44;
inline constexpr std::uint32_t kWavSampleRate = 48000;

// The 44-byte RIFF/WAVE header for `data_bytes` of 16-bit PCM.
std::vector<std::uint8_t> make_wav_header(int channels, std::uint64_t data_bytes);

class WavFile {
public:
    // Creates `path` (never overwrites: O_EXCL) and writes a header for zero data.
    static base::Result<WavFile, std::string> create(const std::string& path, int channels);

    WavFile(WavFile&& other) noexcept;
    WavFile& operator=(WavFile&& other) noexcept;
    WavFile(const WavFile&) = delete;
    WavFile& operator=(const WavFile&) = delete;
    // Closes without touching the header again (what a crash leaves behind is what
    // the last `sync_header` wrote); call `finalize` for a clean close.
    ~WavFile();

    // Appends interleaved samples (little-endian on disk); flushes when the buffer fills.
    base::Status<std::string> append(std::span<const std::int16_t> samples);
    // Appends `count` zero samples (for frames the queue had to drop).
    base::Status<std::string> append_silence(std::size_t count);
    // Flushes buffered samples, then rewrites the header with the current data size,
    // so the header never claims more data than the file holds.
    base::Status<std::string> sync_header();
    // Flushes, writes the final header and closes.
    base::Status<std::string> finalize();

    const std::string& path() const { return path_; }
    int channels() const { return channels_; }
    std::uint64_t data_bytes() const { return data_bytes_; }

private:
    WavFile(int fd, std::string path, int channels);
    base::Status<std::string> flush();
    void close_fd();

    static constexpr std::size_t kBufferBytes = 64 * 1024;

    int fd_ = -1;
    std::string path_;
    int channels_ = 1;
    std::uint64_t data_bytes_ = 0; // appended, including what is still buffered
    std::vector<std::uint8_t> buffer_;
};

} // namespace jamfleet::recorder
