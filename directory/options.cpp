// Parsing and validation of jamfleet-directory's command line.
#include "directory/options.h"

#include <charconv>
#include <functional>
#include <map>

#include "base/log_style.h"
#include "proto/country.h"
#include "proto/text.h"

namespace jamfleet::directory {

namespace {

constexpr std::size_t kMaxNameUnits = 20;
// An entry with empty name and city; with 20 characters of up to 3 UTF-8 bytes each.
constexpr std::size_t kMinEntryBytes = 16;
constexpr std::size_t kMaxEntryBytes = 16 + 2 * 60;

std::optional<long> parse_number(std::string_view text, long min, long max) {
    long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_rate(std::string_view text) {
    const auto v = parse_number(text, 0, 1'000'000);
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

// -o "name;city;country": country as Qt 5 number or ISO 3166 code (any case).
std::optional<std::string> parse_server_info(std::string_view text, SelfInfo& self) {
    std::vector<std::string_view> parts;
    while (true) {
        const auto semi = text.find(';');
        parts.push_back(text.substr(0, semi));
        if (semi == std::string_view::npos) {
            break;
        }
        text.remove_prefix(semi + 1);
    }
    if (parts.size() != 3) {
        return "expected \"name;city;country\"";
    }
    if (!proto::utf16_length(parts[0]) || !proto::utf16_length(parts[1])) {
        return "name and city must be UTF-8";
    }
    self.name = proto::truncate_utf16(parts[0], kMaxNameUnits);
    self.city = proto::truncate_utf16(parts[1], kMaxNameUnits);
    if (parts[2].empty()) {
        self.country = 0;
    } else if (const auto number = parse_number(parts[2], 0, 261)) {
        self.country = static_cast<std::uint16_t>(*number);
    } else if (const auto iso = proto::country_from_iso(parts[2])) {
        self.country = *iso;
    } else {
        return "unknown country \"" + std::string(parts[2]) + '"';
    }
    return std::nullopt;
}

} // namespace

std::size_t max_servers_limit(const SelfInfo& self) {
    return 1 +
           (kMaxListPayloadBytes - full_list_entry_bytes(self.name, self.city)) / kMinEntryBytes;
}

std::size_t max_servers_worst_case(const SelfInfo& self) {
    return 1 +
           (kMaxListPayloadBytes - full_list_entry_bytes(self.name, self.city)) / kMaxEntryBytes;
}

base::Result<Options, std::string> parse_options(std::span<const std::string> args) {
    Options o;
    std::optional<long> max_servers;
    using Setter = std::function<std::optional<std::string>(std::string_view)>;
    auto number_into = [](auto& target, long min, long max) {
        return Setter([&target, min, max](std::string_view v) -> std::optional<std::string> {
            const auto n = parse_number(v, min, max);
            if (!n) {
                return "expected a number " + std::to_string(min) + ".." + std::to_string(max);
            }
            target = static_cast<std::remove_reference_t<decltype(target)>>(*n);
            return std::nullopt;
        });
    };
    auto rate_into = [](BucketParams& bucket, double burst_factor) {
        return Setter([&bucket, burst_factor](std::string_view v) -> std::optional<std::string> {
            const auto r = parse_rate(v);
            if (!r) {
                return "expected a whole number of events per second (0 = unlimited)";
            }
            bucket = {*r, *r * burst_factor};
            return std::nullopt;
        });
    };
    auto ip_into = [](std::uint32_t& target) {
        return Setter([&target](std::string_view v) -> std::optional<std::string> {
            const auto ip = parse_ipv4(v);
            if (!ip) {
                return "expected an IPv4 address";
            }
            target = *ip;
            return std::nullopt;
        });
    };
    std::uint16_t rpc_port = 0;
    long max_servers_value = 0;
    const std::map<std::string, Setter, std::less<>> with_value{
        {"--port", number_into(o.port, 0, 65535)},
        {"--serverbindip", ip_into(o.bind_ip)},
        {"--listfilter",
         [&](std::string_view v) {
             o.list_filter = parse_list_filter(v);
             return std::optional<std::string>();
         }},
        {"--serverpublicip", ip_into(o.public_ip)},
        {"--serverinfo", [&](std::string_view v) { return parse_server_info(v, o.self); }},
        {"--maxservers",
         [&](std::string_view v) -> std::optional<std::string> {
             const auto n = parse_number(v, 1, 100000);
             if (!n) {
                 return "expected a number of list entries (including the directory's own)";
             }
             max_servers_value = *n;
             max_servers = *n;
             return std::nullopt;
         }},
        {"--max-servers-per-ip", number_into(o.max_servers_per_ip, 0, 100000)},
        {"--trusted",
         [&](std::string_view v) -> std::optional<std::string> {
             while (!v.empty()) {
                 const auto semi = v.find(';');
                 const auto item = v.substr(0, semi);
                 const auto range = parse_cidr(item);
                 if (!range) {
                     return "\"" + std::string(item) + "\" is not an IP or CIDR range";
                 }
                 o.trusted.push_back(*range);
                 v = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
             }
             return std::nullopt;
         }},
        {"--ping-rate", rate_into(o.limits.pings_per_ip, 3)},
        {"--list-rate", rate_into(o.limits.lists_per_ip, 3)},
        {"--register-rate", rate_into(o.limits.registrations_per_ip, 20)},
        {"--punch-budget", rate_into(o.limits.punch_budget, 2)},
        {"--list-budget", rate_into(o.limits.list_budget, 2)},
        {"--db",
         [&](std::string_view v) -> std::optional<std::string> {
             if (v.empty()) {
                 return "expected a file name";
             }
             o.db_path = v;
             return std::nullopt;
         }},
        {"--import-directoryfile",
         [&](std::string_view v) {
             o.import_directory_file = std::string(v);
             return std::optional<std::string>();
         }},
        {"--directoryfile",
         [&](std::string_view v) -> std::optional<std::string> {
             if (v.empty()) {
                 return "expected a file name";
             }
             o.directory_file = std::string(v);
             return std::nullopt;
         }},
        {"--directoryaddress",
         [&](std::string_view v) -> std::optional<std::string> {
             // Jamulus runs as a directory when told to register with itself.
             if (v != "localhost" && v != "127.0.0.1") {
                 return "a directory does not register with another; use localhost (as "
                        "Jamulus does to run as a directory) or run a jamfleet-mixer";
             }
             return std::nullopt;
         }},
        {"--jsonrpcbindip", ip_into(o.jsonrpc_bind_ip)},
        {"--log-level",
         [&](std::string_view v) -> std::optional<std::string> {
             if (!base::parse_log_level(v)) {
                 return "expected debug, info, warn or error";
             }
             o.log_level = std::string(v);
             return std::nullopt;
         }},
        {"--jsonrpcport", number_into(rpc_port, 1, 65535)},
        {"--control-socket",
         [&](std::string_view v) -> std::optional<std::string> {
             if (v.empty()) {
                 return "expected a unix socket path";
             }
             o.control_socket = std::string(v);
             return std::nullopt;
         }},
        {"--relay-socket",
         [&](std::string_view v) -> std::optional<std::string> {
             if (v.empty()) {
                 return "expected a unix socket path";
             }
             o.relay_socket = std::string(v);
             return std::nullopt;
         }},
        {"--jsonrpcsecretfile",
         [&](std::string_view v) {
             o.jsonrpc_secret_file = std::string(v);
             return std::optional<std::string>();
         }},
    };
    const std::map<std::string, std::string, std::less<>> short_names{
        {"-p", "--port"},
        {"-f", "--listfilter"},
        {"-o", "--serverinfo"},
        {"-e", "--directoryaddress"},
        {"--directoryserver", "--directoryaddress"},
        {"--centralserver", "--directoryaddress"},
        {"--serverbindip4", "--serverbindip"}};
    // Options of a Jamulus server that mean nothing to a directory: accepted so a
    // Jamulus directory's unit file works unchanged. Flags, then options with a value.
    const std::map<std::string, std::string, std::less<>> ignored_flags{
        {"-s", ""},
        {"--server", ""},
        {"-n", ""},
        {"--nogui", ""},
        {"-t", ""},
        {"--notranslation", ""},
        {"-z", ""},
        {"--startminimized", ""},
        {"--noipv6", ""},
        {"-d", "room of its own"},
        {"--discononquit", "room of its own"},
        {"-T", "audio mixing"},
        {"--multithreading", "audio mixing"},
        {"-F", "audio mixing"},
        {"--fastupdate", "audio mixing"},
        {"-L", "room of its own"},
        {"--licence", "room of its own"},
        {"-P", "audio mixing"},
        {"--delaypan", "audio mixing"},
        {"--norecord", "recorder"},
        {"--noraw", "audio mixing"},
        {"-6", "IPv6 (this directory listens on IPv4 only)"},
        {"--enableipv6", "IPv6 (this directory listens on IPv4 only)"}};
    const std::map<std::string, std::string, std::less<>> ignored_with_value{
        {"-u", "room of its own"},
        {"--numchannels", "room of its own"},
        {"-w", "room of its own"},
        {"--welcomemessage", "room of its own"},
        {"-Q", "audio mixing"},
        {"--qos", "audio mixing"},
        {"-l", "room of its own"},
        {"--log", "room of its own"},
        {"-m", "HTML status file (use JSON-RPC)"},
        {"--htmlstatus", "HTML status file (use JSON-RPC)"},
        {"-R", "recorder"},
        {"--recording", "recorder"},
        {"-i", "GUI"},
        {"--inifile", "GUI"},
        {"--serverbindip6", "IPv6 (this directory listens on IPv4 only)"}};
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::optional<std::string> value;
        if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (const auto s = short_names.find(name); s != short_names.end()) {
            name = s->second;
        }
        if (name == "--help" || name == "-h") {
            o.help = true;
            continue;
        }
        if (name == "--version" || name == "-v") {
            o.version = true;
            continue;
        }
        if (const auto flag = ignored_flags.find(name); flag != ignored_flags.end()) {
            if (!flag->second.empty()) {
                o.warnings.push_back(name + " is ignored: jamfleet-directory has no " +
                                     flag->second + " (rooms run as jamfleet-mixer)");
            }
            continue;
        }
        if (const auto option = ignored_with_value.find(name); option != ignored_with_value.end()) {
            if (!value && i + 1 >= args.size()) {
                return base::Err{"option " + name + " needs a value"};
            }
            if (!value) {
                ++i;
            }
            o.warnings.push_back(name + " is ignored: jamfleet-directory has no " + option->second +
                                 " (rooms run as jamfleet-mixer)");
            continue;
        }
        const auto setter = with_value.find(name);
        if (setter == with_value.end()) {
            return base::Err{"unknown option " + args[i]};
        }
        if (!value) {
            if (i + 1 >= args.size()) {
                return base::Err{"option " + name + " needs a value"};
            }
            value = args[++i];
        }
        if (auto error = setter->second(*value)) {
            return base::Err{"option " + name + " \"" + *value + "\": " + *error};
        }
        if (name == "--jsonrpcport") {
            o.jsonrpc_port = rpc_port;
        }
    }
    if (o.jsonrpc_port.has_value() != o.jsonrpc_secret_file.has_value()) {
        return base::Err{
            std::string("--jsonrpcport and --jsonrpcsecretfile must be given together")};
    }
    const std::size_t limit = max_servers_limit(o.self);
    if (max_servers) {
        if (max_servers_value < 2 || static_cast<std::size_t>(max_servers_value) > limit) {
            return base::Err{"option --maxservers \"" + std::to_string(max_servers_value) +
                             "\": must be 2.." + std::to_string(limit) +
                             " (the full list must fit a Jamulus client's 20000-byte datagram)"};
        }
        o.max_servers = static_cast<std::size_t>(max_servers_value);
    }
    if (max_servers && o.max_servers > max_servers_worst_case(o.self)) {
        o.warnings.push_back(
            "--maxservers " + std::to_string(o.max_servers) + " exceeds " +
            std::to_string(max_servers_worst_case(o.self)) +
            ", the count that always fits a 20000-byte datagram with 20-character non-ASCII "
            "names and cities; registrations that would overflow it are answered \"list full\"");
    }
    for (const auto& w : o.list_filter.warnings) {
        o.warnings.push_back("--listfilter: " + w);
    }
    return o;
}

std::string usage_text() {
    return R"(Usage: jamfleet-directory [options]
A Jamulus custom directory that keeps its list in SQLite.

  -p, --port N                 UDP port (default 22124)
      --serverbindip IP        bind to this IPv4 address (default all)
  -f, --listfilter LIST        "[min.version];ip;cidr;host.name;..." registration filter
      --serverpublicip IP      this directory's public IP (hole-punch target for
                               clients on private networks); default auto-detected
  -o, --serverinfo N;C;CC      own entry: name;city;country (Qt5 number or ISO code)
      --maxservers N           list entries including our own (default 150)
      --max-servers-per-ip N   entries per source IP, whitelisted IPs exempt
                               (default 16, 0 = unlimited)
      --trusted LIST           "ip;a.b.c.d/n;..." exempt from --max-servers-per-ip
                               without restricting anyone (e.g. the fleet's mixers)
      --ping-rate N            pings/queries per second per source IP (default 20)
      --list-rate N            list requests per second per source IP (default 2;
                               at most one list per source address per second)
      --register-rate N        registrations per second per source IP (default 10,
                               burst 20x)
      --punch-budget N         hole-punch requests per second, all clients (default 2000)
      --list-budget N          list replies per second, all clients (default 25000,
                               burst 2x; per-source limits apply first)
      --db PATH                SQLite database (default var/directory.sqlite)
      --import-directoryfile F take over a Jamulus --directoryfile list at start
      --jsonrpcport N          JSON-RPC on 127.0.0.1:N (with --jsonrpcsecretfile)
      --jsonrpcbindip IP       listen for JSON-RPC on IP instead of 127.0.0.1
      --jsonrpcsecretfile F    first line: secret of at least 16 characters
      --control-socket PATH    supervisor control channel (unix socket), for jamfleet
      --relay-socket PATH      receive directory requests a room on this host hands on
                               (unix datagram socket); answered from the UDP port
      --directoryfile F        a Jamulus directory's list file: imported at start
                               when it exists; the database stays the list of record
  -e, --directoryaddress localhost
                               accepted (how Jamulus is told to be a directory)
      --serverbindip4 IP       same as --serverbindip (Jamulus 4.0 spelling)
      --log-level LEVEL        debug, info, warn or error (default info)
  -s, -n, -t, -z, --noipv6     accepted and ignored
  -d, -T, -F, -L, -P, -6, --norecord, --noraw, -u N, -w TEXT, -Q N, -l F, -m F,
  -R DIR, -i F, --serverbindip6 IP
                               a Jamulus server's room options: accepted with a
                               warning (this program is a directory only)
  Any long option also takes the form --option=value.
  -v, --version                print the version and exit
  -h, --help                   this text
Rates of 0 disable that limit.
)";
}

} // namespace jamfleet::directory
