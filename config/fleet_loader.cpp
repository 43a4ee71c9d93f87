// Reads the four sections of a fleet file, expands templated rooms and validates
// every value; fleet_checks.cpp then assigns ports and checks cross-entry rules.
#include "config/fleet_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/fleet_checks.h"
#include "config/host_checks.h"
#include "config/planned_audio.h"
#include "config/schema.h"
#include "config/service_directories.h"
#include "config/validators.h"
#include "config/yaml_fields.h"

namespace jamfleet::config {
namespace {

constexpr int kMaxTemplateCount = 1000;

// A `servers` entry before expansion: `count` copies numbered from `first`.
struct ServerTemplate {
    ServerConfig base;
    int count = 1;
    int first = 1;
    std::string path;
    SourceLocation city_where;
};

// Replaces `{n}` (or `{n:0W}`, zero-padded to width W) with `n`.
std::string substitute(const std::string& text, int n) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "{n") == 0) {
            // An unclosed "{n" is literal text, not a placeholder.
            const std::size_t close = text.find('}', i);
            const std::string spec =
                close == std::string::npos ? "?" : text.substr(i + 2, close - i - 2);
            if (spec.empty() ||
                (spec.size() >= 3 && spec.size() <= 4 && spec[0] == ':' && spec[1] == '0' &&
                 spec.find_first_not_of("0123456789", 1) == std::string::npos)) {
                std::string number = std::to_string(n);
                const std::size_t width = spec.empty() ? 0 : std::stoul(spec.substr(1));
                if (number.size() < width) {
                    number.insert(0, width - number.size(), '0');
                }
                out += number;
                i = close + 1;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

bool has_placeholder(const std::string& text) {
    return substitute(text, 1) != substitute(text, 2);
}

void check_label(ErrorList& errors, const SourceLocation& where, const std::string& text,
                 std::string_view what, bool required, const std::string& note = {}) {
    if (text.empty()) {
        if (required) {
            errors.add(where, std::string(what) + " must not be empty");
        }
        return;
    }
    const auto units = utf16_length(text);
    if (!units) {
        errors.add(where, std::string(what) + " is not valid UTF-8");
        return;
    }
    if (*units > static_cast<std::size_t>(kMaxNameUtf16)) {
        errors.add(where, std::string(what) + " '" + text + "' is " + std::to_string(*units) +
                              " characters; Jamulus allows at most " +
                              std::to_string(kMaxNameUtf16) + note);
    }
    if (text.find(';') != std::string::npos) {
        errors.add(where, std::string(what) + " may not contain ';' (it separates -o fields)");
    }
}

void read_country(const MappingReader& map, ErrorList& errors, std::string& out) {
    std::string text;
    map.read_string("country", text);
    if (text.empty()) {
        return;
    }
    if (auto normalized = normalize_country(text)) {
        out = *normalized;
    } else {
        errors.add(map.location("country"),
                   "bad country '" + text +
                       "': expected a two-letter ISO 3166 code (e.g. DE) or a Qt5 country "
                       "number 0..261");
    }
}

// Empty when `text` is an IPv4 or IPv6 address or range (a.b.c.d, a.b.c.d/n, v6, v6/n).
std::string range_problem(const std::string& text) {
    if (text.find(':') == std::string::npos) {
        return is_ipv4(text) ? "" : cidr_problem(text);
    }
    const auto slash = text.find('/');
    if (!is_ipv6(std::string_view(text).substr(0, slash))) {
        return "not an IPv6 address";
    }
    if (slash == std::string::npos) {
        return "";
    }
    const std::string digits = text.substr(slash + 1);
    const bool prefix_ok = !digits.empty() && digits.size() <= 3 &&
                           digits.find_first_not_of("0123456789") == std::string::npos &&
                           std::stoi(digits) <= 128;
    return prefix_ok ? "" : "IPv6 prefix length must be 0..128";
}

// `bans` and `allow`: addresses or ranges; a server's list adds to the defaults' list.
void read_ranges(const MappingReader& map, std::string_view key, ErrorList& errors,
                 std::vector<std::string>& out) {
    std::vector<std::string> items;
    std::vector<SourceLocation> where;
    map.read_string_list(key, items, &where);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string problem = range_problem(items[i]);
        if (!problem.empty()) {
            errors.add(
                where[i],
                "bad " + std::string(key) + " entry '" + items[i] +
                    "': expected an address or range such as 192.0.2.0/24 or 2001:db8::/32 (" +
                    problem + ")");
            continue;
        }
        out.push_back(items[i]);
    }
}

void read_options(const MappingReader& map, ErrorList& errors, ServerOptions& options) {
    map.read_int("max_clients", 1, 150, options.max_clients);
    map.read_string("welcome", options.welcome);
    map.read_bool("fast_update", options.fast_update);
    map.read_bool("delay_pan", options.delay_pan);
    map.read_bool("licence", options.licence);
    map.read_int("qos", 0, 255, options.qos);
    map.read_string("recording_dir", options.recording_dir);
    map.read_bool("norecord", options.norecord);
    map.read_bool("noraw", options.noraw);
    map.read_optional_int("max_seats_per_ip", 1, 150, options.max_seats_per_ip);
    read_ranges(map, "bans", errors, options.bans);
    read_ranges(map, "allow", errors, options.allow);
}

// Jamulus ignores --norecord without -R; the fleet file rejects it, because a room that
// says "record, but start disabled" and has no recording directory is a mistake to show.
constexpr const char* kNorecordWithoutDir =
    "norecord needs a recording_dir (here or in defaults): without one the room has no "
    "recorder to start disabled";

void read_fleet(const YAML::Node& node, ErrorList& errors, FleetSettings& fleet) {
    const MappingReader map(node, "/fleet", errors, {fleet_keys()});
    map.read_string("name", fleet.name);
    if (!fleet.name.empty() && !utf16_length(fleet.name)) {
        errors.add(map.location("name"), "fleet name is not valid UTF-8");
    }
    map.read_string("bind", fleet.bind);
    if (!is_ipv4(fleet.bind)) {
        errors.add(map.location("bind"), "bad bind address '" + fleet.bind + "': expected IPv4");
    }
    map.read_string("bind6", fleet.bind6);
    if (!fleet.bind6.empty() && !is_ipv6(fleet.bind6)) {
        errors.add(map.location("bind6"),
                   "bad IPv6 bind address '" + fleet.bind6 + "': expected e.g. :: or \"\"");
    }
    map.read_string("public_host", fleet.public_host);
    if (!fleet.public_host.empty()) {
        if (auto problem = dns_name_problem(fleet.public_host); !problem.empty()) {
            errors.add(map.location("public_host"),
                       "bad DNS name '" + fleet.public_host + "': " + problem);
        }
        if (fleet.public_host.back() == '.') {
            fleet.public_host.pop_back();
        }
    }
    map.read_string("public_ip", fleet.public_ip);
    if (!fleet.public_ip.empty() && !is_ipv4(fleet.public_ip)) {
        errors.add(map.location("public_ip"),
                   "bad public IP '" + fleet.public_ip + "': expected IPv4");
    }
    map.read_port("base_port", fleet.base_port);
    map.read_string("run_dir", fleet.run_dir);
    if (fleet.run_dir.empty()) {
        errors.add(map.location("run_dir"), "run directory must not be empty");
    }
    map.read_u32("dns_ttl", 0, 2147483647u, fleet.dns_ttl);
    map.read_string("directory_address", fleet.directory_address);
    if (!fleet.directory_address.empty()) {
        const std::string& address = fleet.directory_address;
        const std::size_t colon = address.rfind(':');
        const std::string host = address.substr(0, colon);
        bool port_ok = true;
        if (colon != std::string::npos) {
            const std::string port = address.substr(colon + 1);
            port_ok = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos &&
                      std::stoul(port) >= 1 && std::stoul(port) <= 65535;
        }
        if (!port_ok || (!is_ipv4(host) && !dns_name_problem(host, true).empty())) {
            errors.add(map.location("directory_address"),
                       "bad directory address '" + address + "': expected host[:port]");
        }
    }
    map.read_optional_int("uplink_mbps", 1, 1000000, fleet.uplink_mbps);
    map.read_optional_int("downlink_mbps", 1, 1000000, fleet.downlink_mbps);
    map.read_string("planned_audio", fleet.planned_audio);
    if (!is_planned_audio(fleet.planned_audio)) {
        errors.add(map.location("planned_audio"),
                   "bad planned audio '" + fleet.planned_audio +
                       "': expected mono|stereo followed by -low, -normal or -high");
    }
}

void read_directory(const YAML::Node& node, ErrorList& errors, DirectoryConfig& directory) {
    const MappingReader map(node, "/directory", errors, {directory_keys()});
    map.read_bool("enabled", directory.enabled);
    map.read_port("port", directory.port);
    directory.port_explicit = map.has("port");
    directory.port_where = map.location("port");
    map.read_string("name", directory.name);
    check_label(errors, map.location("name"), directory.name, "name", false);
    map.read_string("city", directory.city);
    check_label(errors, map.location("city"), directory.city, "city", false);
    read_country(map, errors, directory.country);
    std::vector<SourceLocation> where;
    map.read_string_list("whitelist", directory.whitelist, &where);
    for (std::size_t i = 0; i < directory.whitelist.size(); ++i) {
        const std::string& item = directory.whitelist[i];
        if (item.find('/') != std::string::npos) {
            if (auto problem = cidr_problem(item); !problem.empty()) {
                errors.add(where[i], problem);
            }
        } else if (!item.empty() && item.front() == '[') {
            errors.add(where[i], "put the minimum version in directory.min_version");
        } else if (item.find_first_not_of("0123456789.") == std::string::npos) {
            if (!is_ipv4(item)) {
                errors.add(where[i], "bad IPv4 address '" + item + "'");
            }
        } else if (auto problem = dns_name_problem(item, true); !problem.empty()) {
            errors.add(where[i], "bad whitelist entry '" + item + "': " + problem);
        }
    }
    map.read_string("min_version", directory.min_version);
    if (!directory.min_version.empty() && !is_version(directory.min_version)) {
        errors.add(map.location("min_version"),
                   "bad version '" + directory.min_version + "': expected e.g. 3.8.0");
    }
    map.read_string("database", directory.database);
    if (directory.database.empty()) {
        errors.add(map.location("database"), "database path must not be empty");
    }
    // jamfleet-directory refuses --maxservers 1: the list holds at least its own entry and one
    // more.
    map.read_optional_int("max_servers", 2, 150, directory.max_servers);
    map.read_optional_int("max_servers_per_ip", 0, 150, directory.max_servers_per_ip);
    map.read_optional_int("ping_rate", 0, 1000000, directory.ping_rate);
    map.read_optional_int("list_rate", 0, 1000000, directory.list_rate);
    map.read_optional_int("register_rate", 0, 1000000, directory.register_rate);
    map.read_optional_int("punch_budget", 0, 1000000, directory.punch_budget);
    map.read_optional_port("jsonrpc_port", directory.jsonrpc_port);
    directory.jsonrpc_where = map.location("jsonrpc_port");
    map.read_string("dns_name", directory.dns_name);
    directory.dns_where = map.location("dns_name");
    if (!directory.dns_name.empty()) {
        if (auto problem = dns_name_problem(directory.dns_name); !problem.empty()) {
            errors.add(directory.dns_where,
                       "bad DNS name '" + directory.dns_name + "': " + problem);
        }
        if (directory.dns_name.back() == '.') {
            directory.dns_name.pop_back();
        }
        for (char& c : directory.dns_name) {
            if (c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
        }
    }
    map.read_string("host", directory.host);
    directory.host_where = map.location("host");
    map.read_string("jsonrpc_secret_file", directory.jsonrpc_secret_file);
    if (directory.jsonrpc_port && directory.jsonrpc_secret_file.empty()) {
        errors.add(map.location("jsonrpc_port"), "jsonrpc_port needs jsonrpc_secret_file");
    }
}

ServerTemplate read_server(const YAML::Node& node, const std::string& path, ErrorList& errors,
                           const ServerOptions& defaults) {
    ServerTemplate entry;
    entry.path = path;
    entry.base.options = defaults;
    const MappingReader map(node, path, errors, {server_keys(), defaults_keys()});
    entry.base.where = location_of(node, path);
    if (!map.valid()) {
        entry.count = 0;
        return entry;
    }
    map.read_string("name", entry.base.name);
    entry.base.name_where = map.has("name") ? map.location("name") : entry.base.where;
    if (!map.has("name")) {
        errors.add(entry.base.where, "every server needs a name");
        entry.count = 0;
        return entry;
    }
    map.read_string("city", entry.base.city);
    entry.city_where = map.location("city");
    read_country(map, errors, entry.base.country);
    map.read_string("dns_name", entry.base.dns_name);
    entry.base.dns_where = map.location("dns_name");
    map.read_port("port", entry.base.port);
    entry.base.port_explicit = map.has("port");
    entry.base.port_where = map.has("port") ? map.location("port") : entry.base.where;
    map.read_int("count", 1, kMaxTemplateCount, entry.count);
    map.read_int("first", 0, 1000000, entry.first);
    map.read_optional_port("jsonrpc_port", entry.base.jsonrpc_port);
    entry.base.jsonrpc_where = map.location("jsonrpc_port");
    map.read_string("jsonrpc_secret_file", entry.base.jsonrpc_secret_file);
    if (entry.base.jsonrpc_port && entry.base.jsonrpc_secret_file.empty()) {
        errors.add(map.location("jsonrpc_port"), "jsonrpc_port needs jsonrpc_secret_file");
    }
    map.read_string("log_file", entry.base.log_file);
    map.read_string("host", entry.base.host);
    map.read_string_list("spread", entry.base.spread);
    entry.base.host_where = map.has("host")     ? map.location("host")
                            : map.has("spread") ? map.location("spread")
                                                : entry.base.where;
    read_options(map, errors, entry.base.options);
    if (map.has("norecord") && entry.base.options.norecord &&
        entry.base.options.recording_dir.empty()) {
        errors.add(map.location("norecord"), kNorecordWithoutDir);
    }
    if (entry.count > 1) {
        // Copies of a template that repeats a name would only add duplicate errors.
        if (!has_placeholder(entry.base.name)) {
            errors.add(entry.base.name_where,
                       "name must contain {n} when count > 1 (server names must be unique)");
            entry.count = 1;
        }
        if (!entry.base.dns_name.empty() && !has_placeholder(entry.base.dns_name)) {
            errors.add(entry.base.dns_where, "dns_name must contain {n} when count > 1");
            entry.count = 1;
        }
    }
    return entry;
}

// Expands one template into `count` servers and validates their final text.
void expand(const ServerTemplate& entry, ErrorList& errors, std::vector<ServerConfig>& out) {
    for (int i = 0; i < entry.count; ++i) {
        const int n = entry.first + i;
        ServerConfig server = entry.base;
        server.name = substitute(server.name, n);
        server.city = substitute(server.city, n);
        server.dns_name = substitute(server.dns_name, n);
        server.log_file = substitute(server.log_file, n);
        server.options.welcome = substitute(server.options.welcome, n);
        server.options.recording_dir = substitute(server.options.recording_dir, n);
        if (server.options.recording_dir.empty()) {
            // An inherited norecord has nothing to hold disabled here; clearing it keeps a
            // change of defaults.norecord from restarting rooms that do not record.
            server.options.norecord = false;
        }
        server.jsonrpc_secret_file = substitute(server.jsonrpc_secret_file, n);
        const std::string note = entry.count > 1 ? " (n=" + std::to_string(n) + ")" : "";
        server.where.path = entry.path + note;
        if (server.port_explicit && i > 0) {
            if (server.port + i > 65535) {
                errors.add(server.port_where, "port " + std::to_string(server.port + i) +
                                                  " for n=" + std::to_string(n) +
                                                  " is beyond 65535");
                return;
            }
            server.port = static_cast<std::uint16_t>(server.port + i);
        }
        if (server.jsonrpc_port && i > 0) {
            server.jsonrpc_port =
                static_cast<std::uint16_t>(std::min(65535, *server.jsonrpc_port + i));
        }
        // Only the first copy reports errors shared by every copy of a template.
        if (i == 0 || server.name != entry.base.name) {
            check_label(errors, server.name_where, server.name, "name", true, note);
        }
        if (i == 0 || server.city != entry.base.city) {
            check_label(errors, entry.city_where, server.city, "city", false, note);
        }
        if (!server.dns_name.empty()) {
            if (auto problem = dns_name_problem(server.dns_name); !problem.empty()) {
                errors.add(server.dns_where,
                           "bad DNS name '" + server.dns_name + "': " + problem + note);
            }
            if (server.dns_name.back() == '.') {
                server.dns_name.pop_back();
            }
            for (char& c : server.dns_name) {
                if (c >= 'A' && c <= 'Z') {
                    c = static_cast<char>(c - 'A' + 'a');
                }
            }
        }
        out.push_back(std::move(server));
    }
}

void read_web(const YAML::Node& node, ErrorList& errors, WebConfig& web) {
    const MappingReader map(node, "/web", errors, {web_keys()});
    web.enabled = true;
    map.read_string("bind", web.bind);
    if (!is_ipv4(web.bind) && !is_ipv6(web.bind)) {
        errors.add(map.location("bind"),
                   "bad web bind address '" + web.bind + "': expected an IPv4 or IPv6 literal");
    }
    map.read_port("port", web.port);
    map.read_string("token_file", web.token_file);
}

} // namespace

LoadResult parse_fleet(std::string_view yaml_text, const std::string& file_name) {
    ErrorList errors(file_name);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        errors.add(e.mark, "/", e.msg);
        return base::Err{errors.take()};
    }
    FleetConfig fleet;
    fleet.file = file_name;
    apply_service_directories(fleet, service_directories_from_environment());
    try {
        const MappingReader top(root, "", errors, {top_level_keys()});
        read_fleet(top.node("fleet"), errors, fleet.fleet);
        std::optional<SourceLocation> defaults_norecord;
        {
            const MappingReader defaults(top.node("defaults"), "/defaults", errors,
                                         {defaults_keys()});
            read_options(defaults, errors, fleet.defaults);
            if (fleet.defaults.norecord && fleet.defaults.recording_dir.empty()) {
                defaults_norecord = defaults.location("norecord");
            }
        }
        read_directory(top.node("directory"), errors, fleet.directory);
        if (top.has("web")) {
            read_web(top.node("web"), errors, fleet.web);
        }
        read_hosts(top.node("hosts"), top.location("hosts"), errors, fleet.hosts);
        const YAML::Node servers = top.node("servers");
        if (servers.IsDefined() && !servers.IsNull() && !servers.IsSequence()) {
            errors.add(top.location("servers"), "expected a list of servers");
        } else if (servers.IsDefined() && servers.IsSequence()) {
            std::size_t index = 0;
            for (const auto& node : servers) {
                const std::string path = "/servers/" + std::to_string(index++);
                const ServerTemplate entry = read_server(node, path, errors, fleet.defaults);
                expand(entry, errors, fleet.servers);
            }
        }
        // defaults.norecord is fine as long as some room has a recording directory.
        if (defaults_norecord &&
            std::none_of(fleet.servers.begin(), fleet.servers.end(),
                         [](const auto& s) { return !s.options.recording_dir.empty(); })) {
            errors.add(*defaults_norecord, kNorecordWithoutDir);
        }
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on malformed node access; report it where it happened.
        errors.add(e.mark, "/", e.msg);
    }
    assign_ports_and_check(fleet, errors);
    check_hosts(fleet, errors);
    if (!errors.empty()) {
        return base::Err{errors.take()};
    }
    return fleet;
}

LoadResult load_fleet_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return base::Err{std::vector<ConfigError>{ConfigError{
            path, 0, 0, "", "cannot read fleet file: " + std::string(std::strerror(errno))}}};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_fleet(text.str(), path);
}

} // namespace jamfleet::config
