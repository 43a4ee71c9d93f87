// Handlers of the directory's JSON-RPC administration methods.
#include "directory/admin_api.h"

#include <chrono>

namespace jamfleet::directory {

namespace {

using Reply = base::Result<nlohmann::json, control::RpcError>;

// Application error code for a well-formed request that cannot be carried out
// (Jamulus uses 1 for "Client is not connected" in the same way).
constexpr int kRpcFailed = 1;

double seconds(base::Duration d) {
    return std::chrono::duration<double>(d).count();
}

std::optional<std::string> string_param(const nlohmann::json& params, const char* name) {
    const auto it = params.find(name);
    if (it == params.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

} // namespace

nlohmann::json AdminApi::get_servers() const {
    const auto now = clock_.now();
    nlohmann::json servers = nlohmann::json::array();
    for (const auto& e : registry_.entries()) {
        nlohmann::json s{
            {"address", to_string(e.host)},
            {"internalAddress", to_string(e.info.internal)},
            {"name", e.info.name},
            {"city", e.info.city},
            {"countryId", e.info.country},
            {"maxClients", e.info.max_clients},
            {"permanent", e.info.permanent},
            {"position", e.position},
            {"ageSeconds", seconds(now - e.registered_at)},
            {"sinceRefreshSeconds", seconds(now - e.refreshed_at)},
            {"expiresInSeconds", seconds(e.expires_at - now)},
        };
        s["os"] = e.info.os ? nlohmann::json(*e.info.os) : nlohmann::json(nullptr);
        s["version"] = e.info.version ? nlohmann::json(*e.info.version) : nlohmann::json(nullptr);
        servers.push_back(std::move(s));
    }
    return {{"servers", std::move(servers)}, {"maxServers", registry_.limits().max_servers}};
}

nlohmann::json AdminApi::get_stats() const {
    const auto& s = service_.stats();
    nlohmann::json bans = nlohmann::json::array();
    for (const auto& b : service_.bans()) {
        bans.push_back(to_string(b));
    }
    return {
        {"entries", registry_.entries().size()},
        {"listBytes", registry_.list_bytes()},
        {"bans", std::move(bans)},
        {"datagrams", s.datagrams},
        {"notProtocol", s.not_protocol},
        {"malformed", s.malformed},
        {"connectionBased", s.connection_based},
        {"ignored", s.ignored},
        {"banned", s.banned},
        {"rateLimitedQueries", s.rate_limited_queries},
        {"rateLimitedLists", s.rate_limited_lists},
        {"rateLimitedRegistrations", s.rate_limited_registrations},
        {"listIntervalSuppressed", s.list_interval_suppressed},
        {"listBudgetExhausted", s.list_budget_exhausted},
        {"pingsAnswered", s.pings_answered},
        {"queriesAnswered", s.queries_answered},
        {"listRequests", s.list_requests},
        {"listsSent", s.lists_sent},
        {"punchesSent", s.punches_sent},
        {"punchesOverBudget", s.punches_over_budget},
        {"registrationsNew", s.registrations_new},
        {"registrationsRefreshed", s.registrations_refreshed},
        {"refusedVersion", s.refused_version},
        {"refusedWhitelist", s.refused_whitelist},
        {"refusedFull", s.refused_full},
        {"refusedPerIp", s.refused_per_ip},
        {"refusedListBytes", s.refused_list_bytes},
        {"unregistrations", s.unregistrations},
        {"unregisterUnknown", s.unregister_unknown},
        {"expired", s.expired},
        {"evicted", s.evicted},
        {"storeFailures", s.store_failures},
    };
}

Reply AdminApi::evict(const nlohmann::json& params) {
    const auto text = string_param(params, "address");
    if (!text) {
        return base::Err{control::rpc_param_not_string("address")};
    }
    const auto address = parse_address(*text, 22124);
    if (!address) {
        return base::Err{control::RpcError{control::kRpcInvalidParams,
                                           "Invalid params: address is not ip:port"}};
    }
    if (registry_.find(*address) == nullptr) {
        return base::Err{control::RpcError{kRpcFailed, "No server registered from " + *text}};
    }
    if (!service_.evict(*address)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    log_.info("evicted", {{"host", to_string(*address)}, {"by", "jsonrpc"}});
    return nlohmann::json("ok");
}

Reply AdminApi::ban(const nlohmann::json& params) {
    const auto text = string_param(params, "address");
    if (!text) {
        return base::Err{control::rpc_param_not_string("address")};
    }
    const auto range = parse_cidr(*text);
    if (!range) {
        return base::Err{control::RpcError{control::kRpcInvalidParams,
                                           "Invalid params: address is not an IP or CIDR range"}};
    }
    const auto reason = string_param(params, "reason").value_or("");
    if (!store_.add_ban(*range, reason)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    service_.ban(*range);
    log_.info("banned", {{"range", to_string(*range)}, {"reason", reason}});
    return nlohmann::json("ok");
}

Reply AdminApi::unban(const nlohmann::json& params) {
    const auto text = string_param(params, "address");
    if (!text) {
        return base::Err{control::rpc_param_not_string("address")};
    }
    const auto range = parse_cidr(*text);
    if (!range) {
        return base::Err{control::RpcError{control::kRpcInvalidParams,
                                           "Invalid params: address is not an IP or CIDR range"}};
    }
    if (!store_.remove_ban(*range)) {
        return base::Err{control::RpcError{control::kRpcInternalError, store_.last_error()}};
    }
    service_.unban(*range);
    log_.info("unbanned", {{"range", to_string(*range)}});
    return nlohmann::json("ok");
}

void AdminApi::install(const MethodSink& add) {
    add("jamulus/getMode", [](const nlohmann::json&) -> Reply {
        return nlohmann::json{{"mode", "directory"}};
    });
    add("jamulus/getVersion", [](const nlohmann::json&) -> Reply {
        return nlohmann::json{{"version", std::string(kDirectoryVersion)}};
    });
    add("jamfleetdir/getServers", [this](const nlohmann::json&) -> Reply { return get_servers(); });
    add("jamfleetdir/getStats", [this](const nlohmann::json&) -> Reply { return get_stats(); });
    add("jamfleetdir/evictServer", [this](const nlohmann::json& p) { return evict(p); });
    add("jamfleetdir/banAddress", [this](const nlohmann::json& p) { return ban(p); });
    add("jamfleetdir/unbanAddress", [this](const nlohmann::json& p) { return unban(p); });
}

} // namespace jamfleet::directory
