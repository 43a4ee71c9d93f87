// What one simulated client measures about the audio it gets back: rate, frames
// lost (sequence gaps), frames late (arrival stalls) and inter-arrival jitter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/clock.h"

namespace jamfleet::bench {

// Shared histogram of |inter-arrival gap − expected gap| in 10 µs buckets.
class JitterHistogram {
public:
    static constexpr std::size_t kBuckets = 10000; // up to 100 ms, the last bucket takes the rest
    static constexpr base::Duration kBucketWidth = std::chrono::microseconds(10);

    void add(base::Duration deviation);
    std::uint64_t count() const { return count_; }
    // Upper edge of the bucket holding quantile q (0..1), in microseconds.
    double quantile_us(double q) const;
    double mean_us() const { return count_ == 0 ? 0 : sum_us_ / static_cast<double>(count_); }
    double max_us() const { return max_us_; }

private:
    std::array<std::uint32_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0;
    double sum_us_ = 0;
    double max_us_ = 0;
};

class ReceiveStats {
public:
    explicit ReceiveStats(base::Duration frame_period) : period_(frame_period) {}

    // One audio packet carrying one coded frame. `arrival` is the kernel receive
    // time; `sequence` the frame's sequence byte when sequence numbers are on.
    // Only packets inside the measurement window are passed in.
    void on_frame(base::TimePoint arrival, std::optional<std::uint8_t> sequence,
                  JitterHistogram& jitter);

    std::uint64_t frames() const { return frames_; }
    std::uint64_t lost() const { return lost_; }           // skipped sequence numbers
    std::uint64_t late() const { return late_; }           // frame periods of stall beyond 2
    std::uint64_t reordered() const { return reordered_; } // duplicates or going backwards
    std::uint64_t stalls() const { return stalls_; }       // gaps > 2 frame periods
    base::Duration max_gap() const { return max_gap_; }

private:
    base::Duration period_;
    std::optional<base::TimePoint> last_arrival_;
    std::optional<std::uint8_t> last_sequence_;
    std::uint64_t frames_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t late_ = 0;
    std::uint64_t reordered_ = 0;
    std::uint64_t stalls_ = 0;
    base::Duration max_gap_{0};
};

} // namespace jamfleet::bench
