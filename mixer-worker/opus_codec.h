// RAII wrappers around Opus custom-mode modes, encoders and decoders, set up the
// way Jamulus does (48 kHz, 64/128-sample frames, CBR, restricted low delay).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

struct OpusCustomMode;
struct OpusCustomEncoder;
struct OpusCustomDecoder;

namespace jamfleet::mixer {

inline constexpr int kSampleRate = 48000;
// Largest coded frame Opus produces (and so the largest we accept from a client).
inline constexpr int kMaxCodedBytes = 1275;

// One Opus custom mode (48 kHz, 64 or 128 samples per frame). Encoders and
// decoders keep a pointer to it, so it must outlive them.
class OpusMode {
public:
    static base::Result<OpusMode, std::string> create(int frame_samples);

    OpusCustomMode* get() const { return mode_.get(); }
    int frame_samples() const { return frame_samples_; }

private:
    struct Deleter {
        void operator()(OpusCustomMode* m) const;
    };
    OpusMode(OpusCustomMode* m, int frame_samples) : mode_(m), frame_samples_(frame_samples) {}

    std::unique_ptr<OpusCustomMode, Deleter> mode_;
    int frame_samples_;
};

class OpusEncoder {
public:
    // channels 1 or 2; coded_bytes per frame (CBR).
    static base::Result<OpusEncoder, std::string> create(const OpusMode& mode, int channels,
                                                         int coded_bytes);

    // Encodes one frame of interleaved int16 (frame_samples × channels) into
    // exactly coded_bytes() bytes of `out`. Returns bytes written, 0 on error.
    std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);
    // The same from floats in int16 units (clamped to the int16 range as the int16 path
    // is), through libopus's float entry point: the mixer's samples are floats, and this
    // skips a conversion to int16 and libopus's conversion back. No allocation.
    std::size_t encode(std::span<const float> pcm, std::span<std::uint8_t> out);

    // A copy of the whole encoder state: continuing both gives identical bytes.
    OpusEncoder clone() const;
    // Overwrites this encoder's state with `other`'s (same mode, channels and size): both then
    // continue the same stream bit-identically. No allocation (a tick may call it).
    void copy_state_from(const OpusEncoder& other);

    int channels() const { return channels_; }
    int coded_bytes() const { return coded_bytes_; }
    int frame_samples() const { return frame_samples_; }

private:
    struct Deleter {
        void operator()(OpusCustomEncoder* e) const;
    };
    OpusEncoder() = default;

    std::unique_ptr<OpusCustomEncoder, Deleter> enc_;
    std::vector<float> scaled_; // one frame scaled to ±1 for the float entry point
    std::size_t state_bytes_ = 0;
    int channels_ = 1;
    int coded_bytes_ = 0;
    int frame_samples_ = 128;
};

class OpusDecoder {
public:
    static base::Result<OpusDecoder, std::string> create(const OpusMode& mode, int channels);

    // Decodes one frame into interleaved int16 (frame_samples × channels). An
    // empty `data` conceals a lost frame. Returns false on a decode error (the
    // output is then silence).
    //
    // Concealment does NOT use Opus's own PLC (decode with a NULL packet):
    // libopus 1.5.2 built with custom modes segfaults on it for every frame
    // size and channel count (checked with a plain C program). Instead the last
    // good packet is decoded again, halving the level for each consecutive loss,
    // which keeps the decoder state continuous; before any packet it is silence.
    bool decode(std::span<const std::uint8_t> data, std::span<std::int16_t> pcm);
    // The same into floats in int16 units, clamped to the int16 range like the int16 path,
    // through libopus's float entry point (no round trip through int16). No allocation.
    bool decode(std::span<const std::uint8_t> data, std::span<float> pcm);

    int channels() const { return channels_; }
    int frame_samples() const { return frame_samples_; }

private:
    struct Deleter {
        void operator()(OpusCustomDecoder* d) const;
    };
    OpusDecoder() = default;
    // The packet to decode for `data` (the last good one again when it is empty, remembered
    // otherwise); empty when the output is silence.
    std::span<const std::uint8_t> packet_for(std::span<const std::uint8_t> data);

    std::unique_ptr<OpusCustomDecoder, Deleter> dec_;
    std::vector<std::uint8_t> last_packet_; // capacity kMaxCodedBytes, never reallocated
    std::size_t last_packet_bytes_ = 0;
    int consecutive_losses_ = 0;
    int channels_ = 1;
    int frame_samples_ = 128;
};

} // namespace jamfleet::mixer
