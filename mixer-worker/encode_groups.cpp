// Encode grouping: classes of equal signatures, buckets of (class, stream), merges of stable
// buckets, and one leader per bucket. Everything is O(listeners²) at worst over preallocated
// arrays, small next to one Opus encode.
#include "mixer-worker/encode_groups.h"

#include <algorithm>
#include <cstring>

namespace jamfleet::mixer {

namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t mix_word(std::uint64_t h, std::uint32_t word) {
    return (h ^ word) * kFnvPrime;
}

} // namespace

EncodeGroups::EncodeGroups(int max_listeners, std::size_t max_signature_floats,
                           int merge_after_ticks)
    : max_listeners_(static_cast<std::size_t>(std::max(max_listeners, 1))),
      stride_(std::max<std::size_t>(max_signature_floats, 1)),
      merge_after_ticks_(std::max(merge_after_ticks, 0)) {
    const std::size_t n = max_listeners_;
    stream_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        stream_[i] = static_cast<int>(i);
    }
    stable_.assign(n, 0);
    added_tick_.assign(n, 0);
    for (int p = 0; p < 2; ++p) {
        signatures_[p].reset(new float[n * stride_]);
        lengths_[p].assign(n, 0);
        keys_[p].assign(n, EncodeKey{});
    }
    hash_.assign(n, 0);
    prev_inputs_.assign(n, -1);
    active_.assign(n, -1);
    class_of_.assign(n, -1);
    class_rep_.assign(n, -1);
    bucket_of_.assign(n, -1);
    bucket_class_.assign(n, -1);
    bucket_stream_.assign(n, -1);
    bucket_size_.assign(n, 0);
    bucket_leader_.assign(n, -1);
    class_buckets_.assign(n, 0);
    leader_of_.resize(n);
    copy_source_.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        leader_of_[i] = static_cast<int>(i);
    }
    leaders_.assign(n, -1);
}

void EncodeGroups::reset_stream(int id) {
    stream_[slot(id)] = id;
    stable_[slot(id)] = 0;
    added_tick_[slot(id)] = 0;
}

int EncodeGroups::hand_over(int id) {
    int heir = -1;
    for (std::size_t i = 0; i < max_listeners_; ++i) {
        if (static_cast<int>(i) == id || stream_[i] != id) {
            continue;
        }
        if (heir < 0) {
            heir = static_cast<int>(i);
        }
        stream_[i] = heir;
    }
    return heir;
}

void EncodeGroups::begin(std::span<const int> input_ids) {
    ++tick_;
    inputs_changed_ = input_ids.size() != prev_input_count_ ||
                      !std::equal(input_ids.begin(), input_ids.end(), prev_inputs_.begin());
    std::copy(input_ids.begin(), input_ids.end(), prev_inputs_.begin());
    prev_input_count_ = input_ids.size();
    active_count_ = 0;
}

const float* EncodeGroups::signature(int id, int parity) const {
    return signatures_[parity].get() + slot(id) * stride_;
}

std::span<float> EncodeGroups::signature_buffer(int id) {
    const auto parity = static_cast<int>(tick_ & 1u);
    return std::span<float>(signatures_[parity].get() + slot(id) * stride_, stride_);
}

void EncodeGroups::add(int id, std::size_t floats, const EncodeKey& key) {
    const auto parity = static_cast<int>(tick_ & 1u);
    const std::size_t s = slot(id);
    floats = std::min(floats, stride_);
    lengths_[parity][s] = floats;
    keys_[parity][s] = key;
    const float* sig = signature(id, parity);
    // Two independent multiply chains over pairs of floats: N² values per tick at 150
    // listeners, so the hash must not be one long dependency chain.
    std::uint64_t h0 = kFnvOffset;
    std::uint64_t h1 = mix_word(kFnvOffset, static_cast<std::uint32_t>(floats));
    h0 = mix_word(h0, static_cast<std::uint32_t>(key.frame_samples));
    h0 = mix_word(h0, static_cast<std::uint32_t>(key.channels));
    h1 = mix_word(h1, static_cast<std::uint32_t>(key.coded_bytes));
    h1 = mix_word(h1, static_cast<std::uint32_t>(key.fifo_floats));
    std::size_t i = 0;
    for (; i + 4 <= floats; i += 4) {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::memcpy(&a, sig + i, sizeof a);
        std::memcpy(&b, sig + i + 2, sizeof b);
        h0 = (h0 ^ a) * kFnvPrime;
        h1 = (h1 ^ b) * kFnvPrime;
    }
    for (; i < floats; ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, sig + i, sizeof bits);
        h0 = mix_word(h0, bits);
    }
    const std::uint64_t h = h0 ^ (h1 * kFnvPrime + 0x9e3779b97f4a7c15ull);
    hash_[s] = h;
    // Stable = the same mix as last tick; the FIFO phase may alternate and does not count.
    const int prev = parity ^ 1;
    EncodeKey prev_key = keys_[prev][s];
    prev_key.fifo_floats = key.fifo_floats;
    const bool same = !inputs_changed_ && added_tick_[s] == tick_ - 1 && tick_ > 1 &&
                      prev_key == key && lengths_[prev][s] == floats &&
                      std::memcmp(signature(id, prev), sig, floats * sizeof(float)) == 0;
    stable_[s] = same ? stable_[s] + 1 : 0;
    added_tick_[s] = tick_;
    active_[active_count_++] = id;
}

bool EncodeGroups::same_signature(int a, int b) const {
    const auto parity = static_cast<int>(tick_ & 1u);
    const std::size_t n = lengths_[parity][slot(a)];
    return hash_[slot(a)] == hash_[slot(b)] && keys_[parity][slot(a)] == keys_[parity][slot(b)] &&
           n == lengths_[parity][slot(b)] &&
           std::memcmp(signature(a, parity), signature(b, parity), n * sizeof(float)) == 0;
}

void EncodeGroups::plan(bool shared) {
    class_count_ = 0;
    for (std::size_t k = 0; k < active_count_; ++k) {
        const int id = active_[k];
        int found = -1;
        if (shared) {
            for (std::size_t c = 0; c < class_count_; ++c) {
                if (same_signature(class_rep_[c], id)) {
                    found = static_cast<int>(c);
                    break;
                }
            }
        }
        if (found < 0) {
            found = static_cast<int>(class_count_);
            class_rep_[class_count_++] = id;
        }
        class_of_[slot(id)] = found;
    }
    assign_buckets();
    merge_stable_buckets();
    choose_leaders();
}

// Buckets are (class, stream): listeners in one share this tick's bytes with no switch.
void EncodeGroups::assign_buckets() {
    bucket_count_ = 0;
    std::fill_n(class_buckets_.begin(), class_count_, 0);
    for (std::size_t k = 0; k < active_count_; ++k) {
        const int id = active_[k];
        const int c = class_of_[slot(id)];
        const int s = stream_[slot(id)];
        int found = -1;
        for (std::size_t b = 0; b < bucket_count_; ++b) {
            if (bucket_class_[b] == c && bucket_stream_[b] == s) {
                found = static_cast<int>(b);
                break;
            }
        }
        if (found < 0) {
            found = static_cast<int>(bucket_count_++);
            bucket_class_[slot(found)] = c;
            bucket_stream_[slot(found)] = s;
            bucket_size_[slot(found)] = 0;
            ++class_buckets_[slot(c)];
        }
        bucket_of_[slot(id)] = found;
        ++bucket_size_[slot(found)];
    }
}

// A listener on another stream joins the class's main bucket (the largest one whose stream's
// own encoder continues in it) once both have had this mix for merge_after_ticks ticks.
void EncodeGroups::merge_stable_buckets() {
    for (std::size_t c = 0; c < class_count_; ++c) {
        if (class_buckets_[c] < 2) {
            continue;
        }
        int main = -1;
        for (std::size_t b = 0; b < bucket_count_; ++b) {
            const int s = bucket_stream_[b];
            const bool continues =
                added_tick_[slot(s)] == tick_ && bucket_of_[slot(s)] == static_cast<int>(b);
            if (bucket_class_[b] == static_cast<int>(c) && continues &&
                (main < 0 || bucket_size_[b] > bucket_size_[slot(main)])) {
                main = static_cast<int>(b);
            }
        }
        if (main < 0 || stable_[slot(bucket_stream_[slot(main)])] < merge_after_ticks_) {
            continue;
        }
        for (std::size_t k = 0; k < active_count_; ++k) {
            const int id = active_[k];
            const int b = bucket_of_[slot(id)];
            if (class_of_[slot(id)] == static_cast<int>(c) && b != main &&
                stable_[slot(id)] >= merge_after_ticks_) {
                --bucket_size_[slot(b)];
                ++bucket_size_[slot(main)];
                bucket_of_[slot(id)] = main;
            }
        }
    }
}

// A bucket is led by its stream's own listener when that one is in it (no copy); otherwise
// by its first listener, which continues the stream from a copy of its encoder.
void EncodeGroups::choose_leaders() {
    std::fill_n(bucket_leader_.begin(), bucket_count_, -1);
    for (std::size_t b = 0; b < bucket_count_; ++b) {
        const int s = bucket_stream_[b];
        if (added_tick_[slot(s)] == tick_ && bucket_of_[slot(s)] == static_cast<int>(b)) {
            bucket_leader_[b] = s;
        }
    }
    leader_count_ = 0;
    for (std::size_t k = 0; k < active_count_; ++k) {
        const int id = active_[k];
        const auto b = slot(bucket_of_[slot(id)]);
        if (bucket_leader_[b] < 0) {
            bucket_leader_[b] = id;
        }
        const int leader = bucket_leader_[b];
        leader_of_[slot(id)] = leader;
        if (leader == id) {
            const int s = bucket_stream_[b];
            copy_source_[slot(id)] = s == id ? -1 : s;
            leaders_[leader_count_++] = id;
        }
    }
    for (std::size_t k = 0; k < active_count_; ++k) {
        const int id = active_[k];
        stream_[slot(id)] = leader_of_[slot(id)];
    }
}

} // namespace jamfleet::mixer
