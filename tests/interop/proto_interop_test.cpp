// proto/ against real Jamulus servers of every release the matrix covers (3.9.1, 3.12.4,
// 4.0.0 beta 2; the test name states it): our encoder builds connection-less requests, a real
// server answers, and our decoder reads the replies (version, client count, client names).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "proto/clm_messages.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"
#include "proto/server_features.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/temp_dir.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using proto::MessageId;

class ProtoAgainstRealServer : public ::testing::TestWithParam<JamulusVersion> {
protected:
    // Sends a connection-less request and returns the payload of the first reply with `reply`.
    std::optional<std::vector<std::uint8_t>> ask(MessageId request, const proto::Bytes& payload,
                                                 MessageId reply) {
        const auto frame = proto::make_clm_frame(request, payload);
        probe_.send_to(server_.port(), frame);
        const auto answer = probe_.receive_until(
            [&](const Datagram& d) {
                const auto parsed = proto::parse_frame(d.bytes);
                return parsed.ok() && parsed->id == proto::to_wire(reply) &&
                       d.from_port == server_.port();
            },
            3s);
        if (!answer) {
            return std::nullopt;
        }
        const auto parsed = proto::parse_frame(answer->bytes);
        return std::vector<std::uint8_t>(parsed->payload.begin(), parsed->payload.end());
    }

    TempDir dir_{"proto"};
    JackServer jack_{dir_.path(), 128};
    JamulusServer server_{dir_.path(), real_jamulus_kind(GetParam()), {}};
    ClientOptions client_options_{.version = GetParam()};
    UdpProbe probe_;
};

TEST_P(ProtoAgainstRealServer, PingWithNumClientsEchoesTimeAndCountsClients) {
    const auto empty = ask(MessageId::ClmPingMsWithNumClients,
                           proto::encode_payload(proto::ClmPingMsWithNumClients{4242, 0}),
                           MessageId::ClmPingMsWithNumClients);
    ASSERT_TRUE(empty);
    const auto before = proto::decode_clm_ping_ms_with_num_clients(*empty);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->time_ms, 4242u);
    EXPECT_EQ(before->num_clients, 0);

    JamulusClient alice(dir_.path(), jack_, "alice", {.name = "Alice"}, server_.address(),
                        client_options_);
    ASSERT_TRUE(alice.wait_connected());
    const auto one = ask(MessageId::ClmPingMsWithNumClients,
                         proto::encode_payload(proto::ClmPingMsWithNumClients{123456789, 0}),
                         MessageId::ClmPingMsWithNumClients);
    ASSERT_TRUE(one);
    const auto after = proto::decode_clm_ping_ms_with_num_clients(*one);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->time_ms, 123456789u);
    EXPECT_EQ(after->num_clients, 1);
}

TEST_P(ProtoAgainstRealServer, PingIsEchoedUnchanged) {
    const auto reply = ask(MessageId::ClmPingMs, proto::encode_payload(proto::ClmPingMs{1000}),
                           MessageId::ClmPingMs);
    ASSERT_TRUE(reply);
    const auto ping = proto::decode_clm_ping_ms(*reply);
    ASSERT_TRUE(ping.ok());
    EXPECT_EQ(ping->time_ms, 1000u);
}

TEST_P(ProtoAgainstRealServer, VersionRequestIsAnsweredWithItsReleaseOnLinux) {
    const auto reply = ask(MessageId::ClmReqVersionAndOs, proto::encode_payload(proto::Empty{}),
                           MessageId::ClmVersionAndOs);
    ASSERT_TRUE(reply);
    const auto version = proto::decode_version_and_os(*reply);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(version->version, version_text(GetParam()));
    EXPECT_EQ(version->os, static_cast<std::uint8_t>(proto::OsType::Linux));
}

TEST_P(ProtoAgainstRealServer, ClientListRequestNamesConnectedClients) {
    JamulusClient alice(
        dir_.path(), jack_, "alice",
        {.name = "Zoë Ångström", .country = 82, .city = "Köln", .instrument = 20, .skill = 2},
        server_.address(), client_options_);
    JamulusClient bob(dir_.path(), jack_, "bob", {.name = "Bob 日本", .city = "São Paulo"},
                      server_.address(), client_options_);
    // Both names, not just two entries: a channel is listed before its CHANNEL_INFOS
    // arrive, with an empty name until then.
    ASSERT_TRUE(bob.wait_for_client_list([](const auto& c) {
        return c.size() == 2 && std::all_of(c.begin(), c.end(), [](const auto& e) {
                   return !e.value("name", std::string()).empty();
               });
    }));

    const auto reply = ask(MessageId::ClmReqConnClientsList, proto::encode_payload(proto::Empty{}),
                           MessageId::ClmConnClientsList);
    ASSERT_TRUE(reply);
    const auto list = proto::decode_conn_clients_list(*reply);
    ASSERT_TRUE(list.ok()) << proto::to_string(list.error());
    ASSERT_EQ(list->entries.size(), 2u);
    std::vector<std::string> names;
    for (const auto& entry : list->entries) {
        names.push_back(entry.name);
        if (entry.name == "Zoë Ångström") {
            EXPECT_EQ(entry.city, "Köln");
            EXPECT_EQ(entry.country, 82);
            EXPECT_EQ(entry.instrument, 20u);
            EXPECT_EQ(entry.skill, 2);
        }
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"Bob 日本", "Zoë Ångström"}));
}

// Jamulus 4.0's CLM_REQ_SERVER_FEATURES and CLM_REQ_WELCOME_MESSAGE, asked of a real 4.0
// server and of jamfleet-mixer started with the same options: the same bits and the same text.
// Options both share: 64-sample frames, a recorder, delay pan, a welcome message, a licence,
// disconnect on quit (always on for jamfleet-mixer, -d for Jamulus), raw audio offered, no
// multithreading; IPv4 only (4.0: --noipv6), or an IPv6 socket on ::1 beside the IPv4 one
// (--serverbindip6 ::1 for both), which 4.0 reports as bit 5 (FS_IPV6_AVAILABLE).
struct FeatureAnswers {
    std::uint32_t features = 0;
    std::string welcome;
};

FeatureAnswers ask_features(const std::filesystem::path& dir, const ServerKind& kind,
                            std::vector<std::string> args, const std::string& bind_ip6) {
    JamulusServer server(dir, kind, {.args = std::move(args), .bind_ip6 = bind_ip6}, kind.name);
    UdpProbe probe;
    const auto answer = [&](MessageId request, MessageId reply) {
        probe.send_to(server.port(), proto::make_clm_frame(request, {}));
        const auto d = probe.receive_until(
            [&](const Datagram& g) {
                const auto f = proto::parse_frame(g.bytes);
                return f.ok() && f->id == proto::to_wire(reply);
            },
            3s);
        if (!d) {
            throw std::runtime_error(kind.name + " did not answer " +
                                     std::string(proto::message_name(proto::to_wire(request))));
        }
        const auto f = proto::parse_frame(d->bytes);
        return std::vector<std::uint8_t>(f->payload.begin(), f->payload.end());
    };
    FeatureAnswers out;
    const auto features = proto::decode_server_features(
        answer(MessageId::ClmReqServerFeatures, MessageId::ClmServerFeatures));
    const auto welcome = proto::decode_welcome_message(
        answer(MessageId::ClmReqWelcomeMessage, MessageId::ClmWelcomeMessage));
    if (!features.ok() || !welcome.ok()) {
        throw std::runtime_error(kind.name + ": undecodable feature or welcome answer");
    }
    out.features = features->bits;
    out.welcome = welcome->text;
    return out;
}

struct FeatureCase {
    std::string name;     // test name suffix
    std::string bind_ip6; // "": IPv4 only
    std::uint32_t real_features = 0;
};

class ServerFeaturesRequests : public ::testing::TestWithParam<FeatureCase> {};

TEST_P(ServerFeaturesRequests, MixerAnswersAsJamulus_4_0_0beta2Does) {
    const FeatureCase& c = GetParam();
    TempDir dir("features");
    const auto mixer = jamfleet_mixer_kind();
    ASSERT_TRUE(mixer) << "JAMFLEET_MIXER must name jamfleet-mixer";
    const std::vector<std::string> shared = {
        "-F", "-P", "-L", "-w", "Hi <b>Köln</b>", "-R", (dir.path() / "rec").string()};
    auto real_args = shared;
    real_args.insert(real_args.end(), {"-d"});
    auto our_args = shared;
    our_args.insert(our_args.end(), {"--threads", "1"});
    const auto real = ask_features(dir.path(), real_jamulus_kind(JamulusVersion::v4_0_0beta2),
                                   real_args, c.bind_ip6);
    const auto ours = ask_features(dir.path(), *mixer, our_args, c.bind_ip6);
    // 0x08: recording on; 0x20: IPv6 socket open.
    EXPECT_EQ(real.features, c.real_features) << "real 4.0 changed its answer";
    EXPECT_EQ(ours.features, real.features);
    EXPECT_EQ(real.welcome, "Hi <b>Köln</b>");
    EXPECT_EQ(ours.welcome, real.welcome);
}

INSTANTIATE_TEST_SUITE_P(Ipv6, ServerFeaturesRequests,
                         ::testing::Values(FeatureCase{"ipv4_only", "", 0x5ddu},
                                           FeatureCase{"ipv6_socket_on_loopback", "::1", 0x5fdu}),
                         [](const ::testing::TestParamInfo<FeatureCase>& param_info) {
                             return param_info.param.name;
                         });

std::string server_version_name(const ::testing::TestParamInfo<JamulusVersion>& param_info) {
    return "jamulus_" + version_tag(param_info.param);
}

INSTANTIATE_TEST_SUITE_P(ServerVersions, ProtoAgainstRealServer,
                         ::testing::ValuesIn(all_jamulus_versions()), server_version_name);

} // namespace
} // namespace jamfleet::interop
