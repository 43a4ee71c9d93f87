// The network report (see network_report.h and docs/deploy.md).
#include "orchestrator/network_report.h"

#include <algorithm>

#include "config/srv_records.h"
#include "io/socket_address.h"

namespace jamfleet::orchestrator {
namespace {

std::string dotted(std::uint32_t ip) {
    return io::SocketAddress{ip, 0}.ip_string();
}

bool has_room_at(const config::FleetConfig& fleet, std::uint16_t port) {
    return std::any_of(fleet.servers.begin(), fleet.servers.end(),
                       [port](const auto& s) { return s.port == port; });
}

// The host part musicians type: the DNS name, else the public IP, else the host's
// own address (reachable on its LAN only when private).
std::string musician_host(const config::FleetConfig& fleet, HostNetwork host) {
    if (!fleet.fleet.public_host.empty()) {
        return fleet.fleet.public_host;
    }
    if (!fleet.fleet.public_ip.empty()) {
        return fleet.fleet.public_ip;
    }
    if (fleet.fleet.bind != "0.0.0.0") {
        return fleet.fleet.bind;
    }
    return host.routed_ip != 0 ? dotted(host.routed_ip) : "<this host's address>";
}

void add_directory_lines(const config::FleetConfig& fleet, HostNetwork host, std::string& text) {
    if (!fleet.directory.enabled) {
        text += "  rooms register with the directory " +
                (fleet.fleet.directory_address.empty() ? std::string("(none configured)")
                                                       : fleet.fleet.directory_address) +
                "; musicians pick that directory in their client\n";
        return;
    }
    const std::string name = musician_host(fleet, host);
    text += "  musicians add a Custom Directory (Jamulus: Settings > Advanced Setup > Custom "
            "Directories), then pick it in Connect:\n";
    text += "    " + name + ":" + std::to_string(fleet.directory.port) + "\n";
    if (has_room_at(fleet, kJamulusDefaultPort) && fleet.directory.port != kJamulusDefaultPort) {
        text += "    " + name + "   (without a port: the room on " +
                std::to_string(kJamulusDefaultPort) + " hands list requests to the directory)\n";
    }
    if (!fleet.directory.dns_name.empty()) {
        text +=
            "    " + fleet.directory.dns_name + "   (via its SRV record: Jamulus 3.12 or newer)\n";
    }
}

void add_port_line(const config::FleetConfig& fleet, std::string& text) {
    std::uint16_t low = 65535;
    std::uint16_t high = 0;
    std::size_t count = 0;
    const auto take = [&](std::uint16_t port) {
        low = std::min(low, port);
        high = std::max(high, port);
        ++count;
    };
    if (fleet.directory.enabled) {
        take(fleet.directory.port);
    }
    for (const auto& server : fleet.servers) {
        take(server.port);
    }
    if (count == 0) {
        return;
    }
    const std::string range =
        low == high ? std::to_string(low) : std::to_string(low) + "-" + std::to_string(high);
    text += "  open (and on a NAT router forward) UDP " + range + " to this host\n";
}

void add_dns_lines(const config::FleetConfig& fleet, std::string& text) {
    const auto srv = config::srv_records(fleet);
    if (fleet.fleet.public_host.empty()) {
        text += "  DNS: none needed (set fleet.public_host to give musicians a name)\n";
        return;
    }
    text += "  DNS records:\n";
    text += "    " + fleet.fleet.public_host + ". " + std::to_string(fleet.fleet.dns_ttl) +
            " IN A " +
            (fleet.fleet.public_ip.empty() ? "<the public IPv4 that reaches this host>"
                                           : fleet.fleet.public_ip) +
            "\n";
    for (const auto& record : srv) {
        text += "    " + record + "\n";
    }
    if (std::any_of(fleet.servers.begin(), fleet.servers.end(),
                    [](const auto& s) { return !s.dns_name.empty(); })) {
        text += "    (a room's SRV record works in Jamulus 3.10 or newer; older clients type "
                "host:port)\n";
    }
    if (fleet.fleet.bind6.empty()) {
        text += "    no AAAA record: the rooms listen on IPv4 only (fleet.bind6 is off), and "
                "Jamulus 4.0 clients try only the first address of a name\n";
    } else {
        text += "    " + fleet.fleet.public_host + ". " + std::to_string(fleet.fleet.dns_ttl) +
                " IN AAAA <this host's public IPv6>   (only if IPv6 reaches this host: Jamulus "
                "4.0 clients try only a name's first address; directories are IPv4 only)\n";
    }
}

void add_warnings(const config::FleetConfig& fleet, HostNetwork host, std::string& text) {
    if (fleet.fleet.public_ip.empty() && host.routed_ip != 0 &&
        io::SocketAddress{host.routed_ip, 0}.is_private()) {
        text += "warning: fleet.public_ip is not set and this host's address " +
                dotted(host.routed_ip) +
                " is private: musicians on the internet would be sent there; set "
                "fleet.public_ip to the router's public address and forward the ports above\n";
    }
    if (fleet.fleet.bind.rfind("127.", 0) == 0) {
        text += "warning: fleet.bind " + fleet.fleet.bind +
                " is loopback: only this host can reach the fleet\n";
    }
}

} // namespace

std::string network_report(const config::FleetConfig& fleet, HostNetwork host) {
    std::string text = "network:\n";
    add_directory_lines(fleet, host, text);
    add_port_line(fleet, text);
    add_dns_lines(fleet, text);
    add_warnings(fleet, host, text);
    return text;
}

} // namespace jamfleet::orchestrator
