// The validated, normalized fleet: what a fleet file means once defaults, templates
// and port assignment have been applied. Plain data; produced by fleet_loader.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jamfleet::config {

inline constexpr std::uint16_t kDefaultBasePort = 22124;
inline constexpr std::uint32_t kDefaultDnsTtl = 300;
inline constexpr int kDefaultMaxClients = 10;
inline constexpr int kDefaultQos = 128;
inline constexpr int kMaxNameUtf16 = 20; // Jamulus's limit for server names and cities

// Where a value came from, for error messages (1-based line and column).
struct SourceLocation {
    int line = 0;
    int column = 0;
    std::string path; // JSON-pointer-like: /servers/2/port

    bool operator==(const SourceLocation&) const = default;
};

// One error in a fleet file: `file:line:column: /path: message`.
struct ConfigError {
    std::string file;
    int line = 0;
    int column = 0;
    std::string path;
    std::string message;

    std::string to_string() const;
};

// Options a mixer takes that the `defaults` block may set for every server.
struct ServerOptions {
    int max_clients = kDefaultMaxClients;
    std::string welcome; // text, HTML or a file name (the mixer decides, like Jamulus -w)
    bool fast_update = false;
    bool delay_pan = false;
    bool licence = false;
    int qos = kDefaultQos;
    std::string recording_dir;
    // Jamulus --norecord: the recorder is set up in recording_dir but starts disabled
    // until startRecording (JSON-RPC) or SIGUSR2 enables it.
    bool norecord = false;
    // Jamulus 4.0 --noraw: do not offer uncompressed audio (message 36) to clients.
    bool noraw = false;
    // Channels one source IP may hold; unset = the mixer's default (docs/admission.md).
    std::optional<int> max_seats_per_ip;
    // Moderation (docs/moderation.md): addresses or CIDR ranges refused for good, and a
    // private room's allow-list (empty = open).
    std::vector<std::string> bans;
    std::vector<std::string> allow;

    bool operator==(const ServerOptions&) const = default;
};

struct ServerConfig {
    std::string name; // unique in the fleet; also the child's label
    std::string city;
    std::string country;  // "" (unset), an upper-case ISO 3166 alpha-2 code, or a Qt5 number
    std::string dns_name; // "" or a host name for the SRV record (no trailing dot)
    std::uint16_t port = 0;
    bool port_explicit = false;
    ServerOptions options;
    std::optional<std::uint16_t> jsonrpc_port;
    std::string jsonrpc_secret_file;
    std::string log_file;
    // Many hosts (docs/many-hosts.md): `host` as written, or after placement the host
    // the room runs on; `spread` the hosts a room may be placed on (empty: all).
    std::string host;
    std::vector<std::string> spread;

    // Not part of the server's identity: where it was written in the file.
    SourceLocation where;
    SourceLocation port_where;
    SourceLocation name_where;
    SourceLocation dns_where;
    SourceLocation jsonrpc_where;
    SourceLocation host_where;

    // Same mixer settings (source locations and dns_name, which only feeds the SRV
    // records, ignored).
    bool same_settings(const ServerConfig& other) const;
};

struct DirectoryConfig {
    bool enabled = true;
    std::uint16_t port = 0; // defaults to base_port - 1
    bool port_explicit = false;
    std::string name;
    std::string city;
    std::string country;
    std::vector<std::string> whitelist; // IPv4, CIDR or host names
    std::string min_version;            // "" or e.g. "3.8.0"
    std::string database = "./var/directory.db";
    std::optional<int> max_servers; // unset: the directory's default
    std::optional<std::uint16_t> jsonrpc_port;
    std::string jsonrpc_secret_file;
    // Abuse limits; unset means the directory's own default.
    std::optional<int> max_servers_per_ip;
    std::optional<int> ping_rate;
    std::optional<int> list_rate;
    std::optional<int> register_rate;
    std::optional<int> punch_budget;
    // "" or a host name whose SRV record points at the directory (no trailing dot).
    std::string dns_name;
    // The host it runs on when the fleet has `hosts:`.
    std::string host;

    SourceLocation port_where;
    SourceLocation jsonrpc_where;
    SourceLocation dns_where;
    SourceLocation host_where;

    bool same_settings(const DirectoryConfig& other) const;
};

struct FleetSettings {
    std::string name;
    std::string bind = "0.0.0.0";
    // IPv6 counterpart: rooms also serve IPv6 clients on their port ("::" = all
    // addresses; "" = IPv4 only). The directory stays IPv4, as every Jamulus.
    std::string bind6 = "::";
    std::string public_host; // SRV target
    std::string public_ip;   // "" or IPv4: --serverpublicip for every member
    std::uint16_t base_port = kDefaultBasePort;
    std::string run_dir = "./var/run";
    std::uint32_t dns_ttl = kDefaultDnsTtl;
    std::string directory_address; // external directory when the integrated one is disabled
    // Bandwidth planning (docs/deploy.md): the host's link in Mbit/s (unset: no
    // check) and the audio every client is assumed to send, e.g. "stereo-high".
    std::optional<int> uplink_mbps;
    std::optional<int> downlink_mbps;
    std::string planned_audio = "stereo-high";

    bool operator==(const FleetSettings&) const = default;
};

// `web:` — the dashboard and JSON API (jamfleet-web, docs/web.md). No key: no web child.
inline constexpr std::uint16_t kDefaultWebPort = 8124;
struct WebConfig {
    bool enabled = false;
    std::string bind = "127.0.0.1"; // an IPv4 or IPv6 literal
    std::uint16_t port = kDefaultWebPort;
    std::string token_file; // "" = RUN_DIR/web.token, written by the supervisor

    bool operator==(const WebConfig&) const = default;
};

// One machine of a fleet spread over several hosts (docs/many-hosts.md).
struct HostConfig {
    std::string name;
    std::string ssh;            // how deployment reaches it: [user@]address[:port]
    std::string public_address; // IPv4 musicians reach its rooms at
    std::string public_host;    // "" or the DNS name SRV records of its rooms point at

    SourceLocation where;
};

struct FleetConfig {
    std::string file; // the file it was read from (for messages)
    FleetSettings fleet;
    ServerOptions defaults;
    DirectoryConfig directory;
    WebConfig web;
    std::vector<ServerConfig> servers;
    std::vector<HostConfig> hosts; // empty: the whole fleet runs on one host

    const ServerConfig* find_server(std::string_view name) const;
    // The action token's file: web.token_file, else RUN_DIR/web.token.
    std::string web_token_path() const;
    // "http://127.0.0.1:8124/" ([…] around an IPv6 literal).
    std::string web_url() const;
    const HostConfig* find_host(std::string_view name) const;
};

} // namespace jamfleet::config
