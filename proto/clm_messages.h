// Connection-less message payloads (IDs 1000..1999, docs/protocol.md §2.3):
// pings, server lists, directory registration, levels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/conn_messages.h"
#include "proto/message_id.h"

namespace jamfleet::proto {

// CLM_PING_MS (1001): an opaque time the receiver echoes back unchanged.
struct ClmPingMs {
    std::uint32_t time_ms = 0;
    bool operator==(const ClmPingMs&) const = default;
};

// CLM_PING_MS_WITHNUMCLIENTS (1002).
struct ClmPingMsWithNumClients {
    std::uint32_t time_ms = 0;
    std::uint8_t num_clients = 0;
    bool operator==(const ClmPingMsWithNumClients&) const = default;
};

// CLM_REGISTER_SERVER (1004, os/version absent) and CLM_REGISTER_SERVER_EX (1017,
// both present). `internal_address` is dotted-quad text or empty; whether it parses
// is the directory's decision.
struct RegisterServer {
    std::uint16_t port = 0;
    std::uint16_t country = 0;
    std::uint8_t max_clients = 0;
    bool permanent = false;
    std::string name;             // <= kMaxServerNameUnits
    std::string internal_address; // <= kMaxIpAddressUnits
    std::string city;             // <= kMaxCityUnits
    std::optional<std::uint8_t> os;
    std::optional<std::string> version; // <= kMaxVersionUnits
    bool operator==(const RegisterServer&) const = default;
};

// ID to send a RegisterServer with: the EX form whenever os and version are set.
MessageId register_server_id(const RegisterServer& reg);

// One CLM_SERVER_LIST entry. `ip` is the host-order IPv4 value (192.168.1.2 = 0xC0A80102).
struct ServerListEntry {
    std::uint32_t ip = 0;
    std::uint16_t port = 0;
    std::uint16_t country = 0;
    std::uint8_t max_clients = 0;
    bool permanent = false;
    std::string name;             // <= kMaxServerNameUnits
    std::string internal_address; // always empty in lists sent by Jamulus
    std::string city;             // <= kMaxCityUnits
    bool operator==(const ServerListEntry&) const = default;
};

// CLM_SERVER_LIST (1006).
struct ServerList {
    std::vector<ServerListEntry> entries;
    bool operator==(const ServerList&) const = default;
};

// One CLM_RED_SERVER_LIST entry (name is a str8).
struct RedServerListEntry {
    std::uint32_t ip = 0;
    std::uint16_t port = 0;
    std::string name; // <= kMaxServerNameUnits
    bool operator==(const RedServerListEntry&) const = default;
};

// CLM_RED_SERVER_LIST (1018): the reduced list sent before the full one.
struct RedServerList {
    std::vector<RedServerListEntry> entries;
    bool operator==(const RedServerList&) const = default;
};

// CLM_SEND_EMPTY_MESSAGE (1008): ask a server to punch a NAT hole towards ip:port.
struct ClmSendEmptyMessage {
    std::uint32_t ip = 0;
    std::uint16_t port = 0;
    bool operator==(const ClmSendEmptyMessage&) const = default;
};

// CLM_CHANNEL_LEVEL_LIST (1015): one 0..15 level per connected client in channel
// order, two per byte (earlier one in the low nibble), odd count padded with 0xF.
constexpr std::size_t kMaxChannelLevelBytes = 75;
struct ChannelLevelList {
    std::vector<std::uint8_t> levels;
    bool operator==(const ChannelLevelList&) const = default;
};

// CLM_REGISTER_SERVER_RESP (1016): 0 registered, 1 list full, 2 version too old,
// 3 requirements not fulfilled.
enum class RegisterResult : std::uint8_t {
    Registered = 0,
    ServerListFull = 1,
    VersionTooOld = 2,
    RequirementsNotFulfilled = 3,
};
struct RegisterServerResp {
    std::uint8_t result = 0;
    bool operator==(const RegisterServerResp&) const = default;
};

Bytes encode_payload(const ClmPingMs&);
Bytes encode_payload(const ClmPingMsWithNumClients&);
Bytes encode_payload(const RegisterServer&);
Bytes encode_payload(const ServerList&);
Bytes encode_payload(const RedServerList&);
Bytes encode_payload(const ClmSendEmptyMessage&);
Bytes encode_payload(const ChannelLevelList&);
Bytes encode_payload(const RegisterServerResp&);

Decoded<ClmPingMs> decode_clm_ping_ms(Payload payload);
Decoded<ClmPingMsWithNumClients> decode_clm_ping_ms_with_num_clients(Payload payload);
Decoded<RegisterServer> decode_register_server(Payload payload);    // 1004
Decoded<RegisterServer> decode_register_server_ex(Payload payload); // 1017
Decoded<ServerList> decode_server_list(Payload payload);
Decoded<RedServerList> decode_red_server_list(Payload payload);
Decoded<ClmSendEmptyMessage> decode_clm_send_empty_message(Payload payload);
// Mirrors Jamulus: stops at the first 0xF high nibble; over 75 bytes is WrongSize.
Decoded<ChannelLevelList> decode_channel_level_list(Payload payload);
Decoded<RegisterServerResp> decode_register_server_resp(Payload payload);

} // namespace jamfleet::proto
