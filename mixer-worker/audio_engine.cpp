// The real-time path: see audio_engine.h. Per tick and channel: read the server
// frame's worth of client frames from the jitter buffer, decode (concealing
// gaps), then build every listener's mix and encode it in the listener's format.
#include "mixer-worker/audio_engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace jamfleet::mixer {

// Largest frame buffers: 128 samples stereo; FIFOs hold two of them.
constexpr std::size_t kMaxFrameFloats = 128 * 2;

struct AudioEngine::Channel {
    bool connected = false;
    bool identified = false;
    bool has_format = false;
    io::SocketAddress address;
    proto::AudioFormat format;
    std::optional<OpusDecoder> decoder;
    std::optional<OpusEncoder> encoder;
    JitterBuffer jitter;
    int jitter_request = kAutoJitterValue;
    int last_reported_jitter = 0;

    std::vector<std::uint8_t> block; // one coded frame read from the jitter buffer
    std::vector<std::int16_t> pcm16; // one decoded/encoded client frame
    std::vector<float> in_fifo;      // decoded samples not yet mixed
    std::size_t in_fifo_floats = 0;
    std::vector<float> current;  // this tick's server frame (interleaved)
    std::vector<float> previous; // last tick's, for delay panning
    bool decoded_this_tick = false;
    std::vector<float> out_fifo; // mixed samples not yet encoded
    std::size_t out_fifo_floats = 0;
    std::vector<std::uint8_t> packet; // datagram being assembled
    std::size_t packet_frames = 0;
    std::vector<std::uint8_t> send_slots; // completed datagrams of this tick (≤ 2)
    std::size_t send_slot_count = 0;
    std::uint8_t out_sequence = 0;

    std::array<float, kMaxChannels> gains{};
    std::array<float, kMaxChannels> pans{};
    int fade_count = 0;
    int fade_max = 1;
    double level_peak = 0;

    float fade() const {
        return identified ? static_cast<float>(fade_count) / static_cast<float>(fade_max) : 0.0f;
    }
};

AudioEngine::AudioEngine(AudioEngineSettings settings) : settings_(settings) {
    settings_.max_channels = std::clamp(settings_.max_channels, 1, kMaxChannels);
    if (auto m = OpusMode::create(64); m.ok()) {
        mode64_.emplace(std::move(m).value());
    }
    if (auto m = OpusMode::create(128); m.ok()) {
        mode128_.emplace(std::move(m).value());
    }
    channels_.resize(static_cast<std::size_t>(settings_.max_channels));
    const auto n = static_cast<std::size_t>(settings_.max_channels);
    inputs_.resize(n);
    input_ids_.resize(n);
    gains_scratch_.resize(n);
    pans_scratch_.resize(n);
    mix_scratch_.resize(kMaxFrameFloats);
    outgoing_.reserve(2 * n);
    for (auto& ch : channels_) {
        ch.gains.fill(1.0f);
        ch.pans.fill(0.5f);
    }
}

AudioEngine::~AudioEngine() = default;

void AudioEngine::connect(int id, io::SocketAddress address) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    ch.connected = true;
    ch.identified = false;
    ch.has_format = false;
    ch.address = address;
    ch.fade_count = 0;
    ch.level_peak = 0;
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
    auto dec = OpusDecoder::create(*mode, format.channels);
    auto enc = OpusEncoder::create(*mode, format.channels, format.coded_bytes);
    if (!dec.ok() || !enc.ok()) {
        ++stats_.codec_errors;
        return false;
    }
    ch.decoder.emplace(std::move(dec).value());
    ch.encoder.emplace(std::move(enc).value());
    ch.format = format;
    ch.jitter.configure(format.coded_bytes, format.with_sequence, frame);
    ch.jitter.set_requested_size(ch.jitter_request);
    ch.block.assign(format.coded_bytes, 0);
    ch.pcm16.assign(kMaxFrameFloats, 0);
    ch.in_fifo.assign(2 * kMaxFrameFloats, 0.0f);
    ch.in_fifo_floats = 0;
    ch.current.assign(kMaxFrameFloats, 0.0f);
    ch.previous.assign(kMaxFrameFloats, 0.0f);
    ch.out_fifo.assign(2 * kMaxFrameFloats, 0.0f);
    ch.out_fifo_floats = 0;
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

bool AudioEngine::on_audio(int id, std::span<const std::uint8_t> datagram) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    if (!ch.has_format || datagram.size() != ch.format.packet_bytes()) {
        ++stats_.wrong_size_packets;
        return false;
    }
    for (std::size_t i = 0; i < ch.format.block_factor; ++i) {
        const auto frame = proto::coded_frame(ch.format, datagram, i);
        const std::uint8_t seq = proto::sequence_byte(ch.format, datagram, i).value_or(0);
        if (!ch.jitter.put(frame, seq)) {
            ++stats_.jitter_put_drops;
        }
    }
    if (ch.identified && ch.fade_count < ch.fade_max) {
        ++ch.fade_count;
    }
    return true;
}

// Fills ch.current with one server frame, decoding as many client frames as needed.
bool AudioEngine::decode_tick(Channel& ch) {
    const auto server_frame = static_cast<std::size_t>(settings_.server_frame_samples);
    const auto channels = static_cast<std::size_t>(ch.format.channels);
    const std::size_t need = server_frame * channels;
    const std::size_t client_floats = ch.format.frame_samples * channels;
    while (ch.in_fifo_floats < need) {
        const bool have = ch.jitter.get(ch.block);
        if (have) {
            ++stats_.frames_decoded;
        } else {
            ++stats_.frames_concealed;
        }
        const std::span<const std::uint8_t> data =
            have ? std::span<const std::uint8_t>(ch.block) : std::span<const std::uint8_t>();
        if (!ch.decoder->decode(data, ch.pcm16)) {
            ++stats_.codec_errors;
        }
        int16_to_float(std::span<const std::int16_t>(ch.pcm16).first(client_floats),
                       std::span<float>(ch.in_fifo).subspan(ch.in_fifo_floats, client_floats));
        ch.in_fifo_floats += client_floats;
    }
    std::swap(ch.current, ch.previous);
    std::copy_n(ch.in_fifo.begin(), need, ch.current.begin());
    std::copy(ch.in_fifo.begin() + static_cast<std::ptrdiff_t>(need),
              ch.in_fifo.begin() + static_cast<std::ptrdiff_t>(ch.in_fifo_floats),
              ch.in_fifo.begin());
    ch.in_fifo_floats -= need;
    return true;
}

// Appends one encoded client frame (plus sequence byte) to the packet; a full
// packet is copied to this tick's send slots.
void AudioEngine::emit_frame(Channel& ch, std::span<const float> frame) {
    float_to_int16(frame, ch.pcm16);
    const std::size_t stride = ch.format.frame_stride();
    std::uint8_t* at = ch.packet.data() + ch.packet_frames * stride;
    const std::size_t n =
        ch.encoder->encode(ch.pcm16, std::span<std::uint8_t>(at, ch.format.coded_bytes));
    if (n != ch.format.coded_bytes) {
        ++stats_.codec_errors;
        std::memset(at, 0, ch.format.coded_bytes);
    }
    ++stats_.frames_encoded;
    if (ch.format.with_sequence) {
        at[ch.format.coded_bytes] = ch.out_sequence;
    }
    // The counter advances per frame whether or not it is sent, as Jamulus does.
    ++ch.out_sequence;
    if (++ch.packet_frames < ch.format.block_factor) {
        return;
    }
    ch.packet_frames = 0;
    if (ch.send_slot_count >= 2) {
        return;
    }
    const std::size_t bytes = ch.packet.size();
    std::uint8_t* slot = ch.send_slots.data() + ch.send_slot_count * bytes;
    std::memcpy(slot, ch.packet.data(), bytes);
    ++ch.send_slot_count;
    outgoing_.push_back(
        io::OutgoingDatagram{ch.address, std::span<const std::uint8_t>(slot, bytes)});
    ++stats_.packets_sent;
}

void AudioEngine::mix_and_send(Channel& listener, int listener_id, std::size_t input_count) {
    const auto server_frame = static_cast<std::size_t>(settings_.server_frame_samples);
    const int out_channels = listener.format.channels;
    int self = -1;
    for (std::size_t k = 0; k < input_count; ++k) {
        const int src = input_ids_[k];
        gains_scratch_[k] = listener.gains[static_cast<std::size_t>(src)];
        pans_scratch_[k] = listener.pans[static_cast<std::size_t>(src)];
        if (src == listener_id) {
            self = static_cast<int>(k);
        }
    }
    const std::size_t floats = server_frame * static_cast<std::size_t>(out_channels);
    std::span<float> acc = std::span<float>(mix_scratch_).first(floats);
    std::fill(acc.begin(), acc.end(), 0.0f);
    MixSettings settings{settings_.server_frame_samples, out_channels, settings_.delay_pan};
    mix_personal(settings, std::span<const MixInput>(inputs_).first(input_count),
                 std::span<const float>(gains_scratch_).first(input_count),
                 std::span<const float>(pans_scratch_).first(input_count), self, acc);
    std::copy(acc.begin(), acc.end(),
              listener.out_fifo.begin() + static_cast<std::ptrdiff_t>(listener.out_fifo_floats));
    listener.out_fifo_floats += floats;
    const std::size_t client_floats =
        listener.format.frame_samples * static_cast<std::size_t>(out_channels);
    std::size_t consumed = 0;
    while (listener.out_fifo_floats - consumed >= client_floats) {
        emit_frame(listener,
                   std::span<const float>(listener.out_fifo).subspan(consumed, client_floats));
        consumed += client_floats;
    }
    if (consumed > 0) {
        std::copy(listener.out_fifo.begin() + static_cast<std::ptrdiff_t>(consumed),
                  listener.out_fifo.begin() + static_cast<std::ptrdiff_t>(listener.out_fifo_floats),
                  listener.out_fifo.begin());
        listener.out_fifo_floats -= consumed;
    }
}

std::span<const io::OutgoingDatagram> AudioEngine::tick() {
    ++stats_.ticks;
    outgoing_.clear();
    std::size_t count = 0;
    for (std::size_t id = 0; id < channels_.size(); ++id) {
        Channel& ch = channels_[id];
        ch.decoded_this_tick = false;
        ch.send_slot_count = 0;
        if (!ch.connected || !ch.has_format) {
            continue;
        }
        ch.decoded_this_tick = decode_tick(ch);
        (void)ch.jitter.update_auto_size();
        const auto floats = static_cast<std::size_t>(settings_.server_frame_samples) *
                            static_cast<std::size_t>(ch.format.channels);
        inputs_[count] = MixInput{std::span<const float>(ch.current).first(floats),
                                  std::span<const float>(ch.previous).first(floats),
                                  ch.format.channels, ch.fade()};
        input_ids_[count] = static_cast<int>(id);
        ++count;
    }
    for (std::size_t id = 0; id < channels_.size(); ++id) {
        Channel& ch = channels_[id];
        // Audio goes only to identified clients with a format (since Jamulus 3.8.0).
        if (ch.connected && ch.has_format && ch.identified) {
            mix_and_send(ch, static_cast<int>(id), count);
        }
    }
    return outgoing_;
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
    if (ch.level_peak < 1.0) {
        return 0;
    }
    const double db = 20.0 * std::log10(ch.level_peak / 32767.0);
    const double level = std::ceil(std::max(0.0, (db + 50.0) * 8.0 / 50.0));
    return static_cast<std::uint8_t>(std::min(level, 9.0));
}

} // namespace jamfleet::mixer
