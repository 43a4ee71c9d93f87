// Per-client receive jitter buffer (docs/protocol.md §5.8): a FIFO of coded
// frames, or a sequence-number window when the client sends sequence bytes,
// plus the auto-size statistics of shadow buffers. Sans-I/O, no allocation
// after configure().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jamfleet::mixer {

inline constexpr int kMinJitterBlocks = 1;
inline constexpr int kMaxJitterBlocks = 20;
inline constexpr int kAutoJitterValue = 21; // protocol value meaning "auto"
inline constexpr int kDefaultJitterBlocks = 10;

// Decides the auto size from simulated buffers of sizes 2…11 that see the same
// put/get events as the real one (Jamulus's CNetBufWithStats, simplified: the
// shadows track a fill level and re-centre after an error).
class JitterSizer {
public:
    static constexpr int kShadowCount = 10;
    static constexpr int kShadowMinSize = 2;
    static constexpr int kInitialSize = 6;

    // frame_samples 64 or 128 picks Jamulus's window length, bounds and weights.
    void configure(int frame_samples);
    void on_put();
    void on_get();
    // Runs the decision and smoothing; returns the current auto size.
    int update();
    int size() const { return current_; }
    // Error rate of the shadow buffer of `size` (2…11), for stats.
    double error_rate(int size) const;

private:
    struct Shadow {
        int size = 0;
        int fill = 0;
        bool last_was_error = false;
    };
    void record(int shadow, bool error);
    void restart_statistics();

    Shadow shadows_[kShadowCount];
    std::vector<std::uint8_t> history_; // window × kShadowCount error flags (ring)
    std::size_t window_ = 11000;
    std::size_t history_pos_ = 0;
    std::size_t events_ = 0;
    std::uint32_t errors_[kShadowCount] = {};
    double bound_ = 0.0005;
    double emergency_bound_ = 0.01;
    double weight_up_ = 0.9999;
    double weight_down_ = 0.999995;
    double fast_up_ = 0.999;
    double fast_down_ = 0.9995;
    double filtered_ = kInitialSize;
    int current_ = kInitialSize;
};

class JitterBuffer {
public:
    JitterBuffer();

    // Sets the block (coded frame) size and mode, allocating storage for the
    // largest size; clears content. Called when transport props change.
    void configure(std::size_t block_bytes, bool with_sequence, int frame_samples);
    bool configured() const { return block_bytes_ != 0; }

    // Protocol value 1…20 (fixed) or 21 (auto). Content is kept where possible.
    void set_requested_size(int value);
    bool auto_mode() const { return auto_; }
    int size() const { return size_; }
    int fill() const;

    // Stores one coded frame; `seq` only in sequence mode. Returns false when it
    // was dropped (FIFO full, wrong size).
    bool put(std::span<const std::uint8_t> block, std::uint8_t seq = 0);
    // Takes the next frame into `out` (block_bytes). Returns false when missing.
    bool get(std::span<std::uint8_t> out);

    // Applies the auto decision (in auto mode); returns the new size when it changed.
    std::optional<int> update_auto_size();
    // Frames dropped to trim latency (see get()).
    std::uint64_t trimmed() const { return trimmed_; }
    const JitterSizer& sizer() const { return sizer_; }
    void clear();

private:
    std::uint8_t* slot(std::size_t index) { return storage_.data() + index * block_bytes_; }
    void resize_window(int new_size);
    void drop_oldest();
    void trim_latency();

    std::vector<std::uint8_t> storage_; // kMaxJitterBlocks slots
    std::vector<bool> valid_;
    std::size_t block_bytes_ = 0;
    bool with_sequence_ = false;
    bool auto_ = true;
    int size_ = kDefaultJitterBlocks;
    // FIFO: read index and count. Window: read index is slot 0 of the window.
    std::size_t read_ = 0;
    std::size_t count_ = 0;
    bool anchored_ = false;
    std::uint8_t expected_seq_ = 0;
    JitterSizer sizer_;
    // Latency trimming: the lowest fill seen after a read during the current
    // period; when even that kept two frames waiting, one is dropped.
    int min_fill_ = kMaxJitterBlocks;
    int reads_in_period_ = 0;
    std::uint64_t trimmed_ = 0;
};

// Reads per trimming period (≈ 1 s of 128-sample frames).
inline constexpr int kTrimPeriodReads = 375;

} // namespace jamfleet::mixer
