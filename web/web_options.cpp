// jamfleet-web's command line (the supervisor passes every option; see
// orchestrator/launch_spec.cpp web_launch).
#include <charconv>

#include "web/web_app.h"

namespace jamfleet::web {

std::string web_usage_text() {
    return "usage: jamfleet-web --run-dir DIR --token-file FILE [options]\n"
           "  --run-dir DIR            the fleet's run directory (control sockets)\n"
           "  --supervisor-socket P    default DIR/jamfleet.sock\n"
           "  --control-socket P       this process's own control socket (for the supervisor)\n"
           "  --bind ADDRESS           IP literal to listen on (default 127.0.0.1)\n"
           "  --port N                 TCP port (default 8124; 0 = any free port)\n"
           "  --token-file FILE        the action token (first line)\n"
           "  --max-connections N      default 256\n"
           "  --max-connections-per-ip N  default 32\n"
           "  --idle-timeout S         seconds (default 10)\n"
           "  --help, --version\n";
}

namespace {

bool parse_number(const std::string& text, unsigned long max, unsigned long& out) {
    const auto* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, out);
    return r.ec == std::errc() && r.ptr == end && out <= max;
}

} // namespace

base::Result<WebOptions, std::string> parse_web_options(const std::vector<std::string>& args) {
    WebOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            o.help = true;
            continue;
        }
        if (a == "--version") {
            o.version = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            return base::Err{a.starts_with("--") ? a + " needs a value" : "unknown option " + a};
        }
        const std::string& v = args[++i];
        unsigned long n = 0;
        if (a == "--run-dir") {
            o.run_dir = v;
        } else if (a == "--supervisor-socket") {
            o.supervisor_socket = v;
        } else if (a == "--control-socket") {
            o.control_socket = v;
        } else if (a == "--bind") {
            o.bind = v;
        } else if (a == "--token-file") {
            o.token_file = v;
        } else if (a == "--port") {
            if (!parse_number(v, 65535, n)) {
                return base::Err{"--port is not a port number: " + v};
            }
            o.port = static_cast<std::uint16_t>(n);
        } else if (a == "--max-connections" || a == "--max-connections-per-ip" ||
                   a == "--idle-timeout") {
            if (!parse_number(v, 100000, n) || n == 0) {
                return base::Err{a + " is not a positive number: " + v};
            }
            (a == "--max-connections"          ? o.limits.max_connections
             : a == "--max-connections-per-ip" ? o.limits.max_connections_per_ip
                                               : o.limits.idle_timeout_s) =
                static_cast<unsigned>(n);
        } else {
            return base::Err{"unknown option " + a};
        }
    }
    if (o.help || o.version) {
        return o;
    }
    if (o.run_dir.empty()) {
        return base::Err{std::string("--run-dir is required")};
    }
    if (o.token_file.empty()) {
        return base::Err{std::string("--token-file is required")};
    }
    if (o.supervisor_socket.empty()) {
        o.supervisor_socket = o.run_dir + "/jamfleet.sock";
    }
    return o;
}

} // namespace jamfleet::web
