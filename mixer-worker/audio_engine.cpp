// The real-time path: see audio_engine.h. A tick runs in phases whose items are
// independent, so A and B can be spread over the TickPool: (A) decode every channel,
// group listeners with identical mixes (serial), (B) mix and encode once per group leader,
// (C) packetise the leader's bytes for every listener (serial, cheap).
#include "mixer-worker/audio_engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "mixer-worker/audio_engine_channel.h"
#include "mixer-worker/raw_pcm.h"
#include "mixer-worker/tick_pool.h"

namespace jamfleet::mixer {

namespace {

void add_worker_stats(AudioStats& into, AudioStats& from) {
    into.frames_decoded += from.frames_decoded;
    into.frames_concealed += from.frames_concealed;
    into.frames_encoded += from.frames_encoded;
    into.codec_errors += from.codec_errors;
    into.jitter_resizes += from.jitter_resizes;
    from = AudioStats{};
}

} // namespace

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

// Audio goes only to identified clients with a format (since Jamulus 3.8.0).
bool AudioEngine::active_listener(const Channel& ch) const {
    return ch.connected && ch.has_format && ch.identified;
}

// Fills ch.current with one server frame, decoding as many client frames as needed.
bool AudioEngine::decode_tick(Channel& ch, AudioStats& stats) {
    const auto server_frame = static_cast<std::size_t>(settings_.server_frame_samples);
    const auto channels = static_cast<std::size_t>(ch.format.channels);
    const std::size_t need = server_frame * channels;
    const std::size_t client_floats = ch.format.frame_samples * channels;
    while (ch.in_fifo_floats < need) {
        const bool have = ch.jitter.get(ch.block);
        if (have) {
            ++stats.frames_decoded;
        } else {
            ++stats.frames_concealed;
        }
        const std::span<const std::uint8_t> data =
            have ? std::span<const std::uint8_t>(ch.block) : std::span<const std::uint8_t>();
        const std::span<float> out =
            std::span<float>(ch.in_fifo).subspan(ch.in_fifo_floats, client_floats);
        if (ch.format.is_raw()) {
            // A lost raw frame is silence, as in Jamulus 4.0.
            if (have) {
                raw_pcm_to_floats(data, out);
            } else {
                std::fill(out.begin(), out.end(), 0.0f);
            }
        } else if (!ch.decoder->decode(data, out)) {
            ++stats.codec_errors;
        }
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

// Writes every listener's mix signature (what makes its encoded bytes differ) and lets
// EncodeGroups partition them. Gains are computed exactly as mix_personal does, so equal
// signatures mean bit-identical mixes.
void AudioEngine::plan_groups(std::size_t input_count) {
    groups_.begin(std::span<const int>(input_ids_).first(input_count));
    for (std::size_t id = 0; id < channels_.size(); ++id) {
        Channel& ch = channels_[id];
        if (!active_listener(ch)) {
            continue;
        }
        const int listener = static_cast<int>(id);
        const EncodeKey key{
            static_cast<int>(ch.format.frame_samples), static_cast<int>(ch.format.channels),
            static_cast<int>(ch.format.coded_bytes), static_cast<int>(ch.out_fifo_floats),
            ch.format.is_raw() ? listener : -1};
        if (!settings_.shared_encodes) {
            groups_.add(listener, 0, key);
            continue;
        }
        const std::span<float> sig = groups_.signature_buffer(listener);
        const float listener_fade = ch.fade();
        const bool stereo = ch.format.channels == 2;
        for (std::size_t k = 0; k < input_count; ++k) {
            const int src = input_ids_[k];
            const float g = effective_gain(ch.gains[static_cast<std::size_t>(src)], inputs_[k].fade,
                                           listener_fade, src == listener);
            // A silent source is skipped by the mixer whatever its pan; mono ignores pans.
            const bool heard = g != 0.0f;
            sig[2 * k] = heard ? g : 0.0f;
            sig[2 * k + 1] = heard && stereo ? ch.pans[static_cast<std::size_t>(src)] : 0.0f;
        }
        groups_.add(listener, 2 * input_count, key);
    }
    groups_.plan(settings_.shared_encodes);
}

// Continues `from`'s stream in `to`: its client decoded `from`'s frames so far.
void AudioEngine::copy_stream(int to, int from) {
    Channel& dst = channels_[static_cast<std::size_t>(to)];
    const Channel& src = channels_[static_cast<std::size_t>(from)];
    if (!dst.encoder || !src.encoder || dst.format.frame_samples != src.format.frame_samples ||
        dst.format.channels != src.format.channels ||
        dst.format.coded_bytes != src.format.coded_bytes) {
        return;
    }
    dst.encoder->copy_state_from(*src.encoder);
    const std::size_t floats = std::min(src.out_fifo_floats, dst.out_fifo.size());
    std::copy_n(src.out_fifo.begin(), floats, dst.out_fifo.begin());
    dst.out_fifo_floats = floats;
}

// Mixes the leader's personal mix into its FIFO and encodes every whole client frame.
void AudioEngine::mix_and_encode(Channel& leader, int leader_id, std::size_t input_count,
                                 Worker& w) {
    const auto server_frame = static_cast<std::size_t>(settings_.server_frame_samples);
    const int out_channels = leader.format.channels;
    int self = -1;
    for (std::size_t k = 0; k < input_count; ++k) {
        const int src = input_ids_[k];
        w.gains[k] = leader.gains[static_cast<std::size_t>(src)];
        w.pans[k] = leader.pans[static_cast<std::size_t>(src)];
        if (src == leader_id) {
            self = static_cast<int>(k);
        }
    }
    const std::size_t floats = server_frame * static_cast<std::size_t>(out_channels);
    std::span<float> acc = std::span<float>(w.mix).first(floats);
    std::fill(acc.begin(), acc.end(), 0.0f);
    MixSettings settings{settings_.server_frame_samples, out_channels, settings_.delay_pan};
    mix_personal(settings, std::span<const MixInput>(inputs_).first(input_count),
                 std::span<const float>(w.gains).first(input_count),
                 std::span<const float>(w.pans).first(input_count), self, acc);
    std::copy(acc.begin(), acc.end(),
              leader.out_fifo.begin() + static_cast<std::ptrdiff_t>(leader.out_fifo_floats));
    leader.out_fifo_floats += floats;
    const std::size_t client_floats =
        leader.format.frame_samples * static_cast<std::size_t>(out_channels);
    const std::size_t bytes = leader.format.coded_bytes;
    std::size_t consumed = 0;
    leader.coded_frames = 0;
    while (leader.out_fifo_floats - consumed >= client_floats &&
           leader.coded_frames < kMaxFramesPerTick) {
        const std::span<std::uint8_t> out =
            std::span<std::uint8_t>(leader.coded).subspan(leader.coded_frames * bytes, bytes);
        const auto pcm = std::span<const float>(leader.out_fifo).subspan(consumed, client_floats);
        if (leader.format.is_raw()) {
            floats_to_raw_pcm(pcm, out);
        } else if (leader.encoder->encode(pcm, out) != bytes) {
            ++w.stats.codec_errors;
            std::fill(out.begin(), out.end(), std::uint8_t{0});
        }
        ++w.stats.frames_encoded;
        ++leader.coded_frames;
        consumed += client_floats;
    }
    if (consumed > 0) {
        std::copy(leader.out_fifo.begin() + static_cast<std::ptrdiff_t>(consumed),
                  leader.out_fifo.begin() + static_cast<std::ptrdiff_t>(leader.out_fifo_floats),
                  leader.out_fifo.begin());
        leader.out_fifo_floats -= consumed;
    }
}

// Appends one coded client frame (plus sequence byte) to the listener's packet; a full
// packet is copied to this tick's send slots.
void AudioEngine::packetise(Channel& ch, const std::uint8_t* coded) {
    const std::size_t stride = ch.format.frame_stride();
    std::uint8_t* at = ch.packet.data() + ch.packet_frames * stride;
    std::memcpy(at, coded, ch.format.coded_bytes);
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

bool tick_runs_parallel(bool parallel_now, std::int64_t work_ns, std::int64_t period_ns) {
    if (work_ns > period_ns * 45 / 100) {
        return true;
    }
    if (work_ns < period_ns * 25 / 100) {
        return false;
    }
    return parallel_now;
}

template <class Fn>
void AudioEngine::run_phase(bool parallel, std::size_t count, Fn&& fn) {
    if (parallel) {
        pool_->run(count, fn);
        return;
    }
    for (std::size_t i = 0; i < count; ++i) {
        fn(0, i);
    }
}

// Hysteresis on a smoothed work estimate: parallel above ~45 % of the tick period, serial
// again below ~25 %. Measured (bench/run, N = 64 at 128 samples): a parallel tick costs
// ~35 % more CPU than a serial one (wake-ups, and decoder states moving between cores'
// caches), so the second core is only worth it once one core could not keep up
// comfortably next to the sockets' own work. A parallel tick's
// wall time is scaled by the workers to estimate what the work would cost serially.
void AudioEngine::choose_parallelism(std::int64_t work_ns, bool parallel) {
    if (parallel) {
        work_ns *= static_cast<std::int64_t>(workers_.size());
    }
    work_ns_avg_ += (work_ns - work_ns_avg_) / 8;
    const std::int64_t period_ns =
        static_cast<std::int64_t>(settings_.server_frame_samples) * 1'000'000'000 / kSampleRate;
    parallel_ = tick_runs_parallel(parallel_, work_ns_avg_, period_ns);
}

std::span<const io::OutgoingDatagram> AudioEngine::tick() {
    const auto started = std::chrono::steady_clock::now();
    ++stats_.ticks;
    outgoing_.clear();
    const bool parallel =
        pool_ && (settings_.parallelism == TickParallelism::Parallel ||
                  (settings_.parallelism == TickParallelism::Automatic && parallel_));
    if (parallel) {
        ++stats_.parallel_ticks;
    }

    // (A) decode: per-channel state only.
    std::size_t count = 0;
    for (std::size_t id = 0; id < channels_.size(); ++id) {
        Channel& ch = channels_[id];
        ch.decoded_this_tick = false;
        ch.send_slot_count = 0;
        ch.coded_frames = 0;
        if (ch.connected && ch.has_format) {
            decode_ids_[count++] = static_cast<int>(id);
        }
    }
    run_phase(parallel, count, [this](int worker, std::size_t i) {
        Channel& ch = channels_[static_cast<std::size_t>(decode_ids_[i])];
        AudioStats& stats = workers_[static_cast<std::size_t>(worker)].stats;
        ch.decoded_this_tick = decode_tick(ch, stats);
        if (ch.jitter.update_auto_size()) {
            ++stats.jitter_resizes;
        }
    });
    for (std::size_t k = 0; k < count; ++k) {
        const int id = decode_ids_[k];
        Channel& ch = channels_[static_cast<std::size_t>(id)];
        const auto floats = static_cast<std::size_t>(settings_.server_frame_samples) *
                            static_cast<std::size_t>(ch.format.channels);
        inputs_[k] = MixInput{std::span<const float>(ch.current).first(floats),
                              std::span<const float>(ch.previous).first(floats), ch.format.channels,
                              ch.fade()};
        input_ids_[k] = id;
    }

    // Grouping, then every split's state copy before any encode: copy sources are last
    // tick's leaders, which no copy overwrites.
    plan_groups(count);
    const auto leaders = groups_.leaders();
    for (const int leader : leaders) {
        if (const int from = groups_.copy_source(leader); from >= 0) {
            copy_stream(leader, from);
        }
    }

    // (B) one mix and encode per group.
    run_phase(parallel, leaders.size(), [this, leaders, count](int worker, std::size_t i) {
        const int id = leaders[i];
        mix_and_encode(channels_[static_cast<std::size_t>(id)], id, count,
                       workers_[static_cast<std::size_t>(worker)]);
    });

    // (C) every listener sends its leader's bytes under its own sequence numbers.
    for (std::size_t id = 0; id < channels_.size(); ++id) {
        Channel& ch = channels_[id];
        if (!active_listener(ch)) {
            continue;
        }
        const Channel& leader =
            channels_[static_cast<std::size_t>(groups_.leader_of(static_cast<int>(id)))];
        ch.out_fifo_floats = leader.out_fifo_floats;
        for (std::size_t f = 0; f < leader.coded_frames; ++f) {
            packetise(ch, leader.coded.data() + f * ch.format.coded_bytes);
        }
    }
    for (auto& w : workers_) {
        add_worker_stats(stats_, w.stats);
    }
    stats_.encode_groups = leaders.size();
    if (pool_ && settings_.parallelism == TickParallelism::Automatic) {
        const auto work = std::chrono::steady_clock::now() - started;
        choose_parallelism(std::chrono::duration_cast<std::chrono::nanoseconds>(work).count(),
                           parallel);
    }
    return outgoing_;
}

} // namespace jamfleet::mixer
