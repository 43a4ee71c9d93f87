// Real Jamulus programs (and drop-in replacements such as jamfleet-mixer) driven by interop
// tests: a headless server of a chosen kind and headless clients with an ini profile.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus_version.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/process.h"

namespace jamfleet::interop {

// The JSON-RPC secret every harness-started program uses (≥ 16 characters).
inline constexpr const char* kRpcSecret = "jamfleet-interop-secret-0123456789";

// How to start "a Jamulus server": the real one, or jamfleet-mixer with the same options.
struct ServerKind {
    std::string name;                   // "jamulus_3_9_1" or "jamfleet_mixer" (valid gtest name)
    std::string program;                // a path; for real Jamulus checked when a server starts
    std::vector<std::string> base_args; // {"-s", "-n"} for Jamulus
    bool is_real_jamulus = true;
    JamulusVersion version = JamulusVersion::v3_9_1; // real Jamulus only
};

// gtest prints test parameters with this (instead of a byte dump).
void PrintTo(const ServerKind& kind, std::ostream* out);

// Real Jamulus of `version` (`-s -n`), named "jamulus_<version tag>".
ServerKind real_jamulus_kind(JamulusVersion version = JamulusVersion::v3_9_1);
// jamfleet-mixer from the JAMFLEET_MIXER environment variable (set by meson when it is built).
std::optional<ServerKind> jamfleet_mixer_kind();
// Real Jamulus, plus jamfleet-mixer when JAMFLEET_MIXER names an executable.
std::vector<ServerKind> server_kinds_under_test();

struct ServerOptions {
    std::uint16_t port = 0;        // 0: a free port chosen at run time
    std::vector<std::string> args; // further options, e.g. {"-u", "1"}, {"-F"}, {"-w", "hi"}
    bool json_rpc = true;          // --jsonrpcport/--jsonrpcsecretfile
    // An IPv6 socket bound to this address beside the IPv4 one (--serverbindip6; 4.0 and
    // jamfleet-mixer only). Empty: IPv4 only (4.0 gets --noipv6).
    std::string bind_ip6;
};

class JamulusServer {
public:
    // Starts the server with `-p PORT` bound to 127.0.0.1 (server_bind_args for real Jamulus)
    // and waits until its UDP port is bound and (if enabled) JSON-RPC accepts the secret.
    // Throws std::runtime_error otherwise, also when a real Jamulus peer is missing.
    JamulusServer(const std::filesystem::path& dir, const ServerKind& kind, ServerOptions options,
                  const std::string& role = "server");
    ~JamulusServer();

    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::uint16_t rpc_port() const { return rpc_port_; }
    JsonRpcClient& rpc();
    Process& process() { return *process_; }
    const ServerKind& kind() const { return kind_; }
    // SIGTERM and wait (bounded); returns the wait status.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    ServerKind kind_;
    std::uint16_t port_ = 0;
    std::uint16_t rpc_port_ = 0;
    std::unique_ptr<Process> process_;
    std::unique_ptr<JsonRpcClient> rpc_;
};

// The profile and audio settings written into a client's ini file.
struct ClientProfile {
    std::string name;          // <name_base64>
    std::uint16_t country = 0; // wire (Qt5) code
    std::string city;          // <city_base64>
    std::uint32_t instrument = 0;
    int skill = 0;           // 0..3
    int audio_channels = 0;  // 0 mono, 1 mono-in/stereo-out, 2 stereo
    int audio_quality = 1;   // 0 low, 1 normal, 2 high
    bool opus_small = false; // <enableopussmall>: 64-sample frames (needs JACK period 64)
};

// How the client program is started, beyond the profile.
struct ClientOptions {
    bool gui = false;                    // the GUI client (QT_QPA_PLATFORM=offscreen) instead of -n
    bool connect = true;                 // pass -c SERVER (false: e.g. a GUI connect dialog)
    std::string extra_ini;               // raw XML elements added inside <client>, e.g.
                                         // "<directorytype>3</directorytype>"
    std::vector<std::string> extra_args; // further command-line options
    JamulusVersion version = JamulusVersion::v3_9_1; // which real Jamulus client (gui: 3.9.1)
    // Another client program, e.g. a build given by path; when set it wins over `version`.
    std::string program;
};

std::string client_ini(const ClientProfile& profile, const std::string& extra_ini = "");

class JamulusClient {
public:
    // Starts `Jamulus -n -c SERVER -i INI -p 0 -j --clientname ROLE` of options.version on `jack`
    // with JSON-RPC; throws std::runtime_error when that peer is missing.
    // Its JACK ports are "Jamulus ROLE:input left" etc.; -j leaves them unwired. The GUI client
    // contacts Jamulus's public hosts at start: only run it inside the private namespace.
    JamulusClient(const std::filesystem::path& dir, const JackServer& jack, const std::string& role,
                  const ClientProfile& profile, const std::string& server_address,
                  const ClientOptions& options = {});
    ~JamulusClient();

    JsonRpcClient& rpc() { return *rpc_; }
    Process& process() { return *process_; }
    const std::string& role() const { return role_; }
    JamulusVersion version() const { return version_; }
    // The client's UDP port (it picks its own); 0 if not bound yet.
    std::uint16_t udp_port() const;
    std::string jack_port(const std::string& which) const; // "input left", "output right", ...

    // getClientInfo.connected (true once audio from the server arrives).
    bool connected();
    bool wait_connected(std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // Polls getClientList until `predicate(clients array)` holds. Polling, not notifications:
    // a fast server's first lists can arrive before this process authenticated.
    bool wait_for_client_list(const std::function<bool(const nlohmann::json& clients)>& predicate,
                              std::chrono::milliseconds timeout = std::chrono::seconds(15));
    nlohmann::json client_list(); // [] while not connected
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    std::string role_;
    JamulusVersion version_;
    std::unique_ptr<Process> process_;
    std::unique_ptr<JsonRpcClient> rpc_;
};

// Names of the clients in a getClientList / clientListReceived "clients" array.
std::vector<std::string> client_names(const nlohmann::json& clients);

} // namespace jamfleet::interop
