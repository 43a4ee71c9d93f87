// Handlers of the directory's JSON-RPC administration methods.
#include "directory/admin_api.h"

#include <chrono>

namespace jamfleet::directory {

namespace {

using Reply = base::Result<nlohmann::json, control::RpcError>;

double seconds(base::Duration d) {
    return std::chrono::duration<double>(d).count();
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
    for (const auto& b : service_.bans(clock_.now())) {
        bans.push_back(to_string(b.range));
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

void AdminApi::install(const MethodSink& add) {
    add("jamulus/getMode", [](const nlohmann::json&) -> Reply {
        return nlohmann::json{{"mode", "directory"}};
    });
    add("jamulus/getVersion", [](const nlohmann::json&) -> Reply {
        return nlohmann::json{{"version", std::string(kDirectoryVersion)}};
    });
    add("jamfleetdir/getServers", [this](const nlohmann::json&) -> Reply { return get_servers(); });
    add("jamfleetdir/getStats", [this](const nlohmann::json&) -> Reply { return get_stats(); });
    // The first administration methods answer "ok"; jamfleet/<name> gives the details.
    const auto ok = [](Reply r) -> Reply {
        if (!r.ok()) {
            return r;
        }
        return nlohmann::json("ok");
    };
    add("jamfleetdir/evictServer", [this, ok](const nlohmann::json& p) { return ok(evict(p)); });
    add("jamfleetdir/banAddress", [this, ok](const nlohmann::json& p) { return ok(ban(p)); });
    add("jamfleetdir/unbanAddress", [this, ok](const nlohmann::json& p) { return ok(unban(p)); });
    for (auto& [name, handler] : moderation_handlers()) {
        add("jamfleet/" + name, std::move(handler));
    }
}

} // namespace jamfleet::directory
