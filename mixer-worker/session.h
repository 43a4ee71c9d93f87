// The mixer's control state, sans-I/O (docs/protocol.md §4): classifies every
// datagram, owns the channel table and each channel's reliable link, runs the
// new-connection sequence and every connection and connection-less message, and
// hands audio to the AudioEngine. Time comes in as arguments; datagrams to send
// come out of take_outgoing().
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "io/socket_address.h"
#include "mixer-worker/admission.h"
#include "mixer-worker/answer_limiter.h"
#include "mixer-worker/audio_engine.h"
#include "mixer-worker/moderation.h"
#include "mixer-worker/outgoing.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/reliable_link.h"
#include "proto/server_features.h"

namespace jamfleet::mixer {

// Version we announce in VERSION_AND_OS, CLM_VERSION_AND_OS, registrations and
// jamulus/getVersion. It parses (Qt QVersionNumber) as 3.9.1 ≥ 3.6.0, so clients
// switch on sequence numbers, and the suffix tells people what they talk to.
inline constexpr std::string_view kServerVersion = "3.9.1-jamfleet";
static_assert(kServerVersion.size() <= proto::kMaxSentVersionUnits, "3.9-3.11 peers drop longer");
inline constexpr std::uint8_t kServerOs = 2; // Linux

inline constexpr base::Duration kChannelTimeout = std::chrono::seconds(30);
// A class of 30 behind one NAT address, plus two spare (docs/admission.md).
inline constexpr int kDefaultSeatsPerIp = 32;

struct SessionSettings {
    int max_channels = 10;
    int server_frame_samples = 128;
    std::string welcome_message; // raw (HTML allowed); empty = none
    bool licence_required = false;
    // Reported in CLM_SERVER_FEATURES (Jamulus 4.0) only.
    // Offer uncompressed audio (RAWAUDIO_SUPPORTED, Jamulus 4.0) to every new client (--noraw).
    bool raw_audio = true;
    bool multithreading = false; // tick work on more than one worker
    bool delay_pan = false;
    bool logging = false; // a connection log file (-l)
    // An IPv6 socket serves this room beside the IPv4 one (set once it is open).
    bool ipv6_available = false;
    std::string version = std::string(kServerVersion);
    // Local wall-clock time for chat stamps (tests inject a fixed one).
    std::function<std::tm()> local_time;
    // Seats one source IP may hold (a school behind one NAT address: docs/admission.md).
    int max_seats_per_ip = kDefaultSeatsPerIp;
    AdmissionSettings admission;
    AnswerLimits answers;
};

enum class DropReason : std::uint8_t {
    JunkFromUnknown, // non-protocol datagram of no valid audio size from an unknown address
    ServerFull,      // a would-be new client while all channels are used
    ConnFromUnknown, // connection-based message from an address without channel or attempt
    BadPayload,      // a message whose payload did not decode (still ACKed)
    WrongAudioSize,  // audio of a size that does not match the channel's format
    UnknownClm,      // a connection-less ID we do not handle
    Truncated,       // a datagram longer than the receive buffer
    PendingAudio,    // audio from an address still proving itself (docs/admission.md)
    SeatLimitIp,     // a new address whose IP already holds max_seats_per_ip channels
    NotAdmitted,     // a new address refused by an admission limit (see admission stats)
    Banned,          // a new address in an unexpired ban (docs/moderation.md)
    NotAllowed,      // a new address not on a private room's allow-list
    kCount
};
std::string_view to_string(DropReason reason);

// What JSON-RPC and the control socket report about one client.
struct ClientInfo {
    int id = 0;
    io::SocketAddress address;
    proto::ChannelInfos profile;
    int jitter_size = 0;
    int channels = 1;
};

class Session {
public:
    Session(SessionSettings settings, AudioEngine& engine, base::Logger logger);

    // Every received datagram (protocol or audio) goes here.
    void on_datagram(io::SocketAddress from, std::span<const std::uint8_t> data,
                     base::TimePoint now, bool truncated = false);
    // After each audio tick: frees timed-out/disconnected channels, sends level
    // lists and jitter-size changes, resends unacknowledged messages.
    void on_tick(base::TimePoint now);
    // Protocol resends when no tick runs (no channel connected → nothing to do).
    std::optional<base::TimePoint> next_deadline() const;

    std::vector<Outgoing> take_outgoing();

    // CLM_DISCONNECTION to every connected client (shutdown).
    void disconnect_all();

    int connected_count() const;

    // Moderation (session_moderation.cpp, docs/moderation.md). Every new address is
    // checked before admission starts and again when it is promoted.
    Moderation& moderation() { return moderation_; }
    const Moderation& moderation() const { return moderation_; }
    // Tells the client as on server shutdown (CLM_DISCONNECTION), frees its channel and
    // bans its IP for ban_for (zero: no ban). False when no such connected channel.
    bool kick(int id, base::Duration ban_for, base::TimePoint now);
    // Disconnects every connected client that moderation now refuses (after a new ban or
    // allow-list); returns how many.
    int enforce_moderation(base::TimePoint now);
    // Channels or pending addresses exist: the owner keeps calling on_tick.
    bool active() const { return connected_count() > 0 || admission_.pending_count() > 0; }
    std::size_t pending_count() const { return admission_.pending_count(); }
    const AdmissionStats& admission_stats() const { return admission_.stats(); }
    std::uint64_t answers_dropped(AnswerKind kind) const { return answers_.dropped(kind); }
    std::vector<ClientInfo> clients() const;
    void set_welcome_message(std::string message) {
        settings_.welcome_message = std::move(message);
    }
    const std::string& welcome_message() const { return settings_.welcome_message; }
    // The room's IPv6 socket opened (MixerServer opens it after the session exists).
    void set_ipv6_available(bool available) { settings_.ipv6_available = available; }
    std::uint64_t drops(DropReason reason) const {
        return drops_[static_cast<std::size_t>(reason)];
    }
    std::uint64_t ticks_between_levels() const { return level_interval_ticks_; }
    // The client's current name (empty until CHANNEL_INFOS), for the jam recorder.
    const std::string& channel_name(int id) const {
        return channels_[static_cast<std::size_t>(id)].profile.name;
    }
    // RECORDER_STATE value (1/2/3) for new clients; a change is sent to every client.
    void set_recorder_state(std::uint8_t state, base::TimePoint now);

    // Connection-less messages that concern other parts (registration responses).
    std::function<void(io::SocketAddress from, std::uint16_t id,
                       std::span<const std::uint8_t> payload)>
        on_other_clm;
    // A client's chat, as sent to everyone (HTML-wrapped), for JSON-RPC chatMessageReceived.
    std::function<void(int id, const std::string& html)> on_chat_sent;
    // Chat from the server itself (JSON-RPC, Jamulus 4.0), sent verbatim: to every client, or
    // to channel `id` (false when no client is there). session_server_chat.cpp.
    void send_server_chat(const std::string& text, base::TimePoint now);
    bool send_server_chat_to(int id, const std::string& text, base::TimePoint now);
    // A client took or left a channel (for the -l connection log).
    std::function<void(int id, io::SocketAddress address, bool connected)> on_connection_event;

private:
    struct Channel {
        bool connected = false;
        io::SocketAddress address;
        proto::ReliableLink link;
        proto::ChannelInfos profile;
        bool identified = false;
        bool disconnect_pending = false;
        base::TimePoint last_audio{};
    };

    int find_channel(io::SocketAddress address) const;
    int free_channel_id() const;
    void drop(DropReason reason, io::SocketAddress from, base::TimePoint now);
    void on_audio(io::SocketAddress from, std::span<const std::uint8_t> data, base::TimePoint now);
    void on_clm(io::SocketAddress from, const proto::FrameView& frame, base::TimePoint now);
    void on_connection_message(int id, std::uint16_t msg_id, std::span<const std::uint8_t> payload,
                               base::TimePoint now);
    // Unknown and pending addresses (session_admission.cpp).
    void on_unknown_audio(io::SocketAddress from, std::size_t bytes, base::TimePoint now);
    void on_pending_frame(io::SocketAddress from, const proto::FrameView& frame, std::size_t bytes,
                          base::TimePoint now);
    void promote(Promotion promotion, base::TimePoint now);
    void answer_server_full(io::SocketAddress to, base::TimePoint now);
    // Connection-less answers to a source without a channel go through the limiter.
    bool may_answer(AnswerKind kind, io::SocketAddress to, base::TimePoint now);
    int seats_of_ip(std::uint64_t host) const; // host: SocketAddress::host_key()
    void open_channel(int id, io::SocketAddress from, proto::ReliableLink link, int announced_id,
                      base::TimePoint now);
    void free_channel(int id, base::TimePoint now);
    // CLM_DISCONNECTION, then free the channel (moderation; the caller broadcasts the list).
    void disconnect_channel(int id, base::TimePoint now);
    // False (and the drop counted) when moderation refuses a new address.
    bool moderation_admits(io::SocketAddress from, base::TimePoint now);
    void send(int id, proto::MessageId msg, const std::vector<std::uint8_t>& payload,
              base::TimePoint now);
    void flush_link(int id);
    void send_clm(io::SocketAddress to, proto::MessageId msg,
                  const std::vector<std::uint8_t>& payload);
    proto::ConnClientsList client_list() const;
    void broadcast_client_list(base::TimePoint now);
    void broadcast_chat(int from_id, const std::string& text, base::TimePoint now);
    void send_level_list();
    // CLM_REQ_SERVER_FEATURES / CLM_REQ_WELCOME_MESSAGE (Jamulus 4.0); session_features.cpp.
    void answer_features_request(io::SocketAddress from, proto::MessageId request,
                                 base::TimePoint now);
    proto::ServerFeatures server_features() const;

    SessionSettings settings_;
    AudioEngine& engine_;
    base::Logger log_;
    std::vector<Channel> channels_;
    std::vector<Outgoing> outgoing_;
    std::array<std::uint64_t, static_cast<std::size_t>(DropReason::kCount)> drops_{};
    base::RateLimit drop_log_limit_{std::chrono::seconds(10)};
    std::uint64_t level_interval_ticks_ = 101;
    std::uint64_t ticks_until_levels_ = 101;
    std::uint8_t recorder_state_ = 1; // not initialised
    Admission admission_;
    AnswerLimiter answers_;
    Moderation moderation_;
};

} // namespace jamfleet::mixer
