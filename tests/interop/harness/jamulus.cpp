// JamulusServer / JamulusClient: start real Jamulus (or a drop-in) on loopback with JSON-RPC.
#include "tests/interop/harness/jamulus.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "tests/interop/harness/net.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

std::string base64(const std::string& text) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    for (; i + 2 < text.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
                kAlphabet[v & 63]};
    }
    if (const auto rest = text.size() - i; rest > 0) {
        const unsigned v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0u);
        out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63],
                rest == 2 ? kAlphabet[(v >> 6) & 63] : '=', '='};
    }
    return out;
}

std::filesystem::path write_secret(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto path = dir / "jsonrpc-secret.txt";
    std::ofstream(path) << kRpcSecret << "\n";
    return path;
}

} // namespace

void PrintTo(const ServerKind& kind, std::ostream* out) {
    *out << kind.name << " (" << kind.program << ")";
}

ServerKind real_jamulus_kind(JamulusVersion version) {
    return {"jamulus_" + version_tag(version),
            jamulus_program_path(version).string(),
            {"-s", "-n"},
            true,
            version};
}

std::optional<ServerKind> jamfleet_mixer_kind() {
    const char* path = std::getenv("JAMFLEET_MIXER");
    if (path == nullptr || *path == '\0' || ::access(path, X_OK) != 0) {
        return std::nullopt;
    }
    return ServerKind{"jamfleet_mixer", path, {}, false};
}

std::vector<ServerKind> server_kinds_under_test() {
    std::vector<ServerKind> kinds{real_jamulus_kind()};
    if (auto mixer = jamfleet_mixer_kind()) {
        kinds.push_back(*mixer);
    }
    return kinds;
}

JamulusServer::JamulusServer(const std::filesystem::path& dir, const ServerKind& kind,
                             ServerOptions options, const std::string& role)
    : kind_(kind), port_(options.port != 0 ? options.port : free_udp_port()) {
    const auto work_dir = dir / role;
    const std::string program =
        kind.is_real_jamulus ? jamulus_program(kind.version).string() : kind.program;
    std::vector<std::string> args = kind.base_args;
    args.insert(args.end(), {"-p", std::to_string(port_)});
    auto bind = kind.is_real_jamulus ? server_bind_args(kind.version, "127.0.0.1", options.bind_ip6)
                                     : std::vector<std::string>{"--serverbindip", "127.0.0.1"};
    if (!kind.is_real_jamulus && !options.bind_ip6.empty()) {
        bind.insert(bind.end(), {"--serverbindip6", options.bind_ip6});
    }
    args.insert(args.end(), bind.begin(), bind.end());
    if (options.json_rpc) {
        rpc_port_ = free_tcp_port();
        args.insert(args.end(), {"--jsonrpcport", std::to_string(rpc_port_), "--jsonrpcsecretfile",
                                 write_secret(work_dir).string()});
    }
    args.insert(args.end(), options.args.begin(), options.args.end());
    process_ = std::make_unique<Process>(ProcessOptions{
        .name = role, .program = program, .args = args, .env = {}, .work_dir = work_dir});
    const bool bound = wait_until([&] { return !process_->running() || udp_port_bound(port_); },
                                  std::chrono::seconds(15));
    if (!bound || !process_->running()) {
        throw std::runtime_error(kind.name + " " + role + " did not bind udp " + address() + ":\n" +
                                 process_->log_text());
    }
    if (options.json_rpc) {
        rpc_ = std::make_unique<JsonRpcClient>(rpc_port_, kRpcSecret);
    }
}

JamulusServer::~JamulusServer() = default;

JsonRpcClient& JamulusServer::rpc() {
    if (!rpc_) {
        throw std::logic_error("server started without JSON-RPC");
    }
    return *rpc_;
}

int JamulusServer::stop(std::chrono::milliseconds timeout) {
    return process_->terminate(timeout);
}

std::string client_ini(const ClientProfile& profile, const std::string& extra_ini) {
    std::string ini = "<client>\n";
    const auto add = [&](const std::string& key, const std::string& value) {
        ini += " <" + key + ">" + value + "</" + key + ">\n";
    };
    add("name_base64", base64(profile.name));
    add("city_base64", base64(profile.city));
    add("country", std::to_string(profile.country));
    add("instrument", std::to_string(profile.instrument));
    add("skill", std::to_string(profile.skill));
    add("audiochannels", std::to_string(profile.audio_channels));
    add("audioquality", std::to_string(profile.audio_quality));
    add("enableopussmall", profile.opus_small ? "1" : "0");
    return ini + extra_ini + "</client>\n";
}

JamulusClient::JamulusClient(const std::filesystem::path& dir, const JackServer& jack,
                             const std::string& role, const ClientProfile& profile,
                             const std::string& server_address, const ClientOptions& options)
    : role_(role), version_(options.version) {
    if (options.gui && options.version != JamulusVersion::v3_9_1) {
        throw std::logic_error("only Debian's 3.9.1 has a GUI; the newer peers are headless");
    }
    const auto program =
        options.program.empty() ? jamulus_program(options.version).string() : options.program;
    const auto work_dir = dir / role;
    std::filesystem::create_directories(work_dir);
    const auto ini = work_dir / (role + ".ini");
    std::ofstream(ini) << client_ini(profile, options.extra_ini);
    const auto rpc_port = free_tcp_port();
    std::vector<std::string> args;
    if (!options.gui) {
        args.push_back("-n");
    }
    if (options.connect) {
        args.insert(args.end(), {"-c", server_address});
    }
    args.insert(args.end(),
                {"-i", ini.string(), "-p", "0", "-j", "--clientname", role, "--jsonrpcport",
                 std::to_string(rpc_port), "--jsonrpcsecretfile", write_secret(work_dir).string()});
    const auto version_args = client_version_args(options.version);
    args.insert(args.end(), version_args.begin(), version_args.end());
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    auto env = jack.client_env();
    if (options.gui) {
        env.emplace_back("QT_QPA_PLATFORM", "offscreen");
    }
    process_ = std::make_unique<Process>(ProcessOptions{
        .name = role, .program = program, .args = args, .env = env, .work_dir = work_dir});
    rpc_ = std::make_unique<JsonRpcClient>(rpc_port, kRpcSecret);
}

JamulusClient::~JamulusClient() = default;

std::uint16_t JamulusClient::udp_port() const {
    const auto ports = udp_ports_of(process_->pid());
    return ports.empty() ? 0 : ports.front();
}

std::string JamulusClient::jack_port(const std::string& which) const {
    return "Jamulus " + role_ + ":" + which;
}

bool JamulusClient::connected() {
    return rpc_->call("jamulusclient/getClientInfo").value("connected", false);
}

bool JamulusClient::wait_connected(std::chrono::milliseconds timeout) {
    return wait_until([&] { return connected(); }, timeout, std::chrono::milliseconds(50));
}

nlohmann::json JamulusClient::client_list() {
    const auto response = rpc_->request("jamulusclient/getClientList");
    if (!response.contains("result")) {
        return nlohmann::json::array(); // error 1: not connected
    }
    return response["result"].value("clients", nlohmann::json::array());
}

bool JamulusClient::wait_for_client_list(
    const std::function<bool(const nlohmann::json& clients)>& predicate,
    std::chrono::milliseconds timeout) {
    return wait_until([&] { return predicate(client_list()); }, timeout,
                      std::chrono::milliseconds(50));
}

int JamulusClient::stop(std::chrono::milliseconds timeout) {
    return process_->terminate(timeout);
}

std::vector<std::string> client_names(const nlohmann::json& clients) {
    std::vector<std::string> names;
    for (const auto& client : clients) {
        names.push_back(client.value("name", ""));
    }
    return names;
}

} // namespace jamfleet::interop
