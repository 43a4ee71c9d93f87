// Abuse limits for untrusted UDP input: token buckets (one per source IP, bounded
// table) and a global budget, all driven by caller-supplied time (sans-I/O).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "base/clock.h"
#include "directory/address.h"

namespace jamfleet::directory {

// A full table is scanned for stale entries at most this often: a flood of new
// sources must not buy one O(table) scan per datagram.
inline constexpr base::Duration kPruneInterval = std::chrono::milliseconds(100);

struct BucketParams {
    double rate_per_s = 0; // 0 disables the limit (every request passes)
    double burst = 0;
};

class TokenBucket {
public:
    TokenBucket() = default;
    TokenBucket(BucketParams params, base::TimePoint now)
        : params_(params), tokens_(params.burst), updated_(now) {}

    // Takes `cost` tokens if available.
    bool take(base::TimePoint now, double cost = 1.0);
    // True when the bucket is full again (its state carries no information).
    bool idle(base::TimePoint now) const;

private:
    void refill(base::TimePoint now);

    BucketParams params_;
    double tokens_ = 0;
    base::TimePoint updated_{};
};

// One bucket per source IP. The table is bounded: full buckets are pruned, and
// when the table is still full new IPs share one overflow bucket, so a spoofed
// flood from random sources costs bounded memory and is still limited.
class PerIpLimiter {
public:
    PerIpLimiter(BucketParams params, std::size_t max_tracked)
        : params_(params), max_tracked_(max_tracked) {}

    bool allow(std::uint32_t ip, base::TimePoint now, double cost = 1.0);
    std::size_t tracked() const { return buckets_.size(); }
    std::uint64_t prunes() const { return prunes_; }

private:
    void prune(base::TimePoint now);

    BucketParams params_;
    std::size_t max_tracked_;
    std::unordered_map<std::uint32_t, TokenBucket> buckets_;
    TokenBucket overflow_;
    bool overflow_started_ = false;
    std::optional<base::TimePoint> last_prune_;
    std::uint64_t prunes_ = 0;
};

// "At most one reply per source address per interval" (list replies).
class PerSourceInterval {
public:
    PerSourceInterval(base::Duration interval, std::size_t max_tracked)
        : interval_(interval), max_tracked_(max_tracked) {}

    bool allow(Address source, base::TimePoint now);
    std::uint64_t prunes() const { return prunes_; }

private:
    base::Duration interval_;
    std::size_t max_tracked_;
    std::optional<base::TimePoint> last_prune_;
    std::uint64_t prunes_ = 0;
    std::unordered_map<Address, base::TimePoint, AddressHash> last_;
};

} // namespace jamfleet::directory
