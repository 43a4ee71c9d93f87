// Rate limits for answers to unknown sources (see answer_limiter.h).
#include "mixer-worker/answer_limiter.h"

namespace jamfleet::mixer {

namespace {
constexpr std::size_t kTrackedIps = 4096;
}

std::string_view to_string(AnswerKind kind) {
    switch (kind) {
    case AnswerKind::Small:
        return "answers_limited";
    case AnswerKind::ClientList:
        return "client_lists_limited";
    case AnswerKind::ServerFull:
        return "server_full_limited";
    case AnswerKind::Welcome:
        return "welcome_messages_limited";
    case AnswerKind::kCount:
        break;
    }
    return "unknown";
}

AnswerLimiter::AnswerLimiter(AnswerLimits limits)
    : limits_{
          Limit{
              base::KeyedBuckets(limits.small_per_ip, kTrackedIps), limits.small_total, {}, false},
          Limit{base::KeyedBuckets(limits.list_per_ip, kTrackedIps), limits.list_total, {}, false},
          Limit{base::KeyedBuckets(limits.full_per_ip, kTrackedIps), limits.full_total, {}, false},
          Limit{base::KeyedBuckets(limits.welcome_per_ip, kTrackedIps),
                limits.welcome_total,
                {},
                false}} {}

bool AnswerLimiter::allow(AnswerKind kind, std::uint64_t key, base::TimePoint now) {
    const auto k = static_cast<std::size_t>(kind);
    Limit& limit = limits_[k];
    if (!limit.started) {
        limit.total = base::TokenBucket(limit.total_params, now);
        limit.started = true;
    }
    if (!limit.per_ip.take(key, now) || !limit.total.take(now)) {
        ++dropped_[k];
        return false;
    }
    return true;
}

} // namespace jamfleet::mixer
