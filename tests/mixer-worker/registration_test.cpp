// Directory registration client with a fake clock: retries, time-out, refresh,
// keep-alive, responses, re-registration on rename and unregistering.
#include "mixer-worker/registration.h"

#include <chrono>

#include <gtest/gtest.h>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

RegistrationSettings settings() {
    RegistrationSettings s;
    s.info = ServerInfo{"Jam", "Berlin", 82};
    s.port = 22124;
    s.max_clients = 12;
    s.internal_address = "192.0.2.5";
    s.version = "3.9.1-jamfleet";
    return s;
}

std::vector<std::uint16_t> ids(Registration& r) {
    std::vector<std::uint16_t> out;
    for (const auto& d : r.take_outgoing()) {
        auto f = proto::parse_frame(d);
        EXPECT_TRUE(f.ok());
        out.push_back(f->id);
    }
    return out;
}

constexpr auto kEx = proto::to_wire(MessageId::ClmRegisterServerEx);

TEST(Registration, SendsRegisterServerExWithOurProfile) {
    Registration r(settings());
    base::TimePoint t{};
    r.start(io::SocketAddress{0x7f000001, 22000}, t);
    auto out = r.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    auto f = proto::parse_frame(out[0]);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->id, kEx);
    auto reg = proto::decode_register_server_ex(f->payload);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->name, "Jam");
    EXPECT_EQ(reg->city, "Berlin");
    EXPECT_EQ(reg->country, 82);
    EXPECT_EQ(reg->max_clients, 12);
    EXPECT_EQ(reg->port, 22124);
    EXPECT_EQ(reg->internal_address, "192.0.2.5");
    EXPECT_EQ(reg->version, "3.9.1-jamfleet");
    EXPECT_EQ(r.status(), RegistrationStatus::Requested);
    EXPECT_EQ(to_string(r.status()), "requested");
}

TEST(Registration, RetriesEvery500MsFiveSendsThenTimesOut) {
    Registration r(settings());
    base::TimePoint t{};
    r.start(io::SocketAddress{0x7f000001, 22000}, t);
    int sends = static_cast<int>(ids(r).size());
    for (int i = 0; i < 30; ++i) {
        t += 100ms;
        r.poll(t);
        sends += static_cast<int>(ids(r).size());
    }
    EXPECT_EQ(sends, 5);
    EXPECT_EQ(r.status(), RegistrationStatus::TimeOut);
    EXPECT_EQ(to_string(r.status()), "time_out");
}

TEST(Registration, AResponseStopsRetriesAndSetsTheStatus) {
    Registration r(settings());
    base::TimePoint t{};
    r.start(io::SocketAddress{0x7f000001, 22000}, t);
    (void)r.take_outgoing();
    r.on_response(0);
    t += 5s;
    r.poll(t);
    EXPECT_TRUE(r.take_outgoing().empty());
    EXPECT_EQ(to_string(r.status()), "registered");
    r.on_response(3);
    EXPECT_EQ(to_string(r.status()), "requirements_not_fulfilled");
    r.on_response(1);
    EXPECT_EQ(to_string(r.status()), "directory_server_full");
}

TEST(Registration, KeepsAliveEvery59SecondsAndRefreshesEvery15Minutes) {
    Registration r(settings());
    base::TimePoint t{};
    r.start(io::SocketAddress{0x7f000001, 22000}, t);
    (void)r.take_outgoing();
    r.on_response(0);
    int empties = 0;
    int registrations = 0;
    for (int s = 1; s <= 15 * 60; ++s) {
        t += 1s;
        r.poll(t);
        for (auto id : ids(r)) {
            empties += id == proto::to_wire(MessageId::ClmEmptyMessage);
            registrations += id == kEx;
        }
    }
    EXPECT_EQ(empties, 900 / 59);
    EXPECT_EQ(registrations, 1);
}

TEST(Registration, AnUnresolvableDirectoryIsBadAddressAndSendsNothing) {
    Registration r(settings());
    r.start(std::nullopt, base::TimePoint{});
    EXPECT_TRUE(r.take_outgoing().empty());
    EXPECT_EQ(to_string(r.status()), "bad_address");
}

TEST(Registration, RenamingWhileRegisteredReRegistersAtOnce) {
    Registration r(settings());
    base::TimePoint t{};
    r.start(io::SocketAddress{0x7f000001, 22000}, t);
    (void)r.take_outgoing();
    r.on_response(0);
    r.set_info(ServerInfo{"New", "Paris", 74}, t);
    auto out = r.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    auto reg = proto::decode_register_server_ex(proto::parse_frame(out[0])->payload);
    ASSERT_TRUE(reg.ok());
    EXPECT_EQ(reg->name, "New");
}

TEST(Registration, UnregisterSendsUnregisterServer) {
    Registration r(settings());
    r.start(io::SocketAddress{0x7f000001, 22000}, base::TimePoint{});
    (void)r.take_outgoing();
    r.unregister();
    EXPECT_EQ(ids(r), std::vector<std::uint16_t>{proto::to_wire(MessageId::ClmUnregisterServer)});
}

TEST(ServerInfoParse, AcceptsCodesInAnyCaseAndNumbers) {
    auto a = parse_server_info("Jam;Berlin;de");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->country, 82);
    auto b = parse_server_info("Jam;Berlin;DE");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->country, 82);
    auto c = parse_server_info("Jam;Paris;74");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->country, 74);
    EXPECT_EQ(c->city, "Paris");
}

TEST(ServerInfoParse, TruncatesNameAndCityTo20) {
    auto a = parse_server_info("abcdefghijklmnopqrstuvwxyz;abcdefghijklmnopqrstuvwxyz;0");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->name, "abcdefghijklmnopqrst");
    EXPECT_EQ(a->city, "abcdefghijklmnopqrst");
}

TEST(ServerInfoParse, RejectsMissingFieldsAndUnknownCountries) {
    EXPECT_FALSE(parse_server_info("Jam;Berlin").ok());
    EXPECT_FALSE(parse_server_info("Jam;Berlin;xx").ok());
    EXPECT_FALSE(parse_server_info("Jam;Berlin;999").ok());
}

} // namespace
} // namespace jamfleet::mixer
