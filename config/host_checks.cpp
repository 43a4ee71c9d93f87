// Validation of `hosts:` and of the host references of the directory and rooms.
#include "config/host_checks.h"

#include <algorithm>
#include <set>

#include "config/schema.h"
#include "config/validators.h"

namespace jamfleet::config {
namespace {

// Host names become Ansible inventory names and `--host` values: keep them plain.
bool is_host_name(const std::string& name) {
    return !name.empty() && name.size() <= 63 &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos &&
           name.front() != '-';
}

HostConfig read_host(const YAML::Node& node, const std::string& path, ErrorList& errors) {
    HostConfig host;
    host.where = location_of(node, path);
    const MappingReader map(node, path, errors, {host_keys()});
    if (!map.valid()) {
        return host;
    }
    map.read_string("name", host.name);
    if (!is_host_name(host.name)) {
        errors.add(map.has("name") ? map.location("name") : host.where,
                   "host name '" + host.name +
                       "' must be 1..63 lower-case letters, digits, '-' or '_'");
    }
    map.read_string("public_address", host.public_address);
    if (!is_ipv4(host.public_address)) {
        errors.add(map.has("public_address") ? map.location("public_address") : host.where,
                   "every host needs public_address: the IPv4 address musicians reach it at");
    }
    map.read_string("ssh", host.ssh);
    if (host.ssh.empty()) {
        host.ssh = host.public_address;
    } else if (host.ssh.find_first_of(" \t'\"") != std::string::npos) {
        errors.add(map.location("ssh"), "ssh must be [user@]address[:port] without spaces");
    }
    map.read_string("public_host", host.public_host);
    if (!host.public_host.empty()) {
        if (auto problem = dns_name_problem(host.public_host); !problem.empty()) {
            errors.add(map.location("public_host"),
                       "bad DNS name '" + host.public_host + "': " + problem);
        }
        if (host.public_host.back() == '.') {
            host.public_host.pop_back();
        }
    }
    return host;
}

} // namespace

void read_hosts(const YAML::Node& node, const SourceLocation& where, ErrorList& errors,
                std::vector<HostConfig>& out) {
    if (!node.IsDefined() || node.IsNull()) {
        return;
    }
    if (!node.IsSequence()) {
        errors.add(where, "expected a list of hosts");
        return;
    }
    std::size_t index = 0;
    for (const auto& item : node) {
        out.push_back(read_host(item, "/hosts/" + std::to_string(index++), errors));
    }
}

void check_hosts(const FleetConfig& fleet, ErrorList& errors) {
    std::set<std::string> names;
    for (const auto& host : fleet.hosts) {
        if (!host.name.empty() && !names.insert(host.name).second) {
            errors.add(host.where, "host name '" + host.name + "' is used twice");
        }
    }
    const auto known = [&](const std::string& name, const SourceLocation& where) {
        if (!names.contains(name)) {
            errors.add(where, "unknown host '" + name + "' (not in hosts:)");
        }
    };
    if (fleet.hosts.empty()) {
        if (!fleet.directory.host.empty()) {
            errors.add(fleet.directory.host_where, "directory.host needs a hosts: section");
        }
        for (const auto& server : fleet.servers) {
            if (!server.host.empty() || !server.spread.empty()) {
                errors.add(server.host_where, "host and spread need a hosts: section");
                return;
            }
        }
        return;
    }
    // SRV records point at their host's public_host (else fleet.public_host).
    const auto has_srv_target = [&](const HostConfig& host) {
        return !host.public_host.empty() || !fleet.fleet.public_host.empty();
    };
    if (fleet.directory.enabled) {
        if (fleet.directory.host.empty()) {
            errors.add(fleet.directory.host_where,
                       "a fleet with hosts: needs directory.host (the one directory's host)");
        } else {
            known(fleet.directory.host, fleet.directory.host_where);
        }
        const HostConfig* host = fleet.find_host(fleet.directory.host);
        if (!fleet.directory.dns_name.empty() && host != nullptr && !has_srv_target(*host)) {
            errors.add(fleet.directory.dns_where, "dns_name needs hosts[].public_host of host '" +
                                                      host->name +
                                                      "' (the target of its SRV record)");
        }
    }
    for (const auto& server : fleet.servers) {
        if (!server.host.empty() && !server.spread.empty()) {
            errors.add(server.host_where, "set host or spread, not both");
        }
        std::vector<std::string> candidates = server.spread;
        if (!server.host.empty()) {
            candidates = {server.host};
        }
        for (const auto& name : candidates) {
            known(name, server.host_where);
        }
        if (server.dns_name.empty()) {
            continue;
        }
        // Its SRV record points at its own host, whichever the placement picks.
        for (const auto& host : fleet.hosts) {
            const bool candidate =
                candidates.empty() ||
                std::find(candidates.begin(), candidates.end(), host.name) != candidates.end();
            if (candidate && !has_srv_target(host)) {
                errors.add(server.dns_where, "dns_name needs hosts[].public_host of host '" +
                                                 host.name + "' (the target of its SRV record)");
                break;
            }
        }
    }
}

} // namespace jamfleet::config
