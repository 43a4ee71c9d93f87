// AudioEngine's control path: construction, channel occupancy, formats, faders, jitter
// settings and level meters. May allocate; never runs inside a tick.
#include <algorithm>
#include <cmath>
#include <exception>

#include "mixer-worker/audio_engine.h"
#include "mixer-worker/audio_engine_channel.h"
#include "mixer-worker/tick_pool.h"

namespace jamfleet::mixer {

AudioEngine::AudioEngine(AudioEngineSettings settings)
    : settings_(settings),
      groups_(std::clamp(settings.max_channels, 1, kMaxChannels),
              2 * static_cast<std::size_t>(std::clamp(settings.max_channels, 1, kMaxChannels)),
              settings.merge_after_ticks) {
    settings_.max_channels = std::clamp(settings_.max_channels, 1, kMaxChannels);
    settings_.threads = std::max(settings_.threads, 1);
    if (auto m = OpusMode::create(64); m.ok()) {
        mode64_.emplace(std::move(m).value());
    }
    if (auto m = OpusMode::create(128); m.ok()) {
        mode128_.emplace(std::move(m).value());
    }
    channels_.resize(static_cast<std::size_t>(settings_.max_channels));
    const auto n = static_cast<std::size_t>(settings_.max_channels);
    decode_ids_.resize(n);
    inputs_.resize(n);
    input_ids_.resize(n);
    outgoing_.reserve(2 * n);
    // The pool itself starts with the first client (start_pool), so an idle mixer has no
    // helper thread.
    const bool may_pool = settings_.threads > 1 && settings_.parallelism != TickParallelism::Serial;
    workers_.resize(may_pool ? static_cast<std::size_t>(settings_.threads) : 1);
    for (auto& w : workers_) {
        w.gains.resize(n);
        w.pans.resize(n);
        w.mix.resize(kMaxFrameFloats);
    }
    for (auto& ch : channels_) {
        ch.gains.fill(1.0f);
        ch.pans.fill(0.5f);
    }
}

AudioEngine::~AudioEngine() = default;

// Control path: starting threads allocates. Without the threads (the system refused them)
// the tick simply stays serial.
void AudioEngine::start_pool() {
    if (pool_ || workers_.size() < 2) {
        return;
    }
    try {
        pool_ = std::make_unique<TickPool>(static_cast<int>(workers_.size()) - 1);
    } catch (const std::exception&) {
        pool_.reset();
    }
}

// id's encoder is about to be replaced or dropped: a listener that decoded id's stream
// takes it over (encoder state and FIFO), so its client hears no discontinuity.
void AudioEngine::release_stream(int id) {
    const int heir = groups_.hand_over(id);
    if (heir >= 0) {
        copy_stream(heir, id);
    }
    groups_.reset_stream(id);
}

void AudioEngine::connect(int id, io::SocketAddress address) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    release_stream(id);
    ch.connected = true;
    ch.identified = false;
    ch.has_format = false;
    ch.address = address;
    ch.fade_count = 0;
    ch.level_peak = 0;
    ch.level = 0;
    ch.last_reported_jitter = 0; // the newcomer learns the size again
    ch.gains.fill(1.0f);
    ch.pans.fill(0.5f);
    for (auto& other : channels_) {
        other.gains[static_cast<std::size_t>(id)] = 1.0f;
        other.pans[static_cast<std::size_t>(id)] = 0.5f;
    }
}

void AudioEngine::disconnect(int id) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    release_stream(id);
    ch.connected = false;
    ch.identified = false;
    ch.has_format = false;
    ch.decoder.reset();
    ch.encoder.reset();
}

bool AudioEngine::set_format(int id, const proto::AudioFormat& format) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    const int frame = format.frame_samples;
    const OpusMode* mode =
        frame == 64 ? (mode64_ ? &*mode64_ : nullptr) : (mode128_ ? &*mode128_ : nullptr);
    if (mode == nullptr || format.coded_bytes == 0 || format.coded_bytes > kMaxCodedBytes ||
        (format.channels != 1 && format.channels != 2) ||
        (format.block_factor != 1 && format.block_factor != 2 && format.block_factor != 4)) {
        return false;
    }
    if (ch.has_format && ch.format == format) {
        return true;
    }
    start_pool();
    if (format.is_raw()) {
        // Raw PCM (Jamulus 4.0): no codec on either side.
        release_stream(id);
        ch.decoder.reset();
        ch.encoder.reset();
    } else {
        auto dec = OpusDecoder::create(*mode, format.channels);
        auto enc = OpusEncoder::create(*mode, format.channels, format.coded_bytes);
        if (!dec.ok() || !enc.ok()) {
            ++stats_.codec_errors;
            return false;
        }
        release_stream(id);
        ch.decoder.emplace(std::move(dec).value());
        ch.encoder.emplace(std::move(enc).value());
    }
    ch.format = format;
    ch.jitter.configure(format.coded_bytes, format.with_sequence, frame);
    ch.jitter.set_requested_size(ch.jitter_request);
    ch.block.assign(format.coded_bytes, 0);
    ch.in_fifo.assign(2 * kMaxFrameFloats, 0.0f);
    ch.in_fifo_floats = 0;
    ch.current.assign(kMaxFrameFloats, 0.0f);
    ch.previous.assign(kMaxFrameFloats, 0.0f);
    ch.out_fifo.assign(2 * kMaxFrameFloats, 0.0f);
    ch.out_fifo_floats = 0;
    ch.coded.assign(kMaxFramesPerTick * format.coded_bytes, 0);
    ch.coded_frames = 0;
    ch.packet.assign(format.packet_bytes(), 0);
    ch.packet_frames = 0;
    ch.send_slots.assign(2 * format.packet_bytes(), 0);
    ch.send_slot_count = 0;
    // Fade-in over ≈ 3 s of received datagrams (§5.5).
    ch.fade_max = (frame == 64 ? 2250 : 1125) / format.block_factor;
    ch.fade_count = std::min(ch.fade_count, ch.fade_max);
    ch.has_format = true;
    return true;
}

void AudioEngine::set_identified(int id) {
    channels_[static_cast<std::size_t>(id)].identified = true;
}

void AudioEngine::set_gain(int listener, int source, float gain) {
    channels_[static_cast<std::size_t>(listener)].gains[static_cast<std::size_t>(source)] = gain;
}

void AudioEngine::set_pan(int listener, int source, float pan) {
    channels_[static_cast<std::size_t>(listener)].pans[static_cast<std::size_t>(source)] = pan;
}

float AudioEngine::gain(int listener, int source) const {
    return channels_[static_cast<std::size_t>(listener)].gains[static_cast<std::size_t>(source)];
}

void AudioEngine::set_jitter_request(int id, int value) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    ch.jitter_request = value;
    ch.jitter.set_requested_size(value);
}

std::optional<int> AudioEngine::take_jitter_change(int id) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    if (!ch.has_format || !ch.jitter.auto_mode() || ch.jitter.size() == ch.last_reported_jitter) {
        return std::nullopt;
    }
    ch.last_reported_jitter = ch.jitter.size();
    return ch.last_reported_jitter;
}

int AudioEngine::jitter_size(int id) const {
    return channels_[static_cast<std::size_t>(id)].jitter.size();
}
bool AudioEngine::jitter_auto(int id) const {
    return channels_[static_cast<std::size_t>(id)].jitter.auto_mode();
}
bool AudioEngine::has_format(int id) const {
    return channels_[static_cast<std::size_t>(id)].has_format;
}
const proto::AudioFormat* AudioEngine::format(int id) const {
    const Channel& ch = channels_[static_cast<std::size_t>(id)];
    return ch.has_format ? &ch.format : nullptr;
}

std::span<const float> AudioEngine::tick_frame(int id) const {
    const Channel& ch = channels_[static_cast<std::size_t>(id)];
    if (!ch.connected || !ch.has_format || !ch.decoded_this_tick) {
        return {};
    }
    return std::span<const float>(ch.current)
        .first(static_cast<std::size_t>(settings_.server_frame_samples) * ch.format.channels);
}

io::SocketAddress AudioEngine::address(int id) const {
    return channels_[static_cast<std::size_t>(id)].address;
}

std::uint8_t AudioEngine::update_level(int id) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    double peak = 0;
    if (ch.has_format) {
        const std::size_t floats = static_cast<std::size_t>(settings_.server_frame_samples) *
                                   static_cast<std::size_t>(ch.format.channels);
        float minimum = 0;
        const std::size_t step = 3 * static_cast<std::size_t>(ch.format.channels);
        for (std::size_t i = 0; i < floats; i += step) {
            for (std::size_t c = 0; c < ch.format.channels; ++c) {
                minimum = std::min(minimum, ch.current[i + c]);
            }
        }
        peak = -static_cast<double>(minimum);
    }
    // Falls by half per update, jumps up at once (a peak meter).
    ch.level_peak = std::max(peak, ch.level_peak * 0.5);
    ch.level = 0;
    if (ch.level_peak >= 1.0) {
        const double db = 20.0 * std::log10(ch.level_peak / 32767.0);
        const double level = std::ceil(std::max(0.0, (db + 50.0) * 8.0 / 50.0));
        ch.level = static_cast<std::uint8_t>(std::min(level, 9.0));
    }
    return ch.level;
}

std::uint8_t AudioEngine::level(int id) const {
    return channels_[static_cast<std::size_t>(id)].level;
}

} // namespace jamfleet::mixer
