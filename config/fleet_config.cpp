// Small helpers of the fleet data model.
#include "config/fleet_config.h"

namespace jamfleet::config {

std::string ConfigError::to_string() const {
    std::string text = file;
    if (line > 0) {
        text += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    text += ": ";
    if (!path.empty()) {
        text += path + ": ";
    }
    return text + message;
}

bool ServerConfig::same_settings(const ServerConfig& other) const {
    // dns_name is left out: it only changes the SRV text, never the running mixer.
    return name == other.name && city == other.city && country == other.country &&
           port == other.port && options == other.options && jsonrpc_port == other.jsonrpc_port &&
           jsonrpc_secret_file == other.jsonrpc_secret_file && log_file == other.log_file;
}

bool DirectoryConfig::same_settings(const DirectoryConfig& other) const {
    return enabled == other.enabled && port == other.port && name == other.name &&
           city == other.city && country == other.country && whitelist == other.whitelist &&
           min_version == other.min_version && database == other.database &&
           max_servers == other.max_servers && jsonrpc_port == other.jsonrpc_port &&
           jsonrpc_secret_file == other.jsonrpc_secret_file &&
           max_servers_per_ip == other.max_servers_per_ip && ping_rate == other.ping_rate &&
           list_rate == other.list_rate && register_rate == other.register_rate &&
           punch_budget == other.punch_budget;
}

const ServerConfig* FleetConfig::find_server(std::string_view server_name) const {
    for (const auto& server : servers) {
        if (server.name == server_name) {
            return &server;
        }
    }
    return nullptr;
}

std::string FleetConfig::web_token_path() const {
    return web.token_file.empty() ? fleet.run_dir + "/web.token" : web.token_file;
}

std::string FleetConfig::web_url() const {
    const bool v6 = web.bind.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + web.bind + "]" : web.bind) + ":" + std::to_string(web.port) +
           "/";
}

const HostConfig* FleetConfig::find_host(std::string_view host_name) const {
    for (const auto& host : hosts) {
        if (host.name == host_name) {
            return &host;
        }
    }
    return nullptr;
}

} // namespace jamfleet::config
