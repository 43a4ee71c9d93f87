// Admission of new addresses (docs/admission.md), sans-I/O: a new address that
// streams audio is *pending* until it proves it receives what the room sends. The
// room sends it the first three messages of the new-connection sequence
// (CLIENT_ID, empty CONN_CLIENTS_LIST, REQ_SPLIT_MESS_SUPPORT), each under a
// counter drawn at random; every Jamulus client ACKs them at once, naming the
// counter. Three matching ACKs promote the address to a channel (24 bits a blind
// sender would have to guess; any ACK naming a counter never sent ends the
// attempt). Pending addresses are bounded (per IP and in total), short-lived,
// invisible (no list entry, no mix, no recorder, no Opus state) and never get more
// than 3× the bytes they sent (amplification_guard.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/token_bucket.h"
#include "io/socket_address.h"
#include "mixer-worker/amplification_guard.h"
#include "mixer-worker/outgoing.h"
#include "proto/frame.h"
#include "proto/reliable_link.h"

namespace jamfleet::mixer {

// ACKs of the probe messages needed for a seat: one per probe message.
inline constexpr int kProofAcks = 3;

struct AdmissionSettings {
    std::size_t max_pending = 64;
    std::size_t max_pending_per_ip = 8;
    // New pending addresses (= attempts at a channel) per source IP and in total.
    base::BucketParams new_per_ip{5.0, 10.0};
    base::BucketParams new_total{50.0, 100.0};
    // A client streams audio every 1.3–2.7 ms: a second of silence means it is gone.
    base::Duration idle_timeout = std::chrono::seconds(1);
    // Three round trips take well under a second; lossy paths get a fresh attempt.
    base::Duration lifetime = std::chrono::seconds(3);
    // Random source for the probe counters (tests inject one); empty: std::random_device.
    std::function<std::uint32_t()> random;
};

// Counters, for jamfleet/getStats and the supervisor's status.
struct AdmissionStats {
    std::uint64_t started = 0;               // pending addresses created
    std::uint64_t promoted = 0;              // proofs completed
    std::uint64_t forged_acks = 0;           // attempts ended by an ACK naming an unsent counter
    std::uint64_t expired = 0;               // attempts that went silent or took too long
    std::uint64_t refused_pending = 0;       // table full (in total)
    std::uint64_t refused_pending_ip = 0;    // this IP has max_pending_per_ip attempts running
    std::uint64_t refused_rate_ip = 0;       // new-attempt rate of this IP exceeded
    std::uint64_t refused_rate_total = 0;    // new-attempt rate of the room exceeded
    std::uint64_t held_dropped = 0;          // client messages beyond what a pending entry keeps
    std::uint64_t amplification_blocked = 0; // datagrams not sent: 3× budget reached
};

enum class StartResult : std::uint8_t {
    Started,
    RefusedPending,
    RefusedPendingIp,
    RefusedRateIp,
    RefusedRateTotal
};

// What the session needs to turn a proven address into a channel.
struct Promotion {
    io::SocketAddress address;
    proto::ReliableLink link;                  // probe queue drained; counters continue from here
    int announced_id = 0;                      // the channel ID CLIENT_ID carried
    std::vector<proto::DeliveredMessage> held; // the client's messages while pending
};

class Admission {
public:
    explicit Admission(AdmissionSettings settings);

    bool is_pending(io::SocketAddress address) const { return find(address) != nullptr; }
    std::size_t pending_count() const { return pending_.size(); }
    std::size_t pending_of_ip(std::uint64_t host) const; // host: SocketAddress::host_key()

    // Audio of a real client's size from an address with neither channel nor
    // pending entry: starts the probe (announcing `announced_id`) unless a limit refuses.
    StartResult start(io::SocketAddress from, std::size_t bytes, int announced_id,
                      base::TimePoint now);
    // Audio from a pending address: keeps it alive and grows its budget.
    void on_audio(io::SocketAddress from, std::size_t bytes, base::TimePoint now);
    // A connection-based frame from a pending address; the promotion once proven.
    std::optional<Promotion> on_frame(io::SocketAddress from, const proto::FrameView& frame,
                                      std::size_t bytes, base::TimePoint now);
    // Ends an attempt (CLM_DISCONNECTION, or refused at promotion).
    void forget(io::SocketAddress address);

    // Retransmissions (within budget) and expiry.
    void poll(base::TimePoint now);
    std::optional<base::TimePoint> next_deadline() const;
    // Appends what pending addresses are to be sent.
    void take_outgoing(std::vector<Outgoing>& out);

    const AdmissionStats& stats() const { return stats_; }

private:
    struct Pending {
        io::SocketAddress address;
        proto::ReliableLink link;
        AmplificationGuard guard;
        int announced_id = 0;
        int proofs = 0;
        std::array<std::uint8_t, kProofAcks> counters{};
        std::array<std::uint16_t, kProofAcks> ids{};
        base::TimePoint created{};
        base::TimePoint last_heard{};
        std::vector<proto::DeliveredMessage> held;
        std::size_t held_bytes = 0;
    };

    Pending* find(io::SocketAddress address);
    const Pending* find(io::SocketAddress address) const;
    void send(Pending& p, std::vector<std::uint8_t> datagram);
    void flush(Pending& p);
    bool sent_before(const Pending& p, std::uint8_t counter, std::uint16_t id) const;
    void remove(const Pending* p);
    std::uint32_t draw();

    AdmissionSettings settings_;
    std::vector<Pending> pending_;
    std::vector<Outgoing> outgoing_;
    base::KeyedBuckets new_per_ip_;
    base::TokenBucket new_total_;
    bool total_started_ = false;
    AdmissionStats stats_;
};

} // namespace jamfleet::mixer
