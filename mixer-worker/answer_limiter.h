// Rate limits for what the room answers to addresses without a channel
// (docs/admission.md): connection-less replies (ping, version, client list, empty
// message, 4.0 server features and welcome message) and CLM_SERVER_FULL. Per source
// IP and in total, so a spoofed flood neither makes the room a reflector nor silences
// everyone else.
// Sans-I/O: time comes in as an argument.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/token_bucket.h"

namespace jamfleet::mixer {

enum class AnswerKind : std::uint8_t {
    Small,      // replies no larger than ~3× the request: pings, version, empty message
    ClientList, // CLM_CONN_CLIENTS_LIST: up to kMaxAnswerListBytes
    ServerFull, // CLM_SERVER_FULL to audio from a new address
    Welcome,    // CLM_WELCOME_MESSAGE (Jamulus 4.0): up to ~1.6 kB to a 9-byte request
    kCount
};
std::string_view to_string(AnswerKind kind);

// A client-list answer to an unknown source never exceeds one unfragmented
// datagram on a 1500-byte path (entries that do not fit are left out).
inline constexpr std::size_t kMaxAnswerListBytes = 1400;

struct AnswerLimits {
    // A GUI client pings each listed server every 500 ms (and 3.12 asks the version
    // with it): 20/s per IP leaves room for a school's worth of connect dialogs.
    base::BucketParams small_per_ip{20.0, 40.0};
    base::BucketParams small_total{400.0, 800.0};
    base::BucketParams list_per_ip{2.0, 4.0};
    base::BucketParams list_total{20.0, 40.0};
    // Jamulus answers every datagram (375/s); clients need to hear it once. Per
    // address (ip:port), not per IP: see Session::may_answer.
    base::BucketParams full_per_ip{1.0, 2.0};
    base::BucketParams full_total{50.0, 100.0};
    // A tool asks for the welcome text once; as strict as client lists.
    base::BucketParams welcome_per_ip{2.0, 4.0};
    base::BucketParams welcome_total{20.0, 40.0};
};

class AnswerLimiter {
public:
    explicit AnswerLimiter(AnswerLimits limits = {});

    // True when an answer of `kind` may go to the source `key` now (counted as dropped
    // otherwise): SocketAddress::host_key(), or for ServerFull the whole address.
    bool allow(AnswerKind kind, std::uint64_t key, base::TimePoint now);
    std::uint64_t dropped(AnswerKind kind) const {
        return dropped_[static_cast<std::size_t>(kind)];
    }

private:
    struct Limit {
        base::KeyedBuckets per_ip;
        base::BucketParams total_params;
        base::TokenBucket total;
        bool started = false;
    };
    static constexpr std::size_t kKinds = static_cast<std::size_t>(AnswerKind::kCount);

    std::array<Limit, kKinds> limits_;
    std::array<std::uint64_t, kKinds> dropped_{};
};

} // namespace jamfleet::mixer
