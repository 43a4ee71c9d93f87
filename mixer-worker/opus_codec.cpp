// Opus custom-mode wrappers: the only file of the mixer that talks to libopus.
#include "mixer-worker/opus_codec.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

// opus_custom_encoder_init (used so the state can be cloned by copy) is declared
// only for builds that define CUSTOM_MODES; the library exports it.
#define CUSTOM_MODES
#include <opus_custom.h>

namespace jamfleet::mixer {

using base::Err;

namespace {

// libopus's float samples are ±1.0; the mixer's floats are in int16 units.
constexpr float kInt16Scale = 32768.0f;
constexpr float kInt16Max = 32767.0f;

} // namespace

void OpusMode::Deleter::operator()(OpusCustomMode* m) const {
    opus_custom_mode_destroy(m);
}

base::Result<OpusMode, std::string> OpusMode::create(int frame_samples) {
    int error = 0;
    OpusCustomMode* m = opus_custom_mode_create(kSampleRate, frame_samples, &error);
    if (m == nullptr || error != OPUS_OK) {
        return Err{std::string("opus custom mode ") + std::to_string(frame_samples) + ": " +
                   opus_strerror(error)};
    }
    return OpusMode(m, frame_samples);
}

// The encoder is allocated with malloc of opus_custom_encoder_get_size so that a
// plain byte copy can clone it (the state is one flat block pointing only at the mode).
void OpusEncoder::Deleter::operator()(OpusCustomEncoder* e) const {
    std::free(e);
}

base::Result<OpusEncoder, std::string> OpusEncoder::create(const OpusMode& mode, int channels,
                                                           int coded_bytes) {
    const int size = opus_custom_encoder_get_size(mode.get(), channels);
    if (size <= 0) {
        return Err{std::string("opus encoder size: invalid channel count")};
    }
    OpusEncoder out;
    out.enc_.reset(static_cast<OpusCustomEncoder*>(std::malloc(static_cast<std::size_t>(size))));
    if (!out.enc_) {
        return Err{std::string("opus encoder: out of memory")};
    }
    out.state_bytes_ = static_cast<std::size_t>(size);
    const int rc = opus_custom_encoder_init(out.enc_.get(), mode.get(), channels);
    if (rc != OPUS_OK) {
        return Err{std::string("opus encoder init: ") + opus_strerror(rc)};
    }
    OpusCustomEncoder* e = out.enc_.get();
    opus_custom_encoder_ctl(e, OPUS_SET_VBR(0));
    opus_custom_encoder_ctl(e, OPUS_SET_APPLICATION(OPUS_APPLICATION_RESTRICTED_LOWDELAY));
    if (mode.frame_samples() == 64) {
        // Jamulus trades bitrate for robustness on the 64-sample codec.
        opus_custom_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(35));
    } else {
        opus_custom_encoder_ctl(e, OPUS_SET_COMPLEXITY(1));
    }
    // Jamulus also sets OPUS_SET_BITRATE(48000 * 8 * bytes / frame_samples). With CBR
    // and an explicit output size that only caps the size at the same value, and
    // libopus 1.5.2 (custom modes) segfaults in the next encode when it is set, so
    // the size alone drives the bitrate here.
    out.scaled_.assign(static_cast<std::size_t>(mode.frame_samples() * channels), 0.0f);
    out.channels_ = channels;
    out.coded_bytes_ = coded_bytes;
    out.frame_samples_ = mode.frame_samples();
    return out;
}

std::size_t OpusEncoder::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
    const auto need = static_cast<std::size_t>(frame_samples_ * channels_);
    if (pcm.size() < need || out.size() < static_cast<std::size_t>(coded_bytes_)) {
        return 0;
    }
    const int n =
        opus_custom_encode(enc_.get(), pcm.data(), frame_samples_, out.data(), coded_bytes_);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::size_t OpusEncoder::encode(std::span<const float> pcm, std::span<std::uint8_t> out) {
    const auto need = static_cast<std::size_t>(frame_samples_ * channels_);
    if (pcm.size() < need || scaled_.size() < need ||
        out.size() < static_cast<std::size_t>(coded_bytes_)) {
        return 0;
    }
    for (std::size_t i = 0; i < need; ++i) {
        scaled_[i] = std::clamp(pcm[i], -kInt16Scale, kInt16Max) * (1.0f / kInt16Scale);
    }
    const int n = opus_custom_encode_float(enc_.get(), scaled_.data(), frame_samples_, out.data(),
                                           coded_bytes_);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

OpusEncoder OpusEncoder::clone() const {
    OpusEncoder copy;
    copy.enc_.reset(static_cast<OpusCustomEncoder*>(std::malloc(state_bytes_)));
    if (copy.enc_) {
        std::memcpy(copy.enc_.get(), enc_.get(), state_bytes_);
    }
    copy.scaled_.assign(scaled_.size(), 0.0f);
    copy.state_bytes_ = state_bytes_;
    copy.channels_ = channels_;
    copy.coded_bytes_ = coded_bytes_;
    copy.frame_samples_ = frame_samples_;
    return copy;
}

void OpusEncoder::copy_state_from(const OpusEncoder& other) {
    if (this == &other || !enc_ || !other.enc_ || state_bytes_ != other.state_bytes_ ||
        channels_ != other.channels_ || frame_samples_ != other.frame_samples_) {
        return;
    }
    std::memcpy(enc_.get(), other.enc_.get(), state_bytes_);
    coded_bytes_ = other.coded_bytes_;
}

void OpusDecoder::Deleter::operator()(OpusCustomDecoder* d) const {
    opus_custom_decoder_destroy(d);
}

base::Result<OpusDecoder, std::string> OpusDecoder::create(const OpusMode& mode, int channels) {
    int error = 0;
    OpusCustomDecoder* d = opus_custom_decoder_create(mode.get(), channels, &error);
    if (d == nullptr || error != OPUS_OK) {
        return Err{std::string("opus decoder: ") + opus_strerror(error)};
    }
    OpusDecoder out;
    out.dec_.reset(d);
    out.last_packet_.resize(kMaxCodedBytes);
    out.channels_ = channels;
    out.frame_samples_ = mode.frame_samples();
    return out;
}

std::span<const std::uint8_t> OpusDecoder::packet_for(std::span<const std::uint8_t> data) {
    if (data.empty()) {
        if (last_packet_bytes_ == 0 || consecutive_losses_ >= 15) {
            return {};
        }
        ++consecutive_losses_;
        return std::span<const std::uint8_t>(last_packet_).first(last_packet_bytes_);
    }
    if (data.size() <= last_packet_.size()) {
        consecutive_losses_ = 0;
        std::copy(data.begin(), data.end(), last_packet_.begin());
        last_packet_bytes_ = data.size();
    }
    return data;
}

bool OpusDecoder::decode(std::span<const std::uint8_t> data, std::span<std::int16_t> pcm) {
    const auto need = static_cast<std::size_t>(frame_samples_ * channels_);
    if (pcm.size() < need) {
        return false;
    }
    const auto packet = packet_for(data);
    if (packet.empty()) {
        std::fill_n(pcm.begin(), need, std::int16_t{0});
        return true;
    }
    const int n = opus_custom_decode(dec_.get(), packet.data(), static_cast<int>(packet.size()),
                                     pcm.data(), frame_samples_);
    if (n != frame_samples_) {
        std::fill_n(pcm.begin(), need, std::int16_t{0});
        return false;
    }
    if (consecutive_losses_ > 0) {
        const int shift = consecutive_losses_;
        for (std::size_t i = 0; i < need; ++i) {
            pcm[i] = static_cast<std::int16_t>(pcm[i] / (1 << shift));
        }
    }
    return true;
}

bool OpusDecoder::decode(std::span<const std::uint8_t> data, std::span<float> pcm) {
    const auto need = static_cast<std::size_t>(frame_samples_ * channels_);
    if (pcm.size() < need) {
        return false;
    }
    const auto packet = packet_for(data);
    if (packet.empty()) {
        std::fill_n(pcm.begin(), need, 0.0f);
        return true;
    }
    const int n = opus_custom_decode_float(
        dec_.get(), packet.data(), static_cast<int>(packet.size()), pcm.data(), frame_samples_);
    if (n != frame_samples_) {
        std::fill_n(pcm.begin(), need, 0.0f);
        return false;
    }
    // Clamped first, then a repeated packet halved per consecutive loss: the int16 path's order.
    const float loss_scale = 1.0f / static_cast<float>(1 << consecutive_losses_);
    for (std::size_t i = 0; i < need; ++i) {
        pcm[i] = std::clamp(pcm[i] * kInt16Scale, -kInt16Scale, kInt16Max) * loss_scale;
    }
    return true;
}

} // namespace jamfleet::mixer
