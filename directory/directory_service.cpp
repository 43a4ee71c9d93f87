// Datagram dispatch of the directory (docs/protocol.md §4.7, §6.3, §6.4, §6.7).
#include "directory/directory_service.h"

#include <algorithm>
#include <array>

#include "base/byte_writer.h"
#include "directory/list_plan.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::directory {

namespace {

using proto::MessageId;

// Reported in CLM_VERSION_AND_OS; the Jamulus release whose wire behaviour we follow.
constexpr std::string_view kCompatibleVersion = "3.9.1";
constexpr std::uint8_t kOsLinux = 2;

// Small frames are encoded straight into the queued datagram (no allocation once
// the queue has grown to its working size); anything larger gets its own buffer.
void send_clm(std::vector<Outgoing>& out, Address to, MessageId id,
              std::span<const std::uint8_t> payload) {
    Outgoing& o = out.emplace_back();
    o.to = to;
    const std::size_t n = proto::encode_frame(proto::to_wire(id), 0, payload, o.small);
    if (n != 0) {
        o.small_bytes = static_cast<std::uint8_t>(n);
    } else {
        o.shared =
            std::make_shared<const std::vector<std::uint8_t>>(proto::make_clm_frame(id, payload));
    }
}

void send_shared(std::vector<Outgoing>& out, Address to, const SharedFrame& frame) {
    Outgoing& o = out.emplace_back();
    o.to = to;
    o.shared = frame;
}

// CLM_SEND_EMPTY_MESSAGE payload (target IP u32, port u16) without a heap buffer.
void send_punch(std::vector<Outgoing>& out, Address to, Address target) {
    std::array<std::uint8_t, 6> payload{};
    base::ByteWriter w(payload);
    w.u32(target.ip);
    w.u16(target.port);
    send_clm(out, to, MessageId::ClmSendEmptyMessage, w.written());
}

const char* refusal_name(Refusal r) {
    switch (r) {
    case Refusal::None:
        return "none";
    case Refusal::VersionTooOld:
        return "version_too_old";
    case Refusal::NotWhitelisted:
        return "not_whitelisted";
    case Refusal::ListFull:
        return "list_full";
    case Refusal::PerIpLimit:
        return "per_ip_limit";
    case Refusal::ListBytes:
        return "list_bytes";
    case Refusal::StoreFailed:
        return "store_failed";
    }
    return "unknown";
}

} // namespace

DirectoryService::DirectoryService(Registry& registry, Admission& admission, SelfInfo self,
                                   AbuseLimits limits, const base::Logger& log)
    : registry_(registry), admission_(admission), list_cache_(std::move(self)), log_(log),
      pings_(limits.pings_per_ip, limits.max_tracked_sources),
      lists_(limits.lists_per_ip, limits.max_tracked_sources),
      registrations_(limits.registrations_per_ip, limits.max_tracked_sources),
      list_interval_(limits.list_interval_per_source, limits.max_tracked_sources),
      punch_budget_(limits.punch_budget, base::TimePoint{}),
      list_budget_(limits.list_budget, base::TimePoint{}) {}

namespace {

bool active(const DirectoryBan& ban, base::TimePoint now) {
    return !ban.until || now < *ban.until;
}

} // namespace

bool DirectoryService::is_banned(std::uint32_t ip, base::TimePoint now) const {
    return std::any_of(bans_.begin(), bans_.end(), [ip, now](const DirectoryBan& b) {
        return active(b, now) && b.range.contains(ip);
    });
}

std::vector<DirectoryBan> DirectoryService::bans(base::TimePoint now) const {
    std::vector<DirectoryBan> out;
    std::copy_if(bans_.begin(), bans_.end(), std::back_inserter(out),
                 [now](const DirectoryBan& b) { return active(b, now); });
    return out;
}

std::size_t DirectoryService::ban(const Cidr& range, std::optional<base::TimePoint> until,
                                  std::string reason) {
    const auto same = std::find_if(bans_.begin(), bans_.end(),
                                   [&](const DirectoryBan& b) { return b.range == range; });
    if (same != bans_.end()) {
        same->until = until;
        same->reason = std::move(reason);
    } else {
        bans_.push_back(DirectoryBan{range, until, std::move(reason)});
    }
    std::vector<Address> victims;
    for (const auto& e : registry_.entries()) {
        if (range.contains(e.host.ip)) {
            victims.push_back(e.host);
        }
    }
    std::size_t evicted = 0;
    for (const auto& host : victims) {
        if (registry_.evict(host)) {
            ++stats_.evicted;
            ++evicted;
            log_.info("evicted banned server", {{"host", to_string(host)}});
        } else {
            ++stats_.store_failures;
        }
    }
    return evicted;
}

bool DirectoryService::evict(Address host) {
    if (registry_.find(host) == nullptr) {
        return false;
    }
    if (!registry_.evict(host)) {
        ++stats_.store_failures;
        return false;
    }
    ++stats_.evicted;
    return true;
}

bool DirectoryService::unban(const Cidr& range) {
    return std::erase_if(bans_, [&](const DirectoryBan& b) { return b.range == range; }) > 0;
}

bool DirectoryService::allow_query(Address from, base::TimePoint now) {
    if (!pings_.allow(from.ip, now)) {
        ++stats_.rate_limited_queries;
        return false;
    }
    return true;
}

void DirectoryService::on_datagram(Address from, std::uint32_t arrived_on,
                                   std::span<const std::uint8_t> datagram, base::TimePoint now,
                                   std::vector<Outgoing>& out) {
    const std::size_t first = out.size();
    arrived_on_ = arrived_on;
    dispatch(from, datagram, now, out);
    arrived_on_ = 0;
    if (arrived_on != 0) {
        for (std::size_t i = first; i < out.size(); ++i) {
            if (out[i].to == from) {
                out[i].from_ip = arrived_on;
            }
        }
    }
}

void DirectoryService::dispatch(Address from, std::span<const std::uint8_t> datagram,
                                base::TimePoint now, std::vector<Outgoing>& out) {
    ++stats_.datagrams;
    if (is_banned(from.ip, now)) {
        ++stats_.banned;
        return;
    }
    const auto frame = proto::parse_frame(datagram);
    if (!frame) {
        ++stats_.not_protocol;
        return;
    }
    if (!proto::is_connectionless(frame->id)) {
        ++stats_.connection_based;
        return;
    }
    const auto payload = frame->payload;
    switch (static_cast<MessageId>(frame->id)) {
    case MessageId::ClmPingMs: {
        const auto ping = proto::decode_clm_ping_ms(payload);
        if (!ping) {
            ++stats_.malformed;
        } else if (allow_query(from, now)) {
            ++stats_.pings_answered;
            send_clm(out, from, MessageId::ClmPingMs, proto::encode_payload(*ping));
        }
        return;
    }
    case MessageId::ClmReqVersionAndOs:
        if (!payload.empty()) {
            ++stats_.malformed;
        } else if (allow_query(from, now)) {
            ++stats_.queries_answered;
            send_clm(out, from, MessageId::ClmVersionAndOs,
                     proto::encode_payload(
                         proto::VersionAndOs{kOsLinux, std::string(kCompatibleVersion)}));
        }
        return;
    case MessageId::ClmReqConnClientsList:
        if (!payload.empty()) {
            ++stats_.malformed;
        } else if (allow_query(from, now)) {
            // A directory has no channels: the list is empty.
            ++stats_.queries_answered;
            send_clm(out, from, MessageId::ClmConnClientsList,
                     proto::encode_payload(proto::ConnClientsList{}));
        }
        return;
    case MessageId::ClmRegisterServer:
    case MessageId::ClmRegisterServerEx:
        handle_register(from, frame->id, payload, now, out);
        return;
    case MessageId::ClmUnregisterServer:
        if (!payload.empty()) {
            ++stats_.malformed;
        } else if (!registrations_.allow(from.ip, now)) {
            ++stats_.rate_limited_registrations;
        } else {
            handle_unregister(from);
        }
        return;
    case MessageId::ClmReqServerList:
        // Any body is ignored, as Jamulus ignores it (a proposal upstream, issue #3882, adds
        // an optional 6-byte one naming a server to hole-punch).
        handle_list_request(from, now, out);
        return;
    default:
        // Includes CLM_PING_MS_WITHNUMCLIENTS: left unanswered so that the
        // connect dialog keeps entry 0 (this directory, not a mixer) hidden;
        // see docs/adr/0004-directory-entry-zero.md.
        ++stats_.ignored;
        return;
    }
}

void DirectoryService::handle_register(Address from, std::uint16_t id,
                                       std::span<const std::uint8_t> payload, base::TimePoint now,
                                       std::vector<Outgoing>& out) {
    if (!registrations_.allow(from.ip, now)) {
        ++stats_.rate_limited_registrations;
        return;
    }
    const auto decoded = id == proto::to_wire(MessageId::ClmRegisterServer)
                             ? proto::decode_register_server(payload)
                             : proto::decode_register_server_ex(payload);
    if (!decoded) {
        ++stats_.malformed;
        return;
    }
    const auto internal = internal_address_from(decoded->internal_address, decoded->port);
    if (!internal) {
        ++stats_.malformed;
        return;
    }
    ServerInfo info;
    info.country = decoded->country;
    info.max_clients = decoded->max_clients;
    info.permanent = decoded->permanent;
    info.name = decoded->name;
    info.city = decoded->city;
    info.internal = *internal;
    info.os = decoded->os;
    info.version = decoded->version;

    const auto outcome = registry_.register_server(from, info, admission_, now);
    switch (outcome.refusal) {
    case Refusal::None:
        if (outcome.created) {
            ++stats_.registrations_new;
            log_.info("registered", {{"host", to_string(from)},
                                     {"name", info.name},
                                     {"entries", registry_.entries().size()}});
        } else {
            ++stats_.registrations_refreshed;
            log_.debug("refreshed", {{"host", to_string(from)}, {"name", info.name}});
        }
        break;
    case Refusal::VersionTooOld:
        ++stats_.refused_version;
        break;
    case Refusal::NotWhitelisted:
        ++stats_.refused_whitelist;
        break;
    case Refusal::ListFull:
        ++stats_.refused_full;
        break;
    case Refusal::PerIpLimit:
        ++stats_.refused_per_ip;
        break;
    case Refusal::ListBytes:
        ++stats_.refused_list_bytes;
        break;
    case Refusal::StoreFailed:
        ++stats_.store_failures;
        break;
    }
    if (outcome.refusal != Refusal::None) {
        std::uint64_t suppressed = 0;
        if (drop_log_limit_.allow(now, suppressed)) {
            log_.warn("registration refused", {{"host", to_string(from)},
                                               {"reason", refusal_name(outcome.refusal)},
                                               {"suppressed", suppressed}});
        }
    }
    if (outcome.reply) {
        send_clm(out, from, MessageId::ClmRegisterServerResp,
                 proto::encode_payload(
                     proto::RegisterServerResp{static_cast<std::uint8_t>(*outcome.reply)}));
    }
}

void DirectoryService::handle_unregister(Address from) {
    if (registry_.find(from) == nullptr) {
        ++stats_.unregister_unknown;
        return;
    }
    if (!registry_.unregister(from)) {
        ++stats_.store_failures;
        return;
    }
    ++stats_.unregistrations;
    log_.info("unregistered", {{"host", to_string(from)}, {"entries", registry_.entries().size()}});
}

void DirectoryService::handle_list_request(Address from, base::TimePoint now,
                                           std::vector<Outgoing>& out) {
    ++stats_.list_requests;
    if (!lists_.allow(from.ip, now)) {
        ++stats_.rate_limited_lists;
        return;
    }
    if (!list_interval_.allow(from, now)) {
        ++stats_.list_interval_suppressed;
        return;
    }
    // Spoofed requests naming many victims pass the per-IP limits; this caps what
    // the directory sends in total.
    if (!list_budget_.take(now)) {
        ++stats_.list_budget_exhausted;
        return;
    }
    const ListReply* reply = list_cache_.find(registry_, from, arrived_on_);
    ListReply computed;
    if (reply == nullptr) {
        // Row 3 of §6.4 (a public client at a registered server's IP): rare, and the
        // list depends on the client, so it is encoded for this request.
        computed = encode_list_reply(
            plan_list_reply(registry_.entries(), Requester{from, arrived_on_}, public_ip_),
            list_cache_.self());
        reply = &computed;
    }
    ++stats_.lists_sent;
    send_shared(out, from, reply->reduced);
    send_shared(out, from, reply->full);
    const Address target = punch_target(from, public_ip_);
    for (const auto& server : reply->punch_servers) {
        if (!punch_budget_.take(now)) {
            ++stats_.punches_over_budget;
            continue;
        }
        ++stats_.punches_sent;
        send_punch(out, server, target);
    }
}

void DirectoryService::expire(base::TimePoint now) {
    std::erase_if(bans_, [now](const DirectoryBan& b) { return !active(b, now); });
    for (const auto& e : registry_.expire(now)) {
        ++stats_.expired;
        log_.info("expired", {{"host", to_string(e.host)},
                              {"name", e.info.name},
                              {"entries", registry_.entries().size()}});
    }
}

void DirectoryService::keep_alive(std::vector<Outgoing>& out) const {
    for (const auto& e : registry_.entries()) {
        send_clm(out, e.host, MessageId::ClmEmptyMessage, {});
    }
}

} // namespace jamfleet::directory
