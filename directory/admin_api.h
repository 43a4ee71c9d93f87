// JSON-RPC administration of the directory (jamfleetdir/*, plus jamulus/getMode
// and getVersion): methods as plain handlers, installed on control's server.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "control/jsonrpc_dispatcher.h"
#include "directory/directory_service.h"
#include "directory/registry.h"
#include "directory/store.h"

namespace jamfleet::directory {

inline constexpr std::string_view kDirectoryVersion = "0.1.0";

using MethodSink = std::function<void(std::string name, control::RpcHandler handler)>;

class AdminApi {
public:
    AdminApi(Registry& registry, DirectoryService& service, Store& store, const base::Clock& clock,
             const base::Logger& log)
        : registry_(registry), service_(service), store_(store), clock_(clock), log_(log) {}

    // Registers every method with `add` (e.g. JsonRpcServer::add_method).
    void install(const MethodSink& add);

    nlohmann::json get_servers() const;
    nlohmann::json get_stats() const;

    // Moderation requests (admin_moderation.cpp): entries, evict, ban, unban, getBans —
    // installed as control-socket ops and as JSON-RPC methods jamfleet/<name>.
    std::vector<std::pair<std::string, control::RpcHandler>> moderation_handlers();

private:
    using Reply = base::Result<nlohmann::json, control::RpcError>;
    Reply entries() const;
    Reply evict(const nlohmann::json& params);
    Reply ban(const nlohmann::json& params);
    Reply unban(const nlohmann::json& params);
    // [{"address", "secondsLeft" (null = until lifted), "reason"}] of the unexpired bans.
    nlohmann::json bans_json() const;

    Registry& registry_;
    DirectoryService& service_;
    Store& store_;
    const base::Clock& clock_;
    const base::Logger& log_;
};

} // namespace jamfleet::directory
