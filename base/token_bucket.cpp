// Token buckets (see token_bucket.h).
#include "base/token_bucket.h"

#include <algorithm>
#include <chrono>

namespace jamfleet::base {

void TokenBucket::refill(TimePoint now) {
    if (now > updated_) {
        const double seconds = std::chrono::duration<double>(now - updated_).count();
        tokens_ = std::min(params_.burst, tokens_ + seconds * params_.rate_per_s);
        updated_ = now;
    }
}

bool TokenBucket::take(TimePoint now, double cost) {
    if (params_.rate_per_s <= 0) {
        return true;
    }
    refill(now);
    if (tokens_ < cost) {
        return false;
    }
    tokens_ -= cost;
    return true;
}

bool TokenBucket::idle(TimePoint now) const {
    if (params_.rate_per_s <= 0) {
        return true;
    }
    const double seconds = std::chrono::duration<double>(now - updated_).count();
    return tokens_ + seconds * params_.rate_per_s >= params_.burst;
}

void KeyedBuckets::prune(TimePoint now) {
    if (last_prune_ && now - *last_prune_ < kPruneInterval) {
        return;
    }
    last_prune_ = now;
    ++prunes_;
    std::erase_if(buckets_, [now](const auto& kv) { return kv.second.idle(now); });
}

bool KeyedBuckets::take(std::uint64_t key, TimePoint now, double cost) {
    if (params_.rate_per_s <= 0) {
        return true;
    }
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_tracked_) {
            prune(now);
        }
        if (buckets_.size() >= max_tracked_) {
            if (!overflow_started_) {
                overflow_ = TokenBucket(params_, now);
                overflow_started_ = true;
            }
            return overflow_.take(now, cost);
        }
        it = buckets_.emplace(key, TokenBucket(params_, now)).first;
    }
    return it->second.take(now, cost);
}

} // namespace jamfleet::base
