// Token buckets and per-source intervals used by the directory's abuse limits.
#include "directory/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace jamfleet::directory {

void TokenBucket::refill(base::TimePoint now) {
    if (now > updated_) {
        const double seconds = std::chrono::duration<double>(now - updated_).count();
        tokens_ = std::min(params_.burst, tokens_ + seconds * params_.rate_per_s);
        updated_ = now;
    }
}

bool TokenBucket::take(base::TimePoint now, double cost) {
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

bool TokenBucket::idle(base::TimePoint now) const {
    if (params_.rate_per_s <= 0) {
        return true;
    }
    const double seconds = std::chrono::duration<double>(now - updated_).count();
    return tokens_ + seconds * params_.rate_per_s >= params_.burst;
}

namespace {

bool prune_due(std::optional<base::TimePoint>& last, base::TimePoint now) {
    if (last && now - *last < kPruneInterval) {
        return false;
    }
    last = now;
    return true;
}

} // namespace

void PerIpLimiter::prune(base::TimePoint now) {
    if (!prune_due(last_prune_, now)) {
        return;
    }
    ++prunes_;
    std::erase_if(buckets_, [now](const auto& kv) { return kv.second.idle(now); });
}

bool PerIpLimiter::allow(std::uint32_t ip, base::TimePoint now, double cost) {
    if (params_.rate_per_s <= 0) {
        return true;
    }
    auto it = buckets_.find(ip);
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
        it = buckets_.emplace(ip, TokenBucket(params_, now)).first;
    }
    return it->second.take(now, cost);
}

bool PerSourceInterval::allow(Address source, base::TimePoint now) {
    auto it = last_.find(source);
    if (it != last_.end()) {
        if (now - it->second < interval_) {
            return false;
        }
        it->second = now;
        return true;
    }
    if (last_.size() >= max_tracked_ && prune_due(last_prune_, now)) {
        ++prunes_;
        std::erase_if(last_, [&](const auto& kv) { return now - kv.second >= interval_; });
    }
    if (last_.size() >= max_tracked_) {
        // Still full: every tracked source replied within the interval, which only
        // a flood achieves; refusing new sources until entries age out is the safe side.
        return false;
    }
    last_.emplace(source, now);
    return true;
}

} // namespace jamfleet::directory
