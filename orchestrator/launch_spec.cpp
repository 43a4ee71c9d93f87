// Command lines of fleet children (see docs/config.md, "What each child is started with").
#include "orchestrator/launch_spec.h"

#include "orchestrator/network_report.h"

namespace jamfleet::orchestrator {
namespace {

// The source address rooms register from: they send to the directory on the
// bind address (loopback when binding everything), so that is what it sees.
std::string member_source_ip(const config::FleetConfig& fleet) {
    return fleet.fleet.bind == "0.0.0.0" ? "127.0.0.1" : fleet.fleet.bind;
}

// The unix datagram socket on which the room at 22124 hands list requests and
// registrations to the integrated directory (docs/deploy.md, "The bare host name").
std::string directory_relay_path(const config::FleetConfig& fleet) {
    return fleet.fleet.run_dir + "/directory-relay.sock";
}

// Both ends must be our programs (they accept --control-socket, as the relay options).
bool relays_to_directory(const config::FleetConfig& fleet, const BinPaths& bins) {
    return fleet.directory.enabled && bins.directory_control && bins.mixer_control &&
           fleet.directory.port != kJamulusDefaultPort;
}

std::string lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

void add_jsonrpc(std::vector<std::string>& args, const std::optional<std::uint16_t>& port,
                 const std::string& secret_file) {
    if (port) {
        args.insert(args.end(),
                    {"--jsonrpcport", std::to_string(*port), "--jsonrpcsecretfile", secret_file});
    }
}

} // namespace

std::string supervisor_socket_path(const std::string& run_dir) {
    return run_dir + "/jamfleet.sock";
}

std::string directory_list_filter(const config::FleetConfig& fleet) {
    const config::DirectoryConfig& d = fleet.directory;
    if (d.whitelist.empty() && d.min_version.empty()) {
        return {};
    }
    std::string filter;
    if (!d.min_version.empty()) {
        filter = "[" + d.min_version + "]";
    }
    for (const auto& entry : d.whitelist) {
        filter += (filter.empty() ? "" : ";") + entry;
    }
    if (!d.whitelist.empty()) {
        filter += ";" + member_source_ip(fleet);
    }
    return filter;
}

std::string registration_target(const config::FleetConfig& fleet) {
    if (fleet.directory.enabled) {
        return member_source_ip(fleet) + ":" + std::to_string(fleet.directory.port);
    }
    return fleet.fleet.directory_address;
}

std::string server_info(const std::string& name, const std::string& city,
                        const std::string& country) {
    return name + ";" + city + ";" + (country.empty() ? "0" : lower(country));
}

std::optional<LaunchSpec> directory_launch(const config::FleetConfig& fleet, const BinPaths& bins) {
    const config::DirectoryConfig& d = fleet.directory;
    if (!d.enabled) {
        return std::nullopt;
    }
    LaunchSpec spec;
    spec.name = kDirectoryChildName;
    spec.kind = ChildKind::Directory;
    spec.program = bins.directory;
    spec.bind = fleet.fleet.bind;
    spec.port = d.port;
    spec.control_socket = fleet.fleet.run_dir + "/directory.sock";
    auto& args = spec.args;
    args = {"-p",
            std::to_string(d.port),
            "--serverbindip",
            fleet.fleet.bind,
            "-o",
            server_info(d.name, d.city, d.country)};
    if (const std::string filter = directory_list_filter(fleet); !filter.empty()) {
        args.insert(args.end(), {"-f", filter});
    }
    // The fleet's own rooms all register from one address; exempt it from the
    // per-address entry limit so a fleet of more than 16 rooms is listed whole.
    args.insert(args.end(), {"--trusted", member_source_ip(fleet)});
    if (!fleet.fleet.public_ip.empty()) {
        args.insert(args.end(), {"--serverpublicip", fleet.fleet.public_ip});
    }
    if (d.max_servers) {
        args.insert(args.end(), {"--maxservers", std::to_string(*d.max_servers)});
    }
    args.insert(args.end(), {"--db", d.database});
    const std::pair<const char*, const std::optional<int>*> limits[] = {
        {"--max-servers-per-ip", &d.max_servers_per_ip},
        {"--ping-rate", &d.ping_rate},
        {"--list-rate", &d.list_rate},
        {"--register-rate", &d.register_rate},
        {"--punch-budget", &d.punch_budget}};
    for (const auto& [option, value] : limits) {
        if (*value) {
            args.insert(args.end(), {option, std::to_string(**value)});
        }
    }
    add_jsonrpc(args, d.jsonrpc_port, d.jsonrpc_secret_file);
    if (bins.directory_control) {
        args.insert(args.end(), {"--control-socket", spec.control_socket});
    } else {
        spec.control_socket.clear();
    }
    if (relays_to_directory(fleet, bins)) {
        args.insert(args.end(), {"--relay-socket", directory_relay_path(fleet)});
    }
    return spec;
}

std::optional<LaunchSpec> web_launch(const config::FleetConfig& fleet, const BinPaths& bins) {
    if (!fleet.web.enabled) {
        return std::nullopt;
    }
    LaunchSpec spec;
    spec.name = kWebChildName;
    spec.kind = ChildKind::Web;
    spec.program = bins.web;
    // No UDP port: bind stays empty so start_child's UDP pre-check skips it.
    spec.port = fleet.web.port;
    spec.control_socket = fleet.fleet.run_dir + "/web.sock";
    spec.args = {"--run-dir",
                 fleet.fleet.run_dir,
                 "--supervisor-socket",
                 supervisor_socket_path(fleet.fleet.run_dir),
                 "--bind",
                 fleet.web.bind,
                 "--port",
                 std::to_string(fleet.web.port),
                 "--token-file",
                 fleet.web_token_path(),
                 "--control-socket",
                 spec.control_socket};
    return spec;
}

LaunchSpec server_launch(const config::FleetConfig& fleet, const config::ServerConfig& server,
                         const BinPaths& bins) {
    LaunchSpec spec;
    spec.name = server.name;
    spec.kind = ChildKind::Mixer;
    spec.program = bins.mixer;
    spec.bind = fleet.fleet.bind;
    spec.port = server.port;
    spec.control_socket = fleet.fleet.run_dir + "/server-" + std::to_string(server.port) + ".sock";
    const config::ServerOptions& o = server.options;
    auto& args = spec.args;
    args = {"-p",
            std::to_string(server.port),
            "--serverbindip",
            fleet.fleet.bind,
            "-u",
            std::to_string(o.max_clients),
            "-o",
            server_info(server.name, server.city, server.country)};
    if (const std::string target = registration_target(fleet); !target.empty()) {
        args.insert(args.end(), {"-e", target});
        if (!fleet.fleet.public_ip.empty()) {
            args.insert(args.end(), {"--serverpublicip", fleet.fleet.public_ip});
        }
    }
    if (!fleet.fleet.bind6.empty() && bins.mixer_control) {
        args.insert(args.end(), {"--serverbindip6", fleet.fleet.bind6});
    }
    if (!o.welcome.empty()) {
        args.insert(args.end(), {"-w", o.welcome});
    }
    if (o.fast_update) {
        args.emplace_back("-F");
    }
    if (o.delay_pan) {
        args.emplace_back("-P");
    }
    if (o.licence) {
        args.emplace_back("-L");
    }
    if (o.noraw) {
        args.emplace_back("--noraw");
    }
    args.insert(args.end(), {"-Q", std::to_string(o.qos)});
    if (o.max_seats_per_ip) {
        args.insert(args.end(), {"--max-seats-per-ip", std::to_string(*o.max_seats_per_ip)});
    }
    for (const auto& range : o.bans) {
        args.insert(args.end(), {"--ban", range});
    }
    for (const auto& range : o.allow) {
        args.insert(args.end(), {"--allow", range});
    }
    if (!o.recording_dir.empty() && bins.mixer_recording) {
        args.insert(args.end(), {"-R", o.recording_dir});
        if (o.norecord) {
            args.emplace_back("--norecord");
        }
    }
    if (!server.log_file.empty()) {
        args.insert(args.end(), {"-l", server.log_file});
    }
    add_jsonrpc(args, server.jsonrpc_port, server.jsonrpc_secret_file);
    if (bins.mixer_control) {
        args.insert(args.end(), {"--control-socket", spec.control_socket});
    } else {
        spec.control_socket.clear();
    }
    if (server.port == kJamulusDefaultPort && relays_to_directory(fleet, bins)) {
        args.insert(args.end(), {"--directory-relay", directory_relay_path(fleet)});
    }
    return spec;
}

} // namespace jamfleet::orchestrator
