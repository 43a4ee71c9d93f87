// `jamfleet check` output: every setting after defaults, templates and port
// assignment, so an operator sees exactly what `run` would start.
#include "config/fleet_printer.h"

#include "config/srv_records.h"

namespace jamfleet::config {
namespace {

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

std::string yes_no(bool value) {
    return value ? "yes" : "no";
}

} // namespace

std::string describe_fleet(const FleetConfig& fleet) {
    const FleetSettings& f = fleet.fleet;
    std::string out = "fleet " + quoted(f.name) + "\n";
    out += "  bind " + f.bind + ", public host " + or_dash(f.public_host) + ", public ip " +
           or_dash(f.public_ip) + ", base port " + std::to_string(f.base_port) + "\n";
    out += "  run dir " + f.run_dir + ", dns ttl " + std::to_string(f.dns_ttl) + "\n";
    const DirectoryConfig& d = fleet.directory;
    if (d.enabled) {
        out += "directory port " + std::to_string(d.port) + " " + quoted(d.name) + " city " +
               quoted(d.city) + " country " + or_dash(d.country) + "\n";
        out += "  database " + d.database + ", max servers " +
               (d.max_servers ? std::to_string(*d.max_servers) : std::string("default"));
        out += ", min version " + or_dash(d.min_version) + ", whitelist ";
        if (d.whitelist.empty()) {
            out += "(open: any server may register)";
        } else {
            for (std::size_t i = 0; i < d.whitelist.size(); ++i) {
                out += (i ? ";" : "") + d.whitelist[i];
            }
            out += " + fleet members";
        }
        out += "\n";
        if (d.jsonrpc_port) {
            out += "  json-rpc port " + std::to_string(*d.jsonrpc_port) + "\n";
        }
        const auto limit = [](const std::optional<int>& value) {
            return value ? std::to_string(*value) : std::string("default");
        };
        out += "  limits: servers per ip " + limit(d.max_servers_per_ip) + ", ping rate " +
               limit(d.ping_rate) + ", list rate " + limit(d.list_rate) + ", register rate " +
               limit(d.register_rate) + ", punch budget " + limit(d.punch_budget) + "\n";
    } else {
        out += "directory disabled";
        out += f.directory_address.empty()
                   ? " (servers register nowhere)\n"
                   : ", servers register with " + f.directory_address + "\n";
    }
    if (fleet.web.enabled) {
        out += "web " + fleet.web_url() + ", token file " + fleet.web_token_path() +
               " (made by the supervisor if missing)\n";
    }
    out += "servers " + std::to_string(fleet.servers.size()) + "\n";
    for (const auto& s : fleet.servers) {
        const ServerOptions& o = s.options;
        out += "  " + quoted(s.name) + " port " + std::to_string(s.port) + " city " +
               quoted(s.city) + " country " + or_dash(s.country) + "\n";
        out += "    max clients " + std::to_string(o.max_clients) + ", fast update " +
               yes_no(o.fast_update) + ", delay pan " + yes_no(o.delay_pan) + ", licence " +
               yes_no(o.licence) + ", qos " + std::to_string(o.qos) + "\n";
        if (!o.welcome.empty()) {
            out += "    welcome " + quoted(o.welcome) + "\n";
        }
        if (o.max_seats_per_ip) {
            out += "    max seats per ip " + std::to_string(*o.max_seats_per_ip) + "\n";
        }
        for (const auto& range : o.bans) {
            out += "    ban " + range + "\n";
        }
        for (const auto& range : o.allow) {
            out += "    allow " + range + "\n";
        }
        if (!o.recording_dir.empty()) {
            out += "    recording dir " + o.recording_dir +
                   (o.norecord ? " (starts not enabled: norecord)\n" : "\n");
        }
        if (s.jsonrpc_port) {
            out += "    json-rpc port " + std::to_string(*s.jsonrpc_port) + "\n";
        }
        if (!s.log_file.empty()) {
            out += "    log file " + s.log_file + "\n";
        }
        if (!s.dns_name.empty()) {
            out += "    srv _jamulus._udp." + s.dns_name + ". " + std::to_string(f.dns_ttl) +
                   " IN SRV " + std::to_string(kSrvPriority) + " " + std::to_string(kSrvWeight) +
                   " " + std::to_string(s.port) + " " + f.public_host + ".\n";
        }
    }
    return out;
}

} // namespace jamfleet::config
