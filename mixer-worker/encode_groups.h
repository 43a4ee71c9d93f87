// Groups one tick's listeners whose encoded audio would be identical so each group is
// encoded once, and tracks which encoder stream each client is decoding (docs/adr/0006).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace jamfleet::mixer {

// What, besides the per-source gains and pans, makes two listeners' encoded bytes differ.
struct EncodeKey {
    int frame_samples = 0;
    int channels = 0;
    int coded_bytes = 0;
    int fifo_floats = 0; // phase of the listener's output FIFO (not part of "stable")
    // A raw-PCM listener's own id: its "encode" is a conversion with nothing to share, so it
    // never joins a group (-1 for Opus listeners).
    int solo = -1;
    bool operator==(const EncodeKey&) const = default;
};

// Sans-I/O and allocation-free after construction. Listeners are ids 0…max-1.
//
// A "stream" is the sequence of coded frames one encoder produced; stream(id) names the
// listener whose encoder holds the state of the stream id's client decoded last tick. Within a
// group of equal signatures, listeners on the same stream share an encode at once (their bytes
// would be identical anyway); a listener on another stream joins only after both signatures
// were unchanged for merge_after_ticks ticks, when both encoders have seen the same audio.
class EncodeGroups {
public:
    EncodeGroups(int max_listeners, std::size_t max_signature_floats, int merge_after_ticks);

    // --- control path ---
    // id's encoder is new (or about to be): its client starts a stream of its own.
    void reset_stream(int id);
    // id's encoder is about to be destroyed or replaced. Returns the listener that takes over
    // its stream for the others decoding it (the caller copies id's encoder state and FIFO
    // into it), or -1 when nobody else follows id's stream.
    int hand_over(int id);
    int stream(int id) const { return stream_[static_cast<std::size_t>(id)]; }

    // --- tick path ---
    // Starts a tick; input_ids is the list of mixed sources, the same for every listener.
    void begin(std::span<const int> input_ids);
    // Where to write listener id's signature (effective gain and pan per input) this tick.
    std::span<float> signature_buffer(int id);
    // Adds listener id (in increasing id order) with `floats` signature values written.
    void add(int id, std::size_t floats, const EncodeKey& key);
    // Partitions this tick's listeners. With shared = false every listener is its own group.
    void plan(bool shared);

    // Group leaders of this tick, in id order: each mixes and encodes once.
    std::span<const int> leaders() const {
        return std::span<const int>(leaders_).first(leader_count_);
    }
    int leader_of(int id) const { return leader_of_[static_cast<std::size_t>(id)]; }
    // For a leader: the listener whose encoder state (and FIFO) it must copy before this tick's
    // encode, because its client decoded that stream last tick; -1 when it continues its own.
    int copy_source(int leader) const { return copy_source_[static_cast<std::size_t>(leader)]; }
    // Consecutive ticks id's signature (ignoring the FIFO phase) has been unchanged.
    int stable_ticks(int id) const { return stable_[static_cast<std::size_t>(id)]; }

private:
    std::size_t slot(int id) const { return static_cast<std::size_t>(id); }
    const float* signature(int id, int parity) const;
    bool same_signature(int a, int b) const;
    void assign_buckets();
    void merge_stable_buckets();
    void choose_leaders();

    std::size_t max_listeners_;
    std::size_t stride_;
    int merge_after_ticks_;
    std::uint64_t tick_ = 0;
    bool inputs_changed_ = true;

    std::vector<int> stream_;
    std::vector<int> stable_;
    std::vector<std::uint64_t> added_tick_; // tick_ + 1 of the last add (0 = never)
    // By tick parity, stride_ floats per id. Not zero-filled: at 150 listeners these are
    // 360 kB that only become resident when a room is that large.
    std::unique_ptr<float[]> signatures_[2];
    std::vector<std::size_t> lengths_[2];
    std::vector<EncodeKey> keys_[2];
    std::vector<std::uint64_t> hash_;
    std::vector<int> prev_inputs_;
    std::size_t prev_input_count_ = 0;

    std::vector<int> active_; // this tick's listeners in id order
    std::size_t active_count_ = 0;
    std::vector<int> class_of_;
    std::vector<int> class_rep_;
    std::size_t class_count_ = 0;
    std::vector<int> bucket_of_;
    std::vector<int> bucket_class_;
    std::vector<int> bucket_stream_;
    std::vector<int> bucket_size_;
    std::vector<int> bucket_leader_;
    std::size_t bucket_count_ = 0;
    std::vector<int> class_buckets_; // buckets per class

    std::vector<int> leader_of_;
    std::vector<int> copy_source_;
    std::vector<int> leaders_;
    std::size_t leader_count_ = 0;
};

} // namespace jamfleet::mixer
