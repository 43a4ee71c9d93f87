// Abuse limits for untrusted UDP input: token buckets (one per source IP, bounded
// table), a global budget and one reply per source per interval, all driven by
// caller-supplied time (sans-I/O).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "base/clock.h"
#include "base/token_bucket.h"
#include "directory/address.h"

namespace jamfleet::directory {

// The token buckets are base's (base/token_bucket.h), shared with the mixer's admission.
using base::BucketParams;
using base::kPruneInterval;
using base::TokenBucket;

// One bucket per source IP (base::KeyedBuckets): bounded table, full buckets pruned, new IPs
// sharing one overflow bucket while it is still full.
class PerIpLimiter {
public:
    PerIpLimiter(BucketParams params, std::size_t max_tracked) : buckets_(params, max_tracked) {}

    bool allow(std::uint32_t ip, base::TimePoint now, double cost = 1.0) {
        return buckets_.take(ip, now, cost);
    }
    std::size_t tracked() const { return buckets_.tracked(); }
    std::uint64_t prunes() const { return buckets_.prunes(); }

private:
    base::KeyedBuckets buckets_;
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
