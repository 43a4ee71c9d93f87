// Moderation requests of jamfleet-directory (docs/directory.md, "Moderation"): entries,
// evict, ban, unban, getBans — ops of the control socket (the supervisor's and the web
// child's channel) and JSON-RPC methods jamfleet/<name>; the older jamfleetdir/* methods
// call the same code.
#include <chrono>
#include <ctime>

#include "directory/admin_api.h"
#include "proto/country.h"

namespace jamfleet::directory {

namespace {

using Reply = base::Result<nlohmann::json, control::RpcError>;

// At most a year, as a room's bans: longer is "until lifted" (seconds omitted or 0).
constexpr std::int64_t kMaxBanSeconds = 366LL * 24 * 3600;
// A well-formed request that cannot be carried out (as admin_api.cpp).
constexpr int kRpcFailed = 1;

control::RpcError invalid(std::string message) {
    return control::RpcError{control::kRpcInvalidParams, "Invalid params: " + std::move(message)};
}

// "2026-12-05T01:02:03Z" of Unix milliseconds.
std::string utc_text(std::int64_t unix_ms) {
    const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

base::Result<Cidr, control::RpcError> range_param(const nlohmann::json& params) {
    const auto it = params.find("address");
    if (it == params.end() || !it->is_string()) {
        return base::Err{control::rpc_param_not_string("address")};
    }
    if (const auto range = parse_cidr(it->get<std::string>())) {
        return *range;
    }
    return base::Err{invalid("address is not an IPv4 address or CIDR range")};
}

} // namespace

Reply AdminApi::entries() const {
    const auto now = clock_.now();
    const std::int64_t wall = store_.wall_ms();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : registry_.entries()) {
        const auto ago =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - e.refreshed_at);
        list.push_back({{"name", e.info.name},
                        {"address", to_string(e.host)},
                        {"version", e.info.version ? nlohmann::json(*e.info.version)
                                                   : nlohmann::json(nullptr)},
                        {"lastSeen", utc_text(wall - ago.count())},
                        {"source", e.info.permanent ? "permanent" : "registered"},
                        {"city", e.info.city},
                        {"country", std::string(proto::country_name(e.info.country))}});
    }
    return nlohmann::json{{"entries", std::move(list)}};
}

Reply AdminApi::evict(const nlohmann::json& params) {
    const auto it = params.find("address");
    if (it == params.end() || !it->is_string()) {
        return base::Err{control::rpc_param_not_string("address")};
    }
    const std::string text = it->get<std::string>();
    const auto address = parse_address(text, 22124);
    if (!address) {
        return base::Err{invalid("address is not ip:port")};
    }
    if (registry_.find(*address) == nullptr) {
        return base::Err{control::RpcError{kRpcFailed, "No server registered from " + text}};
    }
    if (!service_.evict(*address)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    log_.info("evicted", {{"host", to_string(*address)}});
    return nlohmann::json{{"evicted", to_string(*address)}};
}

Reply AdminApi::ban(const nlohmann::json& params) {
    const auto range = range_param(params);
    if (!range.ok()) {
        return base::Err{range.error()};
    }
    std::int64_t seconds = 0;
    if (const auto s = params.find("seconds"); s != params.end() && !s->is_null()) {
        if (!s->is_number_integer() || s->get<std::int64_t>() < 0 ||
            s->get<std::int64_t>() > kMaxBanSeconds) {
            return base::Err{invalid("seconds is not an integer in 0…31622400")};
        }
        seconds = s->get<std::int64_t>();
    }
    std::string reason;
    if (const auto r = params.find("reason"); r != params.end()) {
        if (!r->is_string()) {
            return base::Err{control::rpc_param_not_string("reason")};
        }
        reason = r->get<std::string>();
    }
    std::optional<std::int64_t> expires_ms;
    std::optional<base::TimePoint> until;
    if (seconds > 0) {
        expires_ms = store_.wall_ms() + seconds * 1000;
        until = clock_.now() + std::chrono::seconds(seconds);
    }
    // Stored first: a ban the database refused would be gone after a restart.
    if (!store_.add_ban(*range, reason, expires_ms)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    const std::size_t evicted = service_.ban(*range, until, reason);
    log_.info("banned", {{"range", to_string(*range)},
                         {"seconds", seconds},
                         {"reason", reason},
                         {"evicted", evicted}});
    return nlohmann::json{{"banned", to_string(*range)}, {"evicted", evicted}};
}

Reply AdminApi::unban(const nlohmann::json& params) {
    const auto range = range_param(params);
    if (!range.ok()) {
        return base::Err{range.error()};
    }
    if (!store_.remove_ban(*range)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    const bool removed = service_.unban(*range);
    log_.info("unbanned", {{"range", to_string(*range)}, {"removed", removed}});
    return nlohmann::json{{"removed", removed}};
}

nlohmann::json AdminApi::bans_json() const {
    const auto now = clock_.now();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : service_.bans(now)) {
        nlohmann::json left = nullptr;
        if (b.until) {
            left = std::chrono::ceil<std::chrono::seconds>(*b.until - now).count();
        }
        list.push_back(
            {{"address", to_string(b.range)}, {"secondsLeft", left}, {"reason", b.reason}});
    }
    return list;
}

std::vector<std::pair<std::string, control::RpcHandler>> AdminApi::moderation_handlers() {
    std::vector<std::pair<std::string, control::RpcHandler>> out;
    out.emplace_back("entries", [this](const nlohmann::json&) { return entries(); });
    out.emplace_back("evict", [this](const nlohmann::json& p) { return evict(p); });
    out.emplace_back("ban", [this](const nlohmann::json& p) { return ban(p); });
    out.emplace_back("unban", [this](const nlohmann::json& p) { return unban(p); });
    out.emplace_back("getBans", [this](const nlohmann::json&) -> Reply {
        return nlohmann::json{{"bans", bans_json()}};
    });
    return out;
}

} // namespace jamfleet::directory
