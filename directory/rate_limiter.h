// Abuse limits for untrusted UDP input: token buckets (one per source IP, bounded
// table) and a global budget, all driven by caller-supplied time (sans-I/O).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "base/clock.h"
#include "directory/address.h"

namespace jamfleet::directory {

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

private:
    void prune(base::TimePoint now);

    BucketParams params_;
    std::size_t max_tracked_;
    std::unordered_map<std::uint32_t, TokenBucket> buckets_;
    TokenBucket overflow_;
    bool overflow_started_ = false;
};

// "At most one reply per source address per interval" (list replies).
class PerSourceInterval {
public:
    PerSourceInterval(base::Duration interval, std::size_t max_tracked)
        : interval_(interval), max_tracked_(max_tracked) {}

    bool allow(Address source, base::TimePoint now);

private:
    base::Duration interval_;
    std::size_t max_tracked_;
    std::unordered_map<Address, base::TimePoint, AddressHash> last_;
};

} // namespace jamfleet::directory
