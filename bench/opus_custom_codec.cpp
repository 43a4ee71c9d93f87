// Opus custom-mode wrapper for the load generator (see opus_custom_codec.h).
#include "bench/opus_custom_codec.h"

#include <opus_custom.h>

namespace jamfleet::bench {

void OpusCustomCodec::ModeDeleter::operator()(OpusCustomMode* m) const {
    opus_custom_mode_destroy(m);
}
void OpusCustomCodec::EncoderDeleter::operator()(OpusCustomEncoder* e) const {
    opus_custom_encoder_destroy(e);
}
void OpusCustomCodec::DecoderDeleter::operator()(OpusCustomDecoder* d) const {
    opus_custom_decoder_destroy(d);
}

std::optional<OpusCustomCodec> OpusCustomCodec::create(int frame_samples, int channels,
                                                       int coded_bytes) {
    if ((frame_samples != 64 && frame_samples != 128) || channels < 1 || channels > 2 ||
        coded_bytes < 1 || coded_bytes > 1275) {
        return std::nullopt;
    }
    OpusCustomCodec codec;
    int error = 0;
    codec.mode_.reset(opus_custom_mode_create(kSampleRate, frame_samples, &error));
    if (!codec.mode_ || error != OPUS_OK) {
        return std::nullopt;
    }
    codec.encoder_.reset(opus_custom_encoder_create(codec.mode_.get(), channels, &error));
    if (!codec.encoder_ || error != OPUS_OK) {
        return std::nullopt;
    }
    codec.decoder_.reset(opus_custom_decoder_create(codec.mode_.get(), channels, &error));
    if (!codec.decoder_ || error != OPUS_OK) {
        return std::nullopt;
    }
    // The settings a Jamulus client uses, except OPUS_SET_BITRATE: with CBR the
    // coded size passed to each encode call fixes the rate anyway, and libopus 1.5.2
    // (custom modes) crashes in the next encode once a bitrate is set.
    opus_custom_encoder_ctl(codec.encoder_.get(), OPUS_SET_VBR(0));
    opus_custom_encoder_ctl(codec.encoder_.get(),
                            OPUS_SET_APPLICATION(OPUS_APPLICATION_RESTRICTED_LOWDELAY));
    if (frame_samples == 64) {
        opus_custom_encoder_ctl(codec.encoder_.get(), OPUS_SET_PACKET_LOSS_PERC(35));
    } else {
        opus_custom_encoder_ctl(codec.encoder_.get(), OPUS_SET_COMPLEXITY(1));
    }
    codec.frame_samples_ = frame_samples;
    codec.channels_ = channels;
    codec.coded_bytes_ = coded_bytes;
    return codec;
}

bool OpusCustomCodec::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    const auto needed = static_cast<std::size_t>(frame_samples_ * channels_);
    if (pcm.size() < needed || out.size() < static_cast<std::size_t>(coded_bytes_)) {
        return false;
    }
    const int written =
        opus_custom_encode(encoder_.get(), pcm.data(), frame_samples_, out.data(), coded_bytes_);
    return written == coded_bytes_;
}

bool OpusCustomCodec::decode(std::span<const std::uint8_t> data, std::span<std::int16_t> pcm) {
    const auto needed = static_cast<std::size_t>(frame_samples_ * channels_);
    if (data.empty() || pcm.size() < needed) {
        return false;
    }
    const int samples = opus_custom_decode(
        decoder_.get(), data.data(), static_cast<int>(data.size()), pcm.data(), frame_samples_);
    return samples == frame_samples_;
}

} // namespace jamfleet::bench
