// Start checks of `jamfleet check`; see start_checks.h.
#include "orchestrator/start_checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace jamfleet::orchestrator {
namespace {

namespace fs = std::filesystem;

// JSON-RPC secrets must be at least this long (the children refuse shorter ones).
constexpr std::size_t kMinSecretChars = 16;

bool writable(const fs::path& path) {
    return ::access(path.c_str(), W_OK) == 0;
}

// A directory a child will write into: it exists and is writable, or its nearest
// existing ancestor is (the child or the supervisor creates it).
std::string directory_problem(const fs::path& dir) {
    std::error_code ec;
    fs::path probe = dir.empty() ? fs::path(".") : dir;
    if (fs::exists(probe, ec)) {
        if (!fs::is_directory(probe, ec)) {
            return probe.string() + " is not a directory";
        }
        return writable(probe) ? "" : probe.string() + " is not writable";
    }
    fs::path parent = fs::absolute(probe, ec).parent_path();
    while (parent.has_relative_path() && !fs::exists(parent, ec)) {
        parent = parent.parent_path();
    }
    if (!fs::is_directory(parent, ec) || !writable(parent)) {
        return probe.string() + " does not exist and cannot be created (" + parent.string() +
               " is not writable)";
    }
    return "";
}

std::string secret_problem(const std::string& file) {
    std::ifstream in(file);
    if (!in) {
        return file + ": cannot read (" + std::strerror(errno) + ")";
    }
    std::string first_line;
    std::getline(in, first_line);
    if (first_line.size() < kMinSecretChars) {
        return file + ": the first line must hold a secret of at least " +
               std::to_string(kMinSecretChars) + " characters";
    }
    return "";
}

bool tcp_port_free(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return true; // cannot tell; the start will say
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return free;
}

class Findings {
public:
    void error(std::string where, std::string message) {
        add({true, std::move(where), std::move(message)});
    }
    void warning(std::string where, std::string message) {
        add({false, std::move(where), std::move(message)});
    }
    std::vector<StartFinding> take() { return std::move(list_); }

private:
    // A default shared by every room would otherwise be reported once per room: one
    // finding per setting ("/welcome") and message.
    void add(StartFinding finding) {
        const std::string setting = finding.where.substr(finding.where.rfind('/'));
        if (seen_.insert(setting + " " + finding.message).second) {
            list_.push_back(std::move(finding));
        }
    }
    std::vector<StartFinding> list_;
    std::set<std::string> seen_;
};

} // namespace

bool welcome_looks_like_path(const std::string& welcome) {
    if (welcome.starts_with('/') || welcome.starts_with("./") || welcome.starts_with("../") ||
        welcome.starts_with("~/")) {
        return welcome.find('\n') == std::string::npos;
    }
    if (welcome.find_first_of(" \t\n<>") != std::string::npos) {
        return false;
    }
    for (const char* suffix : {".html", ".htm", ".txt"}) {
        if (welcome.ends_with(suffix)) {
            return true;
        }
    }
    return false;
}

std::vector<StartFinding> start_checks(const config::FleetConfig& fleet,
                                       const StartCheckOptions& options) {
    Findings findings;
    const auto check_rpc = [&](const std::string& where, const std::optional<std::uint16_t>& port,
                               const std::string& secret) {
        if (!port) {
            return;
        }
        if (auto problem = secret_problem(secret); !problem.empty()) {
            findings.error(where + "/jsonrpc_secret_file", problem);
        }
        if (!options.ports_in_use_by_fleet && !tcp_port_free(*port)) {
            findings.error(where + "/jsonrpc_port",
                           "TCP 127.0.0.1:" + std::to_string(*port) + " is already in use");
        }
    };
    if (auto problem = directory_problem(fleet.fleet.run_dir); !problem.empty()) {
        findings.error("/fleet/run_dir", problem);
    }
    const config::DirectoryConfig& d = fleet.directory;
    if (d.enabled) {
        if (auto problem = directory_problem(fs::path(d.database).parent_path());
            !problem.empty()) {
            findings.error("/directory/database", problem);
        }
        check_rpc("/directory", d.jsonrpc_port, d.jsonrpc_secret_file);
        if (d.whitelist.empty()) {
            findings.warning("/directory/whitelist",
                             "empty: any server on the internet may register and fill the list "
                             "(whitelist: [127.0.0.1] lists only this fleet's rooms)");
        }
    }
    for (const auto& server : fleet.servers) {
        const std::string where = "/servers/" + server.name;
        const std::string& welcome = server.options.welcome;
        if (welcome_looks_like_path(welcome)) {
            std::ifstream in(welcome);
            if (!in) {
                findings.error(where + "/welcome",
                               welcome + " cannot be read (" + std::strerror(errno) +
                                   "); musicians would see the file name as the message");
            }
        }
        if (!server.options.recording_dir.empty()) {
            if (auto problem = directory_problem(server.options.recording_dir); !problem.empty()) {
                findings.error(where + "/recording_dir", problem);
            }
        }
        if (!server.log_file.empty()) {
            const fs::path log(server.log_file);
            std::error_code ec;
            if (fs::exists(log, ec) ? !writable(log)
                                    : !directory_problem(log.parent_path()).empty()) {
                findings.error(where + "/log_file", server.log_file + " cannot be written");
            }
        }
        check_rpc(where, server.jsonrpc_port, server.jsonrpc_secret_file);
    }
    // A missing public_ip behind NAT is the network report's warning (network_report.h).
    return findings.take();
}

} // namespace jamfleet::orchestrator
