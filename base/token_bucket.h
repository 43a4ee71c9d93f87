// Token buckets for untrusted input: one bucket, and a bounded table of buckets
// keyed by source (an IP address), driven by caller-supplied time (sans-I/O).
// They serve the mixer's admission and the directory's abuse limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "base/clock.h"

namespace jamfleet::base {

// A full table is scanned for stale entries at most this often: a flood of new
// sources must not buy one O(table) scan per datagram.
inline constexpr Duration kPruneInterval = std::chrono::milliseconds(100);

struct BucketParams {
    double rate_per_s = 0; // 0 disables the limit (every take succeeds)
    double burst = 0;
};

class TokenBucket {
public:
    TokenBucket() = default;
    TokenBucket(BucketParams params, TimePoint now)
        : params_(params), tokens_(params.burst), updated_(now) {}

    // Takes `cost` tokens if available.
    bool take(TimePoint now, double cost = 1.0);
    // True when the bucket is full again (its state carries no information).
    bool idle(TimePoint now) const;

private:
    void refill(TimePoint now);

    BucketParams params_;
    double tokens_ = 0;
    TimePoint updated_{};
};

// One bucket per key. The table is bounded: full buckets are pruned (at most once
// per 100 ms, so a flood of new keys cannot buy one O(table) scan per datagram),
// and while it is still full new keys share one overflow bucket: a spoofed flood
// from random sources costs bounded memory and is still limited.
class KeyedBuckets {
public:
    KeyedBuckets(BucketParams params, std::size_t max_tracked)
        : params_(params), max_tracked_(max_tracked) {}

    bool take(std::uint64_t key, TimePoint now, double cost = 1.0);
    std::size_t tracked() const { return buckets_.size(); }
    // Scans of a full table so far (the directory's stats and tests).
    std::uint64_t prunes() const { return prunes_; }

private:
    void prune(TimePoint now);

    BucketParams params_;
    std::size_t max_tracked_;
    std::unordered_map<std::uint64_t, TokenBucket> buckets_;
    TokenBucket overflow_;
    bool overflow_started_ = false;
    std::optional<TimePoint> last_prune_;
    std::uint64_t prunes_ = 0;
};

} // namespace jamfleet::base
