// The simulated client's handshake against a scripted server built on a real
// ReliableLink: replies, their order, acks and the switch to sequence numbers.
#include "bench/client_protocol.h"

#include <gtest/gtest.h>

#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"
#include "proto/reliable_link.h"

namespace jamfleet::bench {
namespace {

using proto::MessageId;

proto::AudioFormat stereo_high_128() {
    proto::AudioFormat f;
    f.codec = proto::AudioCodingType::Opus;
    f.frame_samples = 128;
    f.channels = 2;
    f.coded_bytes = 165;
    return f;
}

// The server end: sends through its own link and collects what the client delivers.
struct ScriptedServer {
    proto::ReliableLink link;
    std::vector<proto::DeliveredMessage> received;
    std::size_t acks_from_client = 0;
    base::TimePoint now{};

    void send(MessageId id, std::vector<std::uint8_t> payload = {}) {
        ASSERT_TRUE(link.send(id, payload, now));
    }
    // Exchanges datagrams until neither side has anything left to say.
    void settle(ClientProtocol& client) {
        for (int round = 0; round < 100; ++round) {
            bool moved = false;
            for (const auto& d : link.take_outgoing()) {
                client.on_datagram(d, now);
                moved = true;
            }
            for (const auto& d : client.take_outgoing()) {
                const auto frame = proto::parse_frame(d);
                ASSERT_TRUE(frame.ok());
                if (frame->id == proto::to_wire(MessageId::Ackn)) {
                    ++acks_from_client;
                }
                auto result = link.on_frame(*frame, now);
                if (result.message) {
                    received.push_back(std::move(*result.message));
                }
                if (result.ack) {
                    client.on_datagram(*result.ack, now);
                }
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        FAIL() << "exchange did not settle";
    }
};

std::vector<std::uint16_t> ids(const std::vector<proto::DeliveredMessage>& messages) {
    std::vector<std::uint16_t> out;
    for (const auto& m : messages) {
        out.push_back(m.id);
    }
    return out;
}

void send_new_connection_sequence(ScriptedServer& server, std::string version) {
    server.send(MessageId::ClientId, proto::encode_payload(proto::ClientId{7}));
    server.send(MessageId::ConnClientsList, proto::encode_payload(proto::ConnClientsList{}));
    server.send(MessageId::ReqSplitMessSupport);
    server.send(MessageId::ReqNetwTransportProps);
    server.send(MessageId::ReqJittBufSize);
    server.send(MessageId::ReqChannelInfos);
    server.send(MessageId::VersionAndOs, proto::encode_payload(proto::VersionAndOs{2, version}));
    server.send(MessageId::RecorderState, proto::encode_payload(proto::RecorderState{2}));
}

TEST(ClientHandshake, AnswersEveryRequestOfTheNewConnectionSequenceInOrder) {
    ClientProfile profile;
    profile.name = "load-3";
    profile.city = "loopback";
    ClientProtocol client(stereo_high_128(), profile);
    ScriptedServer server;
    send_new_connection_sequence(server, "3.9.1");
    server.settle(client);

    EXPECT_EQ(client.client_id(), std::optional<std::uint8_t>(7));
    EXPECT_EQ(server.acks_from_client, 8u);
    EXPECT_EQ(server.link.queued_frames(), 0u);
    ASSERT_EQ(ids(server.received), (std::vector<std::uint16_t>{
                                        35, 20, 10, 25, 20})); // split, props, jitter, infos, props
    const auto first_props = proto::decode_netw_transport_props(server.received[1].payload);
    ASSERT_TRUE(first_props.ok());
    EXPECT_EQ(first_props->base_frame_bytes, 165u);
    EXPECT_EQ(first_props->flags, 0);
    EXPECT_EQ(first_props->channels, 2);
    EXPECT_EQ(first_props->codec, 2);
    const auto jitter = proto::decode_jitt_buf_size(server.received[2].payload);
    ASSERT_TRUE(jitter.ok());
    EXPECT_EQ(jitter->blocks, 21);
    const auto infos = proto::decode_channel_infos(server.received[3].payload);
    ASSERT_TRUE(infos.ok());
    EXPECT_EQ(infos->name, "load-3");
    // VERSION_AND_OS >= 3.6.0 switches sequence numbers on, announced by new props.
    const auto second_props = proto::decode_netw_transport_props(server.received[4].payload);
    ASSERT_TRUE(second_props.ok());
    EXPECT_EQ(second_props->base_frame_bytes, 166u);
    EXPECT_EQ(second_props->flags, 1);
    EXPECT_TRUE(client.format().with_sequence);
    EXPECT_EQ(client.format().packet_bytes(), 166u);
    EXPECT_EQ(client.server_version(), "3.9.1");
}

TEST(ClientHandshake, PersonalMixClientLowersItsOwnChannelOnceItsIdIsKnown) {
    ClientProfile profile;
    profile.own_gain = 0x8000 - 300;
    ClientProtocol client(stereo_high_128(), profile);
    ScriptedServer server;
    send_new_connection_sequence(server, "3.9.1");
    server.settle(client);
    // CHANNEL_GAIN for channel 7 (its own id) comes first, then the usual answers.
    ASSERT_EQ(ids(server.received), (std::vector<std::uint16_t>{13, 35, 20, 10, 25, 20}));
    const auto gain = proto::decode_channel_gain(server.received[0].payload);
    ASSERT_TRUE(gain.ok());
    EXPECT_EQ(gain->channel_id, 7);
    EXPECT_EQ(gain->gain, 0x8000 - 300);
}

TEST(ClientHandshake, KeepsSequenceNumbersOffForServersOlderThan360) {
    ClientProtocol client(stereo_high_128(), ClientProfile{});
    ScriptedServer server;
    send_new_connection_sequence(server, "3.5.12");
    server.settle(client);
    EXPECT_FALSE(client.format().with_sequence);
    EXPECT_EQ(client.format().packet_bytes(), 165u);
    EXPECT_EQ(ids(server.received), (std::vector<std::uint16_t>{35, 20, 10, 25}));
}

TEST(ClientHandshake, FirstAudioFromServerTriggersTheConnectMessagesOnce) {
    ClientProtocol client(stereo_high_128(), ClientProfile{});
    ScriptedServer server;
    const std::vector<std::uint8_t> audio(166, 0x55);
    EXPECT_EQ(client.on_datagram(audio, server.now), DatagramKind::Audio);
    EXPECT_TRUE(client.connected());
    EXPECT_EQ(client.on_datagram(audio, server.now), DatagramKind::Audio);
    server.settle(client);
    EXPECT_EQ(ids(server.received), (std::vector<std::uint16_t>{25, 16, 10, 28}));
}

TEST(ClientHandshake, ResendsAnUnacknowledgedReplyAfter400Ms) {
    ClientProtocol client(stereo_high_128(), ClientProfile{});
    const auto request = proto::make_frame(MessageId::ReqJittBufSize, 0, {});
    base::TimePoint t{};
    client.on_datagram(request, t);
    EXPECT_EQ(client.take_outgoing().size(), 2u); // the ACK and the reply
    client.poll(t + std::chrono::milliseconds(399));
    EXPECT_TRUE(client.take_outgoing().empty());
    client.poll(t + std::chrono::milliseconds(401));
    const auto resent = client.take_outgoing();
    ASSERT_EQ(resent.size(), 1u);
    const auto frame = proto::parse_frame(resent[0]);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(frame->id, proto::to_wire(MessageId::JittBufSize));
}

TEST(ClientHandshake, NotesServerDisconnection) {
    ClientProtocol client(stereo_high_128(), ClientProfile{});
    const auto clm = proto::make_clm_frame(MessageId::ClmDisconnection, {});
    EXPECT_EQ(client.on_datagram(clm, {}), DatagramKind::Connectionless);
    EXPECT_TRUE(client.disconnected_by_server());
    EXPECT_TRUE(client.take_outgoing().empty()); // CLM messages are never acknowledged
}

TEST(ServerVersion, SequenceNumbersFrom360On) {
    EXPECT_TRUE(version_supports_sequence("3.9.1"));
    EXPECT_TRUE(version_supports_sequence("3.6.0"));
    EXPECT_TRUE(version_supports_sequence("3.11.0"));
    EXPECT_TRUE(version_supports_sequence("4.0.0beta2"));
    EXPECT_FALSE(version_supports_sequence("3.5.12"));
    EXPECT_FALSE(version_supports_sequence(""));
}

} // namespace
} // namespace jamfleet::bench
