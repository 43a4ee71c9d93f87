// Admission of new addresses: probe, proof, limits (see admission.h).
#include "mixer-worker/admission.h"

#include <algorithm>
#include <random>

#include "proto/conn_messages.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;

namespace {

// The client's messages a pending entry keeps for the channel (SPLIT_MESS_SUPPORTED,
// an early NETW_TRANSPORT_PROPS, …): a real client sends at most a few before its
// proof completes.
constexpr std::size_t kMaxHeldMessages = 8;
constexpr std::size_t kMaxHeldBytes = 4096;
constexpr std::size_t kTrackedIps = 4096;

} // namespace

Admission::Admission(AdmissionSettings settings)
    : settings_(std::move(settings)), new_per_ip_(settings_.new_per_ip, kTrackedIps) {
    pending_.reserve(settings_.max_pending);
}

std::uint32_t Admission::draw() {
    if (settings_.random) {
        return settings_.random();
    }
    std::random_device device;
    return device();
}

Admission::Pending* Admission::find(io::SocketAddress address) {
    for (auto& p : pending_) {
        if (p.address == address) {
            return &p;
        }
    }
    return nullptr;
}

const Admission::Pending* Admission::find(io::SocketAddress address) const {
    for (const auto& p : pending_) {
        if (p.address == address) {
            return &p;
        }
    }
    return nullptr;
}

std::size_t Admission::pending_of_ip(std::uint64_t host) const {
    return static_cast<std::size_t>(
        std::count_if(pending_.begin(), pending_.end(),
                      [host](const Pending& p) { return p.address.host_key() == host; }));
}

StartResult Admission::start(io::SocketAddress from, std::size_t bytes, int announced_id,
                             base::TimePoint now) {
    if (pending_.size() >= settings_.max_pending) {
        ++stats_.refused_pending;
        return StartResult::RefusedPending;
    }
    if (pending_of_ip(from.host_key()) >= settings_.max_pending_per_ip) {
        ++stats_.refused_pending_ip;
        return StartResult::RefusedPendingIp;
    }
    if (!total_started_) {
        new_total_ = base::TokenBucket(settings_.new_total, now);
        total_started_ = true;
    }
    if (!new_per_ip_.take(from.host_key(), now)) {
        ++stats_.refused_rate_ip;
        return StartResult::RefusedRateIp;
    }
    if (!new_total_.take(now)) {
        ++stats_.refused_rate_total;
        return StartResult::RefusedRateTotal;
    }
    ++stats_.started;
    Pending& p = pending_.emplace_back();
    p.address = from;
    p.announced_id = announced_id;
    p.created = now;
    p.last_heard = now;
    p.guard.on_received(bytes);
    const std::uint32_t random = draw();
    const std::array<std::pair<MessageId, std::vector<std::uint8_t>>, kProofAcks> probe{{
        {MessageId::ClientId,
         proto::encode_payload(proto::ClientId{static_cast<std::uint8_t>(announced_id)})},
        {MessageId::ConnClientsList, proto::encode_payload(proto::ConnClientsList{})},
        {MessageId::ReqSplitMessSupport, {}},
    }};
    for (std::size_t i = 0; i < probe.size(); ++i) {
        p.counters[i] = static_cast<std::uint8_t>(random >> (8 * i));
        p.ids[i] = proto::to_wire(probe[i].first);
        p.link.set_next_counter(p.counters[i]);
        (void)p.link.send(probe[i].first, probe[i].second, now);
    }
    flush(p);
    return StartResult::Started;
}

void Admission::send(Pending& p, std::vector<std::uint8_t> datagram) {
    if (!p.guard.try_send(datagram.size())) {
        ++stats_.amplification_blocked;
        return;
    }
    outgoing_.push_back(Outgoing{p.address, std::move(datagram)});
}

void Admission::flush(Pending& p) {
    for (auto& datagram : p.link.take_outgoing()) {
        send(p, std::move(datagram));
    }
}

void Admission::on_audio(io::SocketAddress from, std::size_t bytes, base::TimePoint now) {
    if (Pending* p = find(from)) {
        p->last_heard = now;
        p->guard.on_received(bytes);
    }
}

bool Admission::sent_before(const Pending& p, std::uint8_t counter, std::uint16_t id) const {
    for (int i = 0; i < p.proofs; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (p.counters[k] == counter && p.ids[k] == id) {
            return true;
        }
    }
    return false;
}

std::optional<Promotion> Admission::on_frame(io::SocketAddress from, const proto::FrameView& frame,
                                             std::size_t bytes, base::TimePoint now) {
    Pending* p = find(from);
    if (p == nullptr) {
        return std::nullopt;
    }
    p->last_heard = now;
    p->guard.on_received(bytes);
    auto result = p->link.on_frame(frame, now);
    if (result.ack_match == proto::AckMatch::Unmatched) {
        // A resent probe message may be ACKed twice; anything else was never sent here.
        auto ack = proto::decode_ackn(frame.payload);
        if (!ack.ok() || !sent_before(*p, frame.counter, ack->acked_id)) {
            ++stats_.forged_acks;
            remove(p);
        }
        return std::nullopt;
    }
    if (result.ack) {
        send(*p, std::move(*result.ack));
    }
    if (result.message) {
        if (p->held.size() < kMaxHeldMessages &&
            p->held_bytes + result.message->payload.size() <= kMaxHeldBytes) {
            p->held_bytes += result.message->payload.size();
            p->held.push_back(std::move(*result.message));
        } else {
            ++stats_.held_dropped;
        }
    }
    if (result.ack_match == proto::AckMatch::ReleasedHead && ++p->proofs == kProofAcks) {
        ++stats_.promoted;
        Promotion promotion{p->address, std::move(p->link), p->announced_id, std::move(p->held)};
        remove(p);
        return promotion;
    }
    flush(*p);
    return std::nullopt;
}

void Admission::forget(io::SocketAddress address) {
    if (const Pending* p = find(address)) {
        remove(p);
    }
}

void Admission::remove(const Pending* p) {
    const auto index = static_cast<std::size_t>(p - pending_.data());
    if (index + 1 != pending_.size()) {
        pending_[index] = std::move(pending_.back());
    }
    pending_.pop_back();
}

void Admission::poll(base::TimePoint now) {
    for (std::size_t i = 0; i < pending_.size();) {
        Pending& p = pending_[i];
        if (now - p.last_heard >= settings_.idle_timeout || now - p.created >= settings_.lifetime) {
            ++stats_.expired;
            remove(&p);
            continue;
        }
        p.link.poll(now);
        flush(p);
        ++i;
    }
}

std::optional<base::TimePoint> Admission::next_deadline() const {
    std::optional<base::TimePoint> next;
    for (const auto& p : pending_) {
        const base::TimePoint expiry =
            std::min(p.last_heard + settings_.idle_timeout, p.created + settings_.lifetime);
        auto d = p.link.next_deadline();
        const base::TimePoint due = d ? std::min(*d, expiry) : expiry;
        if (!next || due < *next) {
            next = due;
        }
    }
    return next;
}

void Admission::take_outgoing(std::vector<Outgoing>& out) {
    for (auto& o : outgoing_) {
        out.push_back(std::move(o));
    }
    outgoing_.clear();
}

} // namespace jamfleet::mixer
