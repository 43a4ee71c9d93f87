// Handshake responder of a simulated client (see client_protocol.h).
#include "bench/client_protocol.h"

#include <charconv>

#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::bench {

using proto::MessageId;
using proto::to_wire;

bool version_supports_sequence(std::string_view version) {
    int parts[3] = {0, 0, 0};
    std::size_t pos = 0;
    for (int i = 0; i < 3 && pos <= version.size(); ++i) {
        const auto* begin = version.data() + pos;
        const auto* end = version.data() + version.size();
        const auto [ptr, ec] = std::from_chars(begin, end, parts[i]);
        if (ec != std::errc{}) {
            break;
        }
        pos = static_cast<std::size_t>(ptr - version.data()) + 1;
        if (ptr == end || *ptr != '.') {
            break;
        }
    }
    if (parts[0] != 3) {
        return parts[0] > 3;
    }
    return parts[1] >= 6;
}

ClientProtocol::ClientProtocol(proto::AudioFormat format, ClientProfile profile)
    : format_(format), profile_(std::move(profile)) {}

DatagramKind ClientProtocol::on_datagram(std::span<const std::uint8_t> datagram,
                                         base::TimePoint now) {
    const auto frame = proto::parse_frame(datagram);
    if (!frame) {
        if (!audio_received_) {
            // What a 3.9.1 client sends once it hears the server (§4.3).
            audio_received_ = true;
            send_channel_infos(now);
            link_.send(MessageId::ReqConnClientsList, {}, now);
            const auto jitter = proto::encode_payload(proto::JittBufSize{profile_.jitter_blocks});
            link_.send(MessageId::JittBufSize, jitter, now);
            const auto levels = proto::encode_payload(proto::ReqChannelLevelList{1});
            link_.send(MessageId::ReqChannelLevelList, levels, now);
        }
        return DatagramKind::Audio;
    }
    if (proto::is_connectionless(frame->id)) {
        if (frame->id == to_wire(MessageId::ClmDisconnection)) {
            disconnected_by_server_ = true;
        }
        return DatagramKind::Connectionless;
    }
    auto received = link_.on_frame(*frame, now);
    if (received.ack) {
        acks_.push_back(std::move(*received.ack));
    }
    if (received.message) {
        ++protocol_messages_;
        on_message(received.message->id, received.message->payload, now);
    }
    return DatagramKind::Protocol;
}

void ClientProtocol::on_message(std::uint16_t id, std::span<const std::uint8_t> payload,
                                base::TimePoint now) {
    switch (static_cast<MessageId>(id)) {
    case MessageId::ClientId:
        if (const auto decoded = proto::decode_client_id(payload)) {
            client_id_ = decoded->channel_id;
            if (profile_.own_gain) {
                const proto::ChannelGain gain{decoded->channel_id, *profile_.own_gain};
                link_.send(MessageId::ChannelGain, proto::encode_payload(gain), now);
            }
        }
        break;
    case MessageId::ReqSplitMessSupport:
        // A client marks split support for its own sending as soon as it is asked.
        link_.set_peer_supports_split(true);
        link_.send(MessageId::SplitMessSupported, {}, now);
        break;
    case MessageId::ReqNetwTransportProps:
        send_transport_props(now);
        break;
    case MessageId::ReqJittBufSize: {
        const auto jitter = proto::encode_payload(proto::JittBufSize{profile_.jitter_blocks});
        link_.send(MessageId::JittBufSize, jitter, now);
        break;
    }
    case MessageId::ReqChannelInfos:
        send_channel_infos(now);
        break;
    case MessageId::VersionAndOs:
        if (const auto decoded = proto::decode_version_and_os(payload)) {
            server_version_ = decoded->version;
            if (!format_.with_sequence && version_supports_sequence(decoded->version)) {
                // The datagram format changes at once; the props follow through the queue.
                format_.with_sequence = true;
                send_transport_props(now);
            }
        }
        break;
    default:
        break; // lists, levels, chat, jitter reports: acknowledged by the link, nothing else
    }
}

void ClientProtocol::send_transport_props(base::TimePoint now) {
    link_.send(MessageId::NetwTransportProps, proto::encode_payload(format_.to_props()), now);
}

void ClientProtocol::send_channel_infos(base::TimePoint now) {
    const proto::ChannelInfos infos{profile_.country, profile_.instrument, profile_.skill,
                                    profile_.name, profile_.city};
    link_.send(MessageId::ChannelInfos, proto::encode_payload(infos), now);
}

void ClientProtocol::poll(base::TimePoint now) {
    link_.poll(now);
}

std::vector<std::vector<std::uint8_t>> ClientProtocol::take_outgoing() {
    auto out = std::move(acks_);
    acks_.clear();
    for (auto& datagram : link_.take_outgoing()) {
        out.push_back(std::move(datagram));
    }
    return out;
}

std::vector<std::uint8_t> ClientProtocol::disconnection_datagram() {
    return proto::make_clm_frame(MessageId::ClmDisconnection, {});
}

} // namespace jamfleet::bench
