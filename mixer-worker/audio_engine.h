// The real-time path of the mixer: per channel jitter buffer → decode → personal
// mixes → one encode per group of identical mixes → packetise, once per server tick.
// Everything a tick touches is allocated when a channel's format is set, never per frame.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "io/socket_address.h"
#include "io/udp_socket.h"
#include "mixer-worker/encode_groups.h"
#include "mixer-worker/jitter_buffer.h"
#include "mixer-worker/mix_engine.h"
#include "mixer-worker/opus_codec.h"
#include "proto/audio_format.h"

namespace jamfleet::mixer {

inline constexpr int kMaxChannels = 150;

class TickPool;

// When the tick spreads decode and encode over the pool's workers.
enum class TickParallelism {
    Automatic, // in parallel while the tick's work exceeds ~45 % of its period, until < ~25 %
    Serial,
    Parallel, // always (tests)
};

// Hysteresis of TickParallelism::Automatic: parallel once the smoothed serial-equivalent work
// of a tick exceeds 45 % of its period, serial again below 25 %.
bool tick_runs_parallel(bool parallel_now, std::int64_t work_ns, std::int64_t period_ns);

struct AudioEngineSettings {
    int server_frame_samples = 128; // 64 with -F
    bool delay_pan = false;
    int max_channels = 10;
    // One encode per group of listeners with identical mixes (docs/adr/0006).
    bool shared_encodes = true;
    // Ticks both signatures must be unchanged before a listener switches to another stream.
    int merge_after_ticks = 32;
    int threads = 1; // workers for decode and encode, the tick's own thread included
    TickParallelism parallelism = TickParallelism::Automatic;
};

// Counters the tick path keeps (read by stats/JSON-RPC).
struct AudioStats {
    std::uint64_t ticks = 0;
    std::uint64_t frames_decoded = 0;
    std::uint64_t frames_concealed = 0;
    std::uint64_t frames_encoded = 0; // real encodes (one per group and client frame)
    std::uint64_t encode_groups = 0;  // groups of listeners sharing an encode, last tick
    std::uint64_t parallel_ticks = 0; // ticks that ran decode/encode on the pool
    std::uint64_t packets_sent = 0;
    std::uint64_t jitter_put_drops = 0;
    std::uint64_t wrong_size_packets = 0;
    std::uint64_t codec_errors = 0;
    std::uint64_t jitter_resizes = 0; // automatic jitter-buffer size changes
};

class AudioEngine {
public:
    explicit AudioEngine(AudioEngineSettings settings);
    ~AudioEngine();
    AudioEngine(const AudioEngine&) = delete;
    AudioEngine& operator=(const AudioEngine&) = delete;

    // --- control path (may allocate) ---
    // A new occupant of `id`: default gains 1 / pans 0.5 both ways, fade restarts,
    // no format until set_format. The jitter-buffer request survives (as Jamulus).
    void connect(int id, io::SocketAddress address);
    void disconnect(int id);
    // Sets up codec, jitter buffer and buffers for the client's format. Returns
    // false when the format cannot be served (it is then ignored).
    bool set_format(int id, const proto::AudioFormat& format);
    void set_identified(int id);
    void set_gain(int listener, int source, float gain);
    void set_pan(int listener, int source, float pan);
    float gain(int listener, int source) const;
    void set_jitter_request(int id, int value);
    // Auto jitter-buffer size of `id` if it changed since the last call.
    std::optional<int> take_jitter_change(int id);
    int jitter_size(int id) const;
    bool jitter_auto(int id) const;
    bool has_format(int id) const;
    const proto::AudioFormat* format(int id) const;
    // Level 0…9 of each connected channel's latest frame (§5.9), smoothed.
    std::uint8_t update_level(int id);
    // What update_level last computed for `id` (the dashboard's meters).
    std::uint8_t level(int id) const;

    // --- real-time path (no allocation) ---
    // An audio datagram from channel `id`; returns false when its size does not
    // match the channel's format (it is then not decoded).
    bool on_audio(int id, std::span<const std::uint8_t> datagram);
    // Runs one server frame for every connected channel and returns the audio
    // datagrams to send (views into engine buffers, valid until the next tick).
    std::span<const io::OutgoingDatagram> tick();

    // This tick's decoded server frame of `id` before any mixing (interleaved, int16
    // range), for the jam recorder; empty when the channel was not decoded this tick.
    std::span<const float> tick_frame(int id) const;
    io::SocketAddress address(int id) const;

    const AudioStats& stats() const { return stats_; }
    int server_frame_samples() const { return settings_.server_frame_samples; }

private:
    struct Channel;
    // Scratch and counters of one pool worker, so phases run without sharing writes (on its
    // own cache lines: workers increment their counters concurrently).
    struct alignas(64) Worker {
        AudioStats stats;
        std::vector<float> gains;
        std::vector<float> pans;
        std::vector<float> mix;
    };

    void start_pool();
    void release_stream(int id);
    bool active_listener(const Channel& ch) const;
    bool decode_tick(Channel& ch, AudioStats& stats);
    void plan_groups(std::size_t input_count);
    void copy_stream(int to, int from);
    void mix_and_encode(Channel& leader, int leader_id, std::size_t input_count, Worker& w);
    void packetise(Channel& ch, const std::uint8_t* coded);
    template <class Fn>
    void run_phase(bool parallel, std::size_t count, Fn&& fn);
    void choose_parallelism(std::int64_t work_ns, bool parallel);

    AudioEngineSettings settings_;
    std::optional<OpusMode> mode64_;
    std::optional<OpusMode> mode128_;
    std::vector<Channel> channels_;
    EncodeGroups groups_;
    std::unique_ptr<TickPool> pool_;
    std::vector<Worker> workers_;
    bool parallel_ = false;
    std::int64_t work_ns_avg_ = 0;
    // Per-tick scratch, sized once in the constructor.
    std::vector<int> decode_ids_;
    std::vector<MixInput> inputs_;
    std::vector<int> input_ids_;
    std::vector<io::OutgoingDatagram> outgoing_;
    AudioStats stats_;
};

} // namespace jamfleet::mixer
