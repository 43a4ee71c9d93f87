// Registering this server with a Jamulus directory, sans-I/O (docs/protocol.md
// §6.2): CLM_REGISTER_SERVER_EX with 500 ms retries (5 sends at most), a refresh
// every 15 minutes, CLM_EMPTY_MESSAGE keep-alives every 59 s, the status strings
// of Jamulus's registrationStatus, and CLM_UNREGISTER_SERVER on shutdown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "io/socket_address.h"

namespace jamfleet::mixer {

inline constexpr base::Duration kRegisterRetryInterval = std::chrono::milliseconds(500);
inline constexpr int kRegisterMaxSends = 5;
inline constexpr base::Duration kRegisterRefreshInterval = std::chrono::minutes(15);
inline constexpr base::Duration kKeepAliveInterval = std::chrono::seconds(59);

enum class RegistrationStatus {
    NotRegistered,
    BadAddress,
    Requested,
    TimeOut,
    UnknownResp,
    Registered,
    ServerListFull,
    VersionTooOld,
    RequirementsNotFulfilled,
};
// JSON-RPC strings: not_registered, bad_address, requested, time_out, unknown_resp,
// registered, directory_server_full, server_version_too_old, requirements_not_fulfilled.
std::string_view to_string(RegistrationStatus status);

// -o/--serverinfo "name;city;country": name and city truncated to 20 characters,
// country a two-letter ISO code in any case or a Qt5 country number (0…261).
struct ServerInfo {
    std::string name;
    std::string city;
    std::uint16_t country = 0;
};
base::Result<ServerInfo, std::string> parse_server_info(std::string_view text);

struct RegistrationSettings {
    ServerInfo info;
    std::uint16_t port = 22124;    // our own -p port
    std::uint8_t max_clients = 10; // -u
    std::string internal_address;  // --serverpublicip, or our own routed IPv4
    std::string version;
    std::uint8_t os = 2;
};

class Registration {
public:
    explicit Registration(RegistrationSettings settings) : settings_(std::move(settings)) {}

    // The directory's resolved address (nullopt = could not resolve: status
    // bad_address, nothing is sent) and the start of the initial registration.
    void start(std::optional<io::SocketAddress> directory, base::TimePoint now);
    void poll(base::TimePoint now);
    std::optional<base::TimePoint> next_deadline() const;
    // A CLM_REGISTER_SERVER_RESP payload (any source, as Jamulus).
    void on_response(std::uint8_t result);
    // Name/city/country changed (JSON-RPC setServerName): re-register at once if registered.
    void set_info(ServerInfo info, base::TimePoint now);
    const ServerInfo& info() const { return settings_.info; }
    // Queues CLM_UNREGISTER_SERVER (shutdown).
    void unregister();

    // Datagrams to send, all to directory().
    std::vector<std::vector<std::uint8_t>> take_outgoing();
    std::optional<io::SocketAddress> directory() const { return directory_; }
    RegistrationStatus status() const { return status_; }

private:
    void send_registration(base::TimePoint now);

    RegistrationSettings settings_;
    std::optional<io::SocketAddress> directory_;
    RegistrationStatus status_ = RegistrationStatus::NotRegistered;
    bool started_ = false;
    bool awaiting_response_ = false;
    int sends_ = 0;
    base::TimePoint next_retry_{};
    base::TimePoint next_refresh_{};
    base::TimePoint next_keep_alive_{};
    std::vector<std::vector<std::uint8_t>> outgoing_;
};

} // namespace jamfleet::mixer
