// Receive-side measurements of a simulated client (see receive_stats.h).
#include "bench/receive_stats.h"

#include <algorithm>
#include <cmath>

#include "proto/audio_format.h"

namespace jamfleet::bench {

void JitterHistogram::add(base::Duration deviation) {
    const auto ticks = std::max<std::int64_t>(0, deviation / kBucketWidth);
    const auto index = std::min<std::size_t>(static_cast<std::size_t>(ticks), kBuckets - 1);
    ++buckets_[index];
    ++count_;
    const double us = std::chrono::duration<double, std::micro>(deviation).count();
    sum_us_ += us;
    max_us_ = std::max(max_us_, us);
}

double JitterHistogram::quantile_us(double q) const {
    if (count_ == 0) {
        return 0;
    }
    const auto target = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    const double width_us = std::chrono::duration<double, std::micro>(kBucketWidth).count();
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += buckets_[i];
        if (seen >= std::max<std::uint64_t>(target, 1)) {
            return static_cast<double>(i + 1) * width_us;
        }
    }
    return max_us_;
}

void ReceiveStats::on_frame(base::TimePoint arrival, std::optional<std::uint8_t> sequence,
                            JitterHistogram& jitter) {
    ++frames_;
    // How many frame periods this packet advances the stream by (1 without numbers).
    std::int64_t advance = 1;
    if (sequence && last_sequence_) {
        const int distance = proto::sequence_distance(*last_sequence_, *sequence);
        if (distance <= 0) {
            ++reordered_;
            return; // a duplicate or late straggler does not move the stream forward
        }
        lost_ += static_cast<std::uint64_t>(distance - 1);
        advance = distance;
    }
    if (sequence) {
        last_sequence_ = sequence;
    }
    if (last_arrival_) {
        const base::Duration gap = arrival - *last_arrival_;
        max_gap_ = std::max(max_gap_, gap);
        const base::Duration expected = period_ * advance;
        jitter.add(gap > expected ? gap - expected : expected - gap);
        // A stall: the stream stopped for more than two frame periods beyond what
        // lost frames explain; the frames due in that time arrived late.
        if (gap > expected + period_) {
            ++stalls_;
            const auto periods = static_cast<std::int64_t>(
                std::llround(std::chrono::duration<double>(gap).count() /
                             std::chrono::duration<double>(period_).count()));
            late_ += static_cast<std::uint64_t>(std::max<std::int64_t>(0, periods - advance));
        }
    }
    last_arrival_ = arrival;
}

} // namespace jamfleet::bench
