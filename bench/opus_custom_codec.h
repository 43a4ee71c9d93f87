// Minimal RAII Opus custom-mode encoder/decoder for the load generator, set up as
// a Jamulus client does (48 kHz, 64/128-sample frames, CBR at a fixed byte count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

struct OpusCustomMode;
struct OpusCustomEncoder;
struct OpusCustomDecoder;

namespace jamfleet::bench {

constexpr int kSampleRate = 48000;

// Owns one custom mode plus an encoder and a decoder using it (the mode must
// outlive both, so they live together).
class OpusCustomCodec {
public:
    // frame_samples 64 or 128, channels 1 or 2, coded_bytes per frame (CBR).
    static std::optional<OpusCustomCodec> create(int frame_samples, int channels, int coded_bytes);

    // Encodes frame_samples × channels interleaved int16 into exactly coded_bytes()
    // bytes of `out`; false on error.
    bool encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);
    // Decodes one coded frame into interleaved int16; false on a decode error.
    // There is no concealment call: libopus 1.5 custom mode crashes on NULL input.
    bool decode(std::span<const std::uint8_t> data, std::span<std::int16_t> pcm);

    int frame_samples() const { return frame_samples_; }
    int channels() const { return channels_; }
    int coded_bytes() const { return coded_bytes_; }

private:
    struct ModeDeleter {
        void operator()(OpusCustomMode* m) const;
    };
    struct EncoderDeleter {
        void operator()(OpusCustomEncoder* e) const;
    };
    struct DecoderDeleter {
        void operator()(OpusCustomDecoder* d) const;
    };
    OpusCustomCodec() = default;

    std::unique_ptr<OpusCustomMode, ModeDeleter> mode_;
    std::unique_ptr<OpusCustomEncoder, EncoderDeleter> encoder_;
    std::unique_ptr<OpusCustomDecoder, DecoderDeleter> decoder_;
    int frame_samples_ = 128;
    int channels_ = 1;
    int coded_bytes_ = 0;
};

} // namespace jamfleet::bench
