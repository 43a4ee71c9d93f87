// Command-line parsing for jamfleet-mixer.
#include "mixer-worker/options.h"

#include <charconv>
#include <thread>

#include "base/log_style.h"
#include "io/socket_address.h"
#include "mixer-worker/live_settings.h"

namespace jamfleet::mixer {

using base::Err;

namespace {

std::optional<long> parse_int(const std::string& s) {
    long v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || p != end || s.empty()) {
        return std::nullopt;
    }
    return v;
}

bool is(const std::string& arg, const char* short_name, const char* long_name) {
    return (short_name != nullptr && arg == short_name) || arg == long_name;
}

// "--port=22124" → "--port", "22124" (Jamulus itself wants them apart; people and
// generated unit files often join them).
std::vector<std::string> split_equals_forms(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    out.reserve(args.size());
    for (const auto& arg : args) {
        const auto equals = arg.find('=');
        if (arg.starts_with("--") && equals != std::string::npos && equals > 2) {
            out.push_back(arg.substr(0, equals));
            out.push_back(arg.substr(equals + 1));
        } else {
            out.push_back(arg);
        }
    }
    return out;
}

} // namespace

std::string usage_text() {
    return R"(Usage: jamfleet-mixer [options]
A Jamulus-compatible server (drop-in for a headless `Jamulus -s -n`).

  -p, --port N                UDP port (default 22124)
      --serverbindip IP       bind to this IPv4 address only
      --serverbindip6 IP6     also serve IPv6 clients on the same port (:: = all)
  -u, --numchannels N         maximum clients, 1…150 (default 10)
  -w, --welcomemessage TEXT   welcome message (HTML allowed), or a file name
  -e, --directoryserver ADDR  register with the directory at host[:port]
      --directoryaddress ADDR (same as -e)
  -o, --serverinfo INFO       "name;city;country", country as two-letter code or number
      --serverpublicip IP     address to announce to the directory
  -P, --delaypan              delay panning for stereo clients
  -F, --fastupdate            64-sample server frames (1.33 ms)
  -L, --licence               ask clients to accept a licence
  -Q, --qos N                 IP TOS byte 0…255 (default 128)
      --jsonrpcport N         JSON-RPC on 127.0.0.1:N (needs --jsonrpcsecretfile)
      --jsonrpcsecretfile F   first line: the JSON-RPC secret (16+ characters)
  -l, --log FILE              append connection events to FILE
  -R, --recording DIR         record sessions into DIR (jam recorder)
      --norecord              start with recording disabled
      --noraw                 do not offer uncompressed audio (Jamulus 4.0 clients)
      --control-socket PATH   supervisor control socket (used by jamfleet)
      --directory-relay PATH  hand list requests and registrations sent to this
                              port to the directory at PATH (unix datagram socket)
      --threads N             cores a busy tick may use for decode/encode, 1…8
                              (default 2 with ≥ 2 CPUs, else 1)
      --max-seats-per-ip N    channels one IP address may hold, 1…150 (default 32)
      --jsonrpcbindip IP      address of the JSON-RPC listener (default 127.0.0.1)
      --serverbindip4 IP      (same as --serverbindip; Jamulus 4.0 spelling)
      --log-level LEVEL       debug, info, warn or error (default info)
      --bans-file PATH        keep this room's bans (kick, jamfleet/ban) in PATH
                              (default with --control-socket X.sock: X.bans.json)
      --ban CIDR              refuse an address or range, IPv4 or IPv6 (repeatable)
      --allow CIDR            private room: admit only these ranges (repeatable)
  -s, --server, -n, --nogui   accepted and ignored (always a headless server)
  -d, --discononquit, -T, --multithreading
                              accepted and ignored (clients are always told on quit;
                              decode and encode use --threads)
  -6, --enableipv6           also serve IPv6 clients on the same port (as --serverbindip6 ::)
      --noipv6                IPv4 only, whatever else asks for IPv6 (Jamulus 4.0 spelling)
  -t, --notranslation, -z, --startminimized
                              accepted and ignored (no GUI)
  -m, --htmlstatus FILE       accepted with a warning: no HTML status file; use JSON-RPC
  -i, --inifile F, -f, --listfilter F, --directoryfile F
                              accepted with a warning: they mean nothing to a server
  Any long option also takes the form --option=value.
  -v, --version               print the version and exit
  -h, --help                  this text
)";
}

base::Result<MixerOptions, std::string> parse_options(const std::vector<std::string>& argv) {
    const std::vector<std::string> args = split_equals_forms(argv);
    MixerOptions o;
    o.threads = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
    std::string welcome_arg;
    bool no_ipv6 = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) -> bool {
            if (i + 1 >= args.size()) {
                return false;
            }
            out = args[++i];
            return true;
        };
        auto number = [&](long lo, long hi, long& out) -> std::optional<std::string> {
            std::string v;
            if (!value(v)) {
                return a + ": missing value";
            }
            auto n = parse_int(v);
            if (!n || *n < lo || *n > hi) {
                return a + ": \"" + v + "\" is not a number in " + std::to_string(lo) + "…" +
                       std::to_string(hi);
            }
            out = *n;
            return std::nullopt;
        };
        auto ip = [&](std::uint32_t& out) -> std::optional<std::string> {
            std::string v;
            if (!value(v)) {
                return a + ": missing value";
            }
            auto parsed = io::SocketAddress::parse_ip(v);
            if (!parsed) {
                return a + ": \"" + v + "\" is not an IPv4 address";
            }
            out = *parsed;
            return std::nullopt;
        };
        std::optional<std::string> error;
        long n = 0;
        if (is(a, "-h", "--help") || a == "-?") {
            o.help = true;
        } else if (is(a, "-v", "--version")) {
            o.version = true;
        } else if (is(a, "-s", "--server") || is(a, "-n", "--nogui") ||
                   is(a, "-d", "--discononquit") || is(a, "-T", "--multithreading") ||
                   is(a, "-t", "--notranslation") || is(a, "-z", "--startminimized")) {
            // Accepted for drop-in compatibility; nothing to change here.
        } else if (is(a, "-6", "--enableipv6")) {
            // Jamulus 3.x: IPv6 off unless asked; the socket then serves every v6 address.
            if (o.bind_ip6.empty()) {
                o.bind_ip6 = "::";
            }
        } else if (a == "--noipv6") {
            // Jamulus 4.0: IPv6 on unless turned off; wins over -6 wherever it stands.
            no_ipv6 = true;
        } else if (is(a, "-m", "--htmlstatus")) {
            std::string v;
            if (!value(v)) {
                error = a + ": missing value";
            } else {
                o.warnings.push_back(a + " " + v +
                                     " is ignored: no HTML status file is written (the option is "
                                     "gone from Jamulus 4.0); use JSON-RPC (--jsonrpcport, method "
                                     "jamulusserver/getClients) for the same information");
            }
        } else if (is(a, "-i", "--inifile") || is(a, "-f", "--listfilter") ||
                   a == "--directoryfile") {
            std::string v;
            if (!value(v)) {
                error = a + ": missing value";
            } else {
                o.warnings.push_back(a + " is ignored: it has no meaning for a headless server");
            }
        } else if (a == "--jsonrpcbindip") {
            error = ip(o.jsonrpc_bind_ip);
        } else if (a == "--log-level") {
            std::string v;
            if (!value(v) || !base::parse_log_level(v)) {
                error = a + ": expected debug, info, warn or error";
            } else {
                o.log_level = v;
            }
        } else if (is(a, "-p", "--port")) {
            if (!(error = number(0, 65535, n))) {
                o.port = static_cast<std::uint16_t>(n);
            }
        } else if (a == "--serverbindip" || a == "--serverbindip4") {
            error = ip(o.bind_ip);
        } else if (a == "--serverbindip6") {
            if (!value(o.bind_ip6)) {
                error = a + ": missing value";
            } else if (!io::SocketAddress::parse_ip6(o.bind_ip6)) {
                error = a + ": bad IPv6 address '" + o.bind_ip6 + "'";
            }
        } else if (is(a, "-u", "--numchannels")) {
            if (!(error = number(1, 150, n))) {
                o.max_channels = static_cast<int>(n);
            }
        } else if (is(a, "-w", "--welcomemessage")) {
            if (!value(welcome_arg)) {
                error = a + ": missing value";
            }
        } else if (is(a, "-e", "--directoryserver") || a == "--directoryaddress" ||
                   a == "--centralserver") {
            if (!value(o.directory)) {
                error = a + ": missing value";
            } else if (o.directory == "localhost" || o.directory == "127.0.0.1") {
                error = a + " " + o.directory +
                        " would make this server a directory; run jamfleet-directory for that";
            }
        } else if (is(a, "-o", "--serverinfo")) {
            std::string v;
            if (!value(v)) {
                error = a + ": missing value";
            } else if (auto info = parse_server_info(v); info.ok()) {
                o.server_info = *info;
            } else {
                error = info.error();
            }
        } else if (a == "--serverpublicip") {
            std::uint32_t v = 0;
            if (!(error = ip(v))) {
                o.server_public_ip = v;
            }
        } else if (is(a, "-P", "--delaypan")) {
            o.delay_pan = true;
        } else if (is(a, "-F", "--fastupdate")) {
            o.fast_update = true;
        } else if (is(a, "-L", "--licence")) {
            o.licence = true;
        } else if (is(a, "-Q", "--qos")) {
            if (!(error = number(0, 255, n))) {
                o.qos = static_cast<int>(n);
            }
        } else if (a == "--jsonrpcport") {
            if (!(error = number(0, 65535, n))) {
                o.jsonrpc_port = static_cast<std::uint16_t>(n);
            }
        } else if (a == "--jsonrpcsecretfile") {
            if (!value(o.jsonrpc_secret_file)) {
                error = a + ": missing value";
            }
        } else if (is(a, "-l", "--log")) {
            if (!value(o.log_file)) {
                error = a + ": missing value";
            }
        } else if (is(a, "-R", "--recording")) {
            if (!value(o.recording_dir)) {
                error = a + ": missing value";
            }
        } else if (a == "--norecord") {
            o.no_record = true;
        } else if (a == "--noraw") {
            o.no_raw = true;
        } else if (a == "--threads") {
            if (!(error = number(1, 8, n))) {
                o.threads = static_cast<int>(n);
            }
        } else if (a == "--max-seats-per-ip") {
            if (!(error = number(1, 150, n))) {
                o.max_seats_per_ip = static_cast<int>(n);
            }
        } else if (a == "--no-shared-encodes") {
            // Not in --help: one encode per listener, for benchmarks and tests.
            o.shared_encodes = false;
        } else if (a == "--parallel-ticks") {
            // Not in --help: decode and encode on all --threads workers on every tick.
            o.always_parallel_ticks = true;
        } else if (a == "--bans-file") {
            if (!value(o.bans_file)) {
                error = a + ": missing value";
            }
        } else if (a == "--ban" || a == "--allow") {
            std::string text;
            if (!value(text)) {
                error = a + ": missing value";
            } else if (auto range = AddressRange::parse(text)) {
                (a == "--ban" ? o.static_bans : o.allow).push_back(*range);
            } else {
                error = a + ": " + text + " is not an address or CIDR block";
            }
        } else if (a == "--control-socket") {
            if (!value(o.control_socket)) {
                error = a + ": missing value";
            }
        } else if (a == "--directory-relay") {
            if (!value(o.directory_relay)) {
                error = a + ": missing value";
            }
        } else {
            error = "unknown option " + a;
        }
        if (error) {
            return Err{*error};
        }
    }
    if (o.jsonrpc_port && o.jsonrpc_secret_file.empty()) {
        return Err{std::string("--jsonrpcport needs --jsonrpcsecretfile")};
    }
    if (o.server_public_ip && o.directory.empty()) {
        o.warnings.push_back("--serverpublicip is ignored without -e/--directoryserver");
    }
    if (no_ipv6) {
        o.bind_ip6.clear();
    }
    o.welcome_message = welcome_text(welcome_arg);
    // Under the supervisor the bans live next to the control socket, in the fleet's
    // run directory, so a restarted room keeps them (docs/moderation.md).
    if (o.bans_file.empty() && !o.control_socket.empty()) {
        const std::string_view sock = ".sock";
        std::string base = o.control_socket;
        if (base.ends_with(sock)) {
            base.resize(base.size() - sock.size());
        }
        o.bans_file = base + ".bans.json";
    }
    return o;
}

} // namespace jamfleet::mixer
