// The protocol side of one simulated Jamulus client, sans-I/O: answers the
// server's new-connection requests the way a 3.9.1 client does (§4.2–4.3).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "proto/audio_format.h"
#include "proto/reliable_link.h"

namespace jamfleet::bench {

struct ClientProfile {
    std::string name;
    std::string city;
    std::uint16_t country = 0;
    std::uint32_t instrument = 0;
    std::uint8_t skill = 0;
    std::uint16_t jitter_blocks = 21; // what REQ_JITT_BUF_SIZE is answered with (21 = auto)
    // When set, CHANNEL_GAIN for the client's own channel once its id is known.
    std::optional<std::uint16_t> own_gain;
};

// What a datagram from the server turned out to be.
enum class DatagramKind { Audio, Protocol, Connectionless };

class ClientProtocol {
public:
    // `format` is the client's audio format before sequence numbers are switched on.
    ClientProtocol(proto::AudioFormat format, ClientProfile profile);

    // Classifies a datagram from the server and, for protocol frames, reacts to it.
    // Audio is only noted (the first one triggers what a client sends on connect);
    // the caller measures it.
    DatagramKind on_datagram(std::span<const std::uint8_t> datagram, base::TimePoint now);
    // Retransmissions of unacknowledged messages.
    void poll(base::TimePoint now);
    // ACKs and messages to transmit now, in order.
    std::vector<std::vector<std::uint8_t>> take_outgoing();

    // The format audio is sent (and expected back) in right now.
    const proto::AudioFormat& format() const { return format_; }
    std::optional<std::uint8_t> client_id() const { return client_id_; }
    bool connected() const { return audio_received_; }
    bool disconnected_by_server() const { return disconnected_by_server_; }
    std::uint64_t protocol_messages() const { return protocol_messages_; }
    std::uint64_t retransmissions() const { return link_.retransmissions(); }
    const std::string& server_version() const { return server_version_; }

    // CLM_DISCONNECTION, what a client sends (several times) when it leaves.
    static std::vector<std::uint8_t> disconnection_datagram();

private:
    void on_message(std::uint16_t id, std::span<const std::uint8_t> payload, base::TimePoint now);
    void send_transport_props(base::TimePoint now);
    void send_channel_infos(base::TimePoint now);

    proto::AudioFormat format_;
    ClientProfile profile_;
    proto::ReliableLink link_;
    std::vector<std::vector<std::uint8_t>> acks_;
    std::optional<std::uint8_t> client_id_;
    std::string server_version_;
    bool audio_received_ = false;
    bool disconnected_by_server_ = false;
    std::uint64_t protocol_messages_ = 0;
};

// True for a VERSION_AND_OS version from which a client switches sequence numbers
// on (>= 3.6.0).
bool version_supports_sequence(std::string_view version);

} // namespace jamfleet::bench
