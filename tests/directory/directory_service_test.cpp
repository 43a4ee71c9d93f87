// Directory datagram handling end to end on bytes: registration replies, list
// replies with entry 0 and hole punches, answers about itself, abuse limits.
#include "directory/directory_service.h"

#include <gtest/gtest.h>

#include "base/byte_writer.h"
#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

constexpr Address kServer{0xcb007105, 22124}; // 203.0.113.5, public
constexpr Address kClient{0xc6336401, 40000}; // 198.51.100.1, public

base::TimePoint at(base::Duration d) {
    return base::TimePoint{} + d;
}

proto::RegisterServer registration(std::string name) {
    proto::RegisterServer r;
    r.port = 22124;
    r.country = 82;
    r.max_clients = 10;
    r.name = std::move(name);
    r.internal_address = "10.0.0.5";
    r.city = "Berlin";
    r.os = 2;
    r.version = "3.9.1";
    return r;
}

std::vector<std::uint8_t> frame_of(const proto::RegisterServer& r) {
    return proto::make_clm_frame(proto::register_server_id(r), proto::encode_payload(r));
}

// A CLM_REGISTER_SERVER_EX with a 21-character name, which our encoder would
// truncate: built field by field.
std::vector<std::uint8_t> over_long_name_frame() {
    std::vector<std::uint8_t> buffer(200);
    base::ByteWriter w(buffer);
    w.u16(22124);
    w.u16(82);
    w.u8(10);
    w.u8(0);
    w.str16("abcdefghijklmnopqrstu");
    w.str16("");
    w.str16("");
    w.u8(2);
    w.str16("3.9.1");
    return proto::make_clm_frame(MessageId::ClmRegisterServerEx, w.written());
}

std::vector<std::uint8_t> empty_frame(MessageId id) {
    return proto::make_clm_frame(id, {});
}

struct ServiceTest : ::testing::Test {
    testing::FakeJournal journal;
    Admission admission;
    Registry registry{RegistryLimits{}, journal};
    base::Logger log{"directory", [](std::string_view) {}};
    AbuseLimits limits;
    std::unique_ptr<DirectoryService> service;
    std::vector<Outgoing> out;

    void SetUp() override { make_service(); }
    void make_service() {
        service = std::make_unique<DirectoryService>(registry, admission,
                                                     SelfInfo{"MyDir", "Town", 82}, limits, log);
    }
    void send(Address from, const std::vector<std::uint8_t>& bytes, base::TimePoint now = {}) {
        service->on_datagram(from, bytes, now, out);
    }
    std::uint16_t id_of(const Outgoing& o) const {
        const auto f = proto::parse_frame(o.bytes());
        EXPECT_TRUE(f.ok());
        return f.ok() ? f->id : 0;
    }
    proto::Payload payload_of(const Outgoing& o) const {
        return proto::parse_frame(o.bytes())->payload;
    }
};

TEST_F(ServiceTest, RegistrationIsAnsweredWithRegisteredAndListed) {
    send(kServer, frame_of(registration("Srv")));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].to, kServer);
    EXPECT_EQ(id_of(out[0]), proto::to_wire(MessageId::ClmRegisterServerResp));
    EXPECT_EQ(proto::decode_register_server_resp(payload_of(out[0]))->result, 0);
    ASSERT_EQ(registry.entries().size(), 1u);
    EXPECT_EQ(registry.entries()[0].info.internal, (Address{0x0a000005, 22124}));
    EXPECT_EQ(service->stats().registrations_new, 1u);
}

TEST_F(ServiceTest, PlainRegisterServerFailsAMinimumVersionWithCode2) {
    admission = Admission(parse_list_filter("[3.8.0]"));
    auto r = registration("old");
    r.os.reset();
    r.version.reset();
    send(kServer, frame_of(r));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(proto::decode_register_server_resp(payload_of(out[0]))->result, 2);
    EXPECT_TRUE(registry.entries().empty());
}

TEST_F(ServiceTest, MalformedInputIsDroppedSilentlyAndCounted) {
    auto bad_crc = frame_of(registration("Srv"));
    bad_crc.back() ^= 0xff;
    send(kServer, bad_crc);
    send(kServer, over_long_name_frame());
    auto bad_ip = registration("Srv");
    bad_ip.internal_address = "10.0.0";
    send(kServer, frame_of(bad_ip));
    send(kServer, std::vector<std::uint8_t>(46, 0x55)); // audio-sized noise
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(registry.entries().empty());
    EXPECT_EQ(service->stats().not_protocol, 2u);
    EXPECT_EQ(service->stats().malformed, 2u);
}

TEST_F(ServiceTest, SpoofedUnregistrationFromAnotherPortLeavesTheEntry) {
    send(kServer, frame_of(registration("Srv")));
    send({kServer.ip, 1234}, empty_frame(MessageId::ClmUnregisterServer));
    send({0x01020304, kServer.port}, empty_frame(MessageId::ClmUnregisterServer));
    EXPECT_EQ(registry.entries().size(), 1u);
    EXPECT_EQ(service->stats().unregister_unknown, 2u);
    send(kServer, empty_frame(MessageId::ClmUnregisterServer));
    EXPECT_TRUE(registry.entries().empty());
    EXPECT_EQ(out.size(), 1u); // only the registration reply; unregistration has none
}

TEST_F(ServiceTest, ListReplyIsReducedThenFullWithEntryZeroAndHolePunches) {
    send(kServer, frame_of(registration("Srv")));
    send({0x7f000001, 5000}, frame_of(registration("Local")));
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(id_of(out[0]), proto::to_wire(MessageId::ClmRedServerList));
    EXPECT_EQ(id_of(out[1]), proto::to_wire(MessageId::ClmServerList));
    const auto reduced = proto::decode_red_server_list(payload_of(out[0]));
    const auto full = proto::decode_server_list(payload_of(out[1]));
    ASSERT_TRUE(reduced.ok());
    ASSERT_TRUE(full.ok());
    ASSERT_EQ(full->entries.size(), 3u);
    EXPECT_EQ(full->entries[0], (proto::ServerListEntry{0, 0, 82, 0, true, "MyDir", "", "Town"}));
    EXPECT_EQ(full->entries[1].ip, kServer.ip);
    EXPECT_EQ(full->entries[1].name, "Srv");
    EXPECT_EQ(full->entries[1].city, "Berlin");
    EXPECT_EQ(full->entries[1].max_clients, 10);
    // Private-source server seen by a public client: its internal address.
    EXPECT_EQ(full->entries[2].ip, 0x0a000005u);
    EXPECT_EQ(full->entries[2].port, 22124);
    ASSERT_EQ(reduced->entries.size(), 3u);
    EXPECT_EQ(reduced->entries[1].name, "Srv");
    // One hole punch, to the public server, naming the client.
    EXPECT_EQ(out[2].to, kServer);
    EXPECT_EQ(id_of(out[2]), proto::to_wire(MessageId::ClmSendEmptyMessage));
    const auto punch = proto::decode_clm_send_empty_message(payload_of(out[2]));
    EXPECT_EQ(punch->ip, kClient.ip);
    EXPECT_EQ(punch->port, kClient.port);
}

TEST_F(ServiceTest, LanClientListsSameHostServerAtTheAddressItAskedAndIsAnsweredFromIt) {
    constexpr std::uint32_t kLanDir = 0xc0a80105; // 192.168.1.5: where the client reached us
    constexpr Address kLanClient{0xc0a80120, 4000};
    send(kServer, frame_of(registration("Srv")));
    send({0x7f000001, 22125}, frame_of(registration("Room")));
    out.clear();
    service->on_datagram(kLanClient, kLanDir, empty_frame(MessageId::ClmReqServerList), {}, out);
    ASSERT_EQ(out.size(), 3u);
    const auto full = proto::decode_server_list(payload_of(out[1]));
    ASSERT_TRUE(full.ok());
    ASSERT_EQ(full->entries.size(), 3u);
    EXPECT_EQ(full->entries[1].ip, kServer.ip);
    EXPECT_EQ(full->entries[2].ip, kLanDir);
    EXPECT_EQ(full->entries[2].port, 22125);
    // Both lists leave from the address the client asked (it drops lists from any
    // other IP); the hole punch to the internet server is left to the routing table.
    EXPECT_EQ(out[0].from_ip, kLanDir);
    EXPECT_EQ(out[1].from_ip, kLanDir);
    EXPECT_EQ(out[2].to, kServer);
    EXPECT_EQ(out[2].from_ip, 0u);
}

TEST_F(ServiceTest, AtMostOneListPerSourcePerSecondAndPerIpRateHolds) {
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(0s));
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(500ms));
    EXPECT_EQ(service->stats().lists_sent, 1u);
    EXPECT_EQ(service->stats().list_interval_suppressed, 1u);
    // A flood from many ports of one IP is held by the per-IP bucket (2/s, burst 6).
    for (std::uint16_t port = 1; port <= 100; ++port) {
        send({kClient.ip, port}, empty_frame(MessageId::ClmReqServerList), at(1s));
    }
    EXPECT_LE(service->stats().lists_sent, 1u + 6u);
    EXPECT_GE(service->stats().rate_limited_lists, 90u);
}

TEST_F(ServiceTest, HolePunchBudgetIsGlobal) {
    limits.punch_budget = {1, 3};
    limits.lists_per_ip = {0, 0};
    make_service();
    for (std::uint16_t i = 0; i < 5; ++i) {
        send({kServer.ip + i, 22124}, frame_of(registration("S")));
    }
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList));
    send({kClient.ip + 1, 1}, empty_frame(MessageId::ClmReqServerList));
    EXPECT_EQ(service->stats().lists_sent, 2u);
    EXPECT_EQ(service->stats().punches_sent, 3u);
    EXPECT_EQ(service->stats().punches_over_budget, 7u);
}

TEST_F(ServiceTest, ListBudgetCapsRepliesToManySpoofedSources) {
    limits.list_budget = {1, 4};
    make_service();
    for (std::uint32_t i = 0; i < 50; ++i) {
        send({kClient.ip + i, 1}, empty_frame(MessageId::ClmReqServerList));
    }
    EXPECT_EQ(service->stats().lists_sent, 4u);
    EXPECT_EQ(service->stats().list_budget_exhausted, 46u);
}

TEST_F(ServiceTest, DefaultListBudgetServesTwentyThousandSourcesPerSecond) {
    // Target: 20 000 lists/s from many sources within the per-source limits. Each
    // source asks once; the default budget (25 000/s, burst 50 000) must not refuse.
    for (std::uint32_t i = 0; i < 20000; ++i) {
        const auto when = at(std::chrono::microseconds(i * 50)); // 20 000 in one second
        send({0xc6000000 + i, 40000}, empty_frame(MessageId::ClmReqServerList), when);
        out.clear();
    }
    EXPECT_EQ(service->stats().lists_sent, 20000u);
    EXPECT_EQ(service->stats().list_budget_exhausted, 0u);
}

TEST_F(ServiceTest, DefaultListBudgetStillCapsASpoofedFloodAtItsBurst) {
    for (std::uint32_t i = 0; i < 60000; ++i) {
        send({0xc6000000 + i, 40000}, empty_frame(MessageId::ClmReqServerList), at(1s));
        out.clear();
    }
    EXPECT_EQ(service->stats().lists_sent, 50000u);
    EXPECT_EQ(service->stats().list_budget_exhausted, 10000u);
}

TEST_F(ServiceTest, ListRepliesFollowRegistryChangesAndShareEncodedFrames) {
    send(kServer, frame_of(registration("First")));
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(0s));
    send({kClient.ip + 1, 1}, empty_frame(MessageId::ClmReqServerList), at(0s));
    ASSERT_EQ(out.size(), 6u); // two lists and a punch each
    // The second client got the very same encoded frames: nothing was re-encoded.
    EXPECT_EQ(out[1].shared.get(), out[4].shared.get());
    EXPECT_EQ(service->list_cache_rebuilds(), 1u);
    out.clear();

    send({kServer.ip + 1, 22124}, frame_of(registration("Second")));
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(2s));
    const auto full = proto::decode_server_list(payload_of(out[1]));
    ASSERT_TRUE(full.ok());
    ASSERT_EQ(full->entries.size(), 3u);
    EXPECT_EQ(full->entries[2].name, "Second");

    send(kServer, empty_frame(MessageId::ClmUnregisterServer));
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(4s));
    const auto after = proto::decode_server_list(payload_of(out[1]));
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->entries.size(), 2u);
    EXPECT_EQ(after->entries[1].name, "Second");
}

TEST_F(ServiceTest, ClientBehindAServersNatGetsItsOwnListWithTheInternalAddress) {
    send(kServer, frame_of(registration("Srv")));
    out.clear();
    send(kClient, empty_frame(MessageId::ClmReqServerList), at(0s)); // fills the cache
    send({kServer.ip, 5555}, empty_frame(MessageId::ClmReqServerList), at(0s));
    ASSERT_EQ(out.size(), 6u);
    const auto elsewhere = proto::decode_server_list(payload_of(out[1]));
    const auto same_nat = proto::decode_server_list(payload_of(out[4]));
    ASSERT_TRUE(elsewhere.ok());
    ASSERT_TRUE(same_nat.ok());
    EXPECT_EQ(elsewhere->entries[1].ip, kServer.ip);
    EXPECT_EQ(same_nat->entries[1].ip, 0x0a000005u); // row 3: the internal address
    // The punch goes to the internal address too (upstream quirk), naming the client.
    EXPECT_EQ(out[5].to, (Address{0x0a000005, 22124}));
}

TEST_F(ServiceTest, AnswersPingsVersionAndClientListAboutItself) {
    send(kClient, proto::make_clm_frame(MessageId::ClmPingMs,
                                        proto::encode_payload(proto::ClmPingMs{1234})));
    send(kClient, empty_frame(MessageId::ClmReqVersionAndOs));
    send(kClient, empty_frame(MessageId::ClmReqConnClientsList));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(proto::decode_clm_ping_ms(payload_of(out[0]))->time_ms, 1234u);
    EXPECT_EQ(id_of(out[1]), proto::to_wire(MessageId::ClmVersionAndOs));
    EXPECT_EQ(id_of(out[2]), proto::to_wire(MessageId::ClmConnClientsList));
    EXPECT_TRUE(payload_of(out[2]).empty());
}

TEST_F(ServiceTest, ConnectDialogPingIsNotAnsweredSoEntryZeroStaysHidden) {
    send(kClient,
         proto::make_clm_frame(MessageId::ClmPingMsWithNumClients,
                               proto::encode_payload(proto::ClmPingMsWithNumClients{7, 0})));
    EXPECT_TRUE(out.empty());
}

TEST_F(ServiceTest, PingFloodIsRateLimitedPerIp) {
    const auto ping =
        proto::make_clm_frame(MessageId::ClmPingMs, proto::encode_payload(proto::ClmPingMs{1}));
    for (int i = 0; i < 1000; ++i) {
        send(kClient, ping, at(0s));
    }
    EXPECT_EQ(out.size(), 60u); // the burst
    EXPECT_EQ(service->stats().rate_limited_queries, 940u);
}

TEST_F(ServiceTest, RegistrationFloodIsRateLimitedPerIp) {
    limits.registrations_per_ip = {1, 5};
    make_service();
    for (std::uint16_t port = 1; port <= 20; ++port) {
        send({kServer.ip, port}, frame_of(registration("S")), at(0s));
    }
    EXPECT_EQ(registry.entries().size(), 5u);
    EXPECT_EQ(service->stats().rate_limited_registrations, 15u);
}

TEST_F(ServiceTest, BanEvictsAndDropsEverythingFromTheRange) {
    send(kServer, frame_of(registration("Srv")));
    out.clear();
    service->ban(*parse_cidr("203.0.113.0/24"));
    EXPECT_TRUE(registry.entries().empty());
    send(kServer, frame_of(registration("Srv")));
    send(kServer, empty_frame(MessageId::ClmReqServerList));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(service->stats().banned, 2u);
    service->unban(*parse_cidr("203.0.113.0/24"));
    send(kServer, frame_of(registration("Srv")));
    EXPECT_EQ(registry.entries().size(), 1u);
}

TEST_F(ServiceTest, KeepAliveSendsEmptyMessageToEachRegisteredServer) {
    send(kServer, frame_of(registration("A")));
    send({kServer.ip, 9}, frame_of(registration("B")));
    out.clear();
    service->keep_alive(out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].to, kServer);
    EXPECT_EQ(id_of(out[0]), proto::to_wire(MessageId::ClmEmptyMessage));
    EXPECT_EQ(out[1].to, (Address{kServer.ip, 9}));
}

TEST_F(ServiceTest, ExpiryRemovesSilentServers) {
    send(kServer, frame_of(registration("A")), at(0s));
    service->expire(at(32min));
    EXPECT_EQ(registry.entries().size(), 1u);
    service->expire(at(33min));
    EXPECT_TRUE(registry.entries().empty());
    EXPECT_EQ(service->stats().expired, 1u);
}

TEST_F(ServiceTest, ConnectionBasedMessagesAreIgnored) {
    send(kClient, proto::make_frame(MessageId::ChatText, 0, std::vector<std::uint8_t>{0, 0}));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(service->stats().connection_based, 1u);
}

} // namespace
} // namespace jamfleet::directory
