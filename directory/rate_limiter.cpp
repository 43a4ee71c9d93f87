// Per-source reply intervals used by the directory's abuse limits.
#include "directory/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace jamfleet::directory {

namespace {

bool prune_due(std::optional<base::TimePoint>& last, base::TimePoint now) {
    if (last && now - *last < kPruneInterval) {
        return false;
    }
    last = now;
    return true;
}

} // namespace

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
