// jamfleet-mixer against real Jamulus programs, for what only our mixer has to prove:
// registering with a real Jamulus directory and JSON-RPC shapes equal to a real server's (both
// with 3.9.1 and 4.0.0 beta 2: MixerWithRealJamulus, test names end in the release), junk
// protection, and the command-line exit codes. (The client session scenarios and tone tests
// run against both servers in server_session_test.)
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include "proto/clm_messages.h"
#include "proto/conn_messages.h"
#include "proto/frame.h"
#include "proto/message_id.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/net.h"
#include "tests/interop/harness/process.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/version_params.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using proto::MessageId;

ServerKind mixer_kind() {
    auto kind = jamfleet_mixer_kind();
    if (!kind) {
        throw std::runtime_error("JAMFLEET_MIXER is not set to the jamfleet-mixer executable");
    }
    return *kind;
}

// Asks the directory on `port` for its list (CLM_REQ_SERVER_LIST) and returns the
// full list (CLM_SERVER_LIST, sent after the reduced one).
std::optional<proto::ServerList> request_server_list(std::uint16_t port) {
    UdpProbe probe;
    const auto request = proto::make_clm_frame(MessageId::ClmReqServerList, {});
    for (int attempt = 0; attempt < 3; ++attempt) {
        probe.send_to(port, request);
        auto reply = probe.receive_until(
            [](const Datagram& d) {
                auto f = proto::parse_frame(d.bytes);
                return f.ok() && f->id == proto::to_wire(MessageId::ClmServerList);
            },
            2s);
        if (reply) {
            auto list = proto::decode_server_list(proto::parse_frame(reply->bytes)->payload);
            if (list.ok()) {
                return *list;
            }
        }
    }
    return std::nullopt;
}

bool lists_server(const proto::ServerList& list, const std::string& name, std::uint16_t port) {
    for (const auto& e : list.entries) {
        if (e.name == name && e.port == port) {
            return true;
        }
    }
    return false;
}

std::set<std::string> keys(const json& object) {
    std::set<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        out.insert(it.key());
    }
    return out;
}

// The release of the real Jamulus directory, server and clients is the parameter.
class MixerWithRealJamulus : public ::testing::TestWithParam<JamulusVersion> {};

TEST_P(MixerWithRealJamulus, RegistersWithARealJamulusDirectoryAndUnregistersOnSigterm) {
    TempDir dir("mixer-directory");
    JamulusServer directory(dir.path(), real_jamulus_kind(GetParam()),
                            ServerOptions{.args = {"-e", "localhost", "-o", "TheDir;Here;de"}},
                            "directory");
    JamulusServer mixer(
        dir.path(), mixer_kind(),
        ServerOptions{.args = {"-e", "127.0.0.1:" + std::to_string(directory.port()), "-o",
                               "jamfleet test;Berlin;DE", "-u", "7"}},
        "mixer");
    ASSERT_TRUE(wait_until(
        [&] {
            return mixer.rpc().call("jamulusserver/getServerProfile")["registrationStatus"] ==
                   "registered";
        },
        10s));
    const json profile = mixer.rpc().call("jamulusserver/getServerProfile");
    EXPECT_EQ(profile["name"], "jamfleet test");
    EXPECT_EQ(profile["countryId"], 82);
    EXPECT_EQ(profile["directoryServer"], "127.0.0.1:" + std::to_string(directory.port()));

    auto list = request_server_list(directory.port());
    ASSERT_TRUE(list.has_value());
    bool found = false;
    for (const auto& e : list->entries) {
        if (e.name == "jamfleet test") {
            found = true;
            EXPECT_EQ(e.port, mixer.port());
            EXPECT_EQ(e.city, "Berlin");
            EXPECT_EQ(e.country, 82);
            EXPECT_EQ(e.max_clients, 7);
        }
    }
    EXPECT_TRUE(found) << "the directory does not list jamfleet-mixer";

    EXPECT_EQ(mixer.stop(), 0);
    EXPECT_TRUE(wait_until(
        [&] {
            auto l = request_server_list(directory.port());
            return l && !lists_server(*l, "jamfleet test", mixer.port());
        },
        10s))
        << "still listed after SIGTERM (no CLM_UNREGISTER_SERVER?)";
}

TEST(MixerInterop, RegistersWithJamfleetDirectory) {
    const char* program = std::getenv("JAMFLEET_DIRECTORY");
    ASSERT_TRUE(program != nullptr && *program != '\0')
        << "JAMFLEET_DIRECTORY is not set (meson sets it to the built jamfleet-directory)";
    TempDir dir("mixer-our-directory");
    const std::uint16_t dir_port = free_udp_port();
    Process directory(
        ProcessOptions{.name = "directory",
                       .program = program,
                       .args = {"-p", std::to_string(dir_port), "--serverbindip", "127.0.0.1", "-o",
                                "OurDir;Here;de", "--db", (dir / "directory.sqlite").string()},
                       .env = {},
                       .work_dir = dir.path() / "directory"});
    ASSERT_TRUE(wait_until([&] { return udp_port_bound(dir_port); }, 10s)) << directory.log_text();
    JamulusServer mixer(dir.path(), mixer_kind(),
                        ServerOptions{.args = {"-e", "127.0.0.1:" + std::to_string(dir_port), "-o",
                                               "fleet room;Lyon;fr"}},
                        "mixer");
    ASSERT_TRUE(wait_until(
        [&] {
            return mixer.rpc().call("jamulusserver/getServerProfile")["registrationStatus"] ==
                   "registered";
        },
        10s));
    auto list = request_server_list(dir_port);
    ASSERT_TRUE(list.has_value());
    EXPECT_TRUE(lists_server(*list, "fleet room", mixer.port()));
    EXPECT_EQ(mixer.stop(), 0);
    EXPECT_TRUE(wait_until(
        [&] {
            auto l = request_server_list(dir_port);
            return l && !lists_server(*l, "fleet room", mixer.port());
        },
        10s));
}

TEST_P(MixerWithRealJamulus, JsonRpcShapesMatchARealJamulusServer) {
    TempDir dir("mixer-rpc");
    JackServer jack(dir.path(), 128);
    JamulusServer real(dir.path(), real_jamulus_kind(GetParam()),
                       ServerOptions{.args = {"-w", "hello", "-o", "Real;Paris;fr"}}, "real");
    JamulusServer ours(dir.path(), mixer_kind(),
                       ServerOptions{.args = {"-w", "hello", "-o", "Ours;Paris;fr"}}, "ours");
    const ClientProfile alice{
        .name = "alice", .country = 74, .city = "Lyon", .instrument = 3, .skill = 2};
    const ClientOptions release{.version = GetParam()};
    JamulusClient on_real(dir.path(), jack, "alice_real", alice, real.address(), release);
    JamulusClient on_ours(dir.path(), jack, "alice_ours", alice, ours.address(), release);
    ASSERT_TRUE(on_real.wait_connected());
    ASSERT_TRUE(on_ours.wait_connected());
    auto named = [](const json& clients) {
        return clients.size() == 1 && clients[0]["name"] == "alice";
    };
    ASSERT_TRUE(on_real.wait_for_client_list(named));
    ASSERT_TRUE(on_ours.wait_for_client_list(named));

    const json real_clients = real.rpc().call("jamulusserver/getClients");
    const json our_clients = ours.rpc().call("jamulusserver/getClients");
    ASSERT_EQ(real_clients["clients"].size(), 1u);
    ASSERT_EQ(our_clients["clients"].size(), 1u);
    // Every key the real server gives exists on ours (ours adds 3.11 keys 3.9.1 lacks).
    for (const auto& k : keys(real_clients)) {
        EXPECT_TRUE(our_clients.contains(k)) << k;
    }
    for (const auto& k : keys(real_clients["clients"][0])) {
        EXPECT_TRUE(our_clients["clients"][0].contains(k)) << k;
    }
    EXPECT_EQ(our_clients["clients"][0]["name"], "alice");
    EXPECT_EQ(our_clients["clients"][0]["channels"], real_clients["clients"][0]["channels"]);
    EXPECT_EQ(our_clients["clients"][0]["instrumentCode"], 3);
    EXPECT_EQ(our_clients["clients"][0]["skillLevelCode"], 2);
    // 3.10+ gives Qt 5's English name of the client's country (74).
    EXPECT_EQ(our_clients["clients"][0]["countryName"], "France");
    EXPECT_EQ(our_clients["connections"], 1);

    const json real_profile = real.rpc().call("jamulusserver/getServerProfile");
    const json our_profile = ours.rpc().call("jamulusserver/getServerProfile");
    for (const auto& k : keys(real_profile)) {
        EXPECT_TRUE(our_profile.contains(k)) << k;
        EXPECT_EQ(our_profile[k].type(), real_profile[k].type()) << k;
    }
    EXPECT_EQ(our_profile["countryId"], real_profile["countryId"]);
    EXPECT_EQ(our_profile["welcomeMessage"], real_profile["welcomeMessage"]);
    EXPECT_EQ(our_profile["registrationStatus"], real_profile["registrationStatus"]);
    EXPECT_EQ(ours.rpc().call("jamulus/getMode"), real.rpc().call("jamulus/getMode"));
}

TEST(MixerInterop, JunkDatagramsDoNotTakeChannels) {
    TempDir dir("mixer-junk");
    JamulusServer mixer(dir.path(), mixer_kind(), ServerOptions{.args = {"-u", "2"}}, "mixer");
    std::vector<std::unique_ptr<UdpProbe>> senders;
    for (int i = 0; i < 20; ++i) {
        senders.push_back(std::make_unique<UdpProbe>());
        // 7 and 1000 bytes match no codec/quality/factor combination.
        senders.back()->send_to(mixer.port(), std::vector<std::uint8_t>(i % 2 ? 7 : 1000, 0x55));
    }
    UdpProbe asker;
    asker.send_to(mixer.port(), proto::make_clm_frame(MessageId::ClmReqConnClientsList, {}));
    auto reply = asker.receive_until(
        [](const Datagram& d) {
            auto f = proto::parse_frame(d.bytes);
            return f.ok() && f->id == proto::to_wire(MessageId::ClmConnClientsList);
        },
        3s);
    ASSERT_TRUE(reply.has_value());
    auto list = proto::decode_conn_clients_list(proto::parse_frame(reply->bytes)->payload);
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->entries.empty());
    const json stats = mixer.rpc().call("jamfleet/getStats");
    EXPECT_EQ(stats["drops"]["junk_from_unknown"], 20);
    EXPECT_EQ(stats["clients"], 0);

    // A datagram of a real client's size starts an admission attempt, not a channel
    // (docs/admission.md): the address must first ACK what the room sends it.
    senders[0]->send_to(mixer.port(), std::vector<std::uint8_t>(46, 0x55));
    EXPECT_TRUE(wait_until(
        [&] { return mixer.rpc().call("jamfleet/getStats")["admission"]["started"] == 1; }, 3s));
    EXPECT_EQ(mixer.rpc().call("jamfleet/getStats")["clients"], 0);
}

TEST(MixerInterop, ABusyPortIsOneClearLineAndExitCode1) {
    TempDir dir("mixer-cli");
    const std::uint16_t port = free_udp_port();
    UdpProbe squatter(port);
    auto result = run_command(
        ProcessOptions{.name = "busy",
                       .program = mixer_kind().program,
                       .args = {"-p", std::to_string(port), "--serverbindip", "127.0.0.1"},
                       .env = {},
                       .work_dir = dir.path() / "busy"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.output.find("bind udp 127.0.0.1:" + std::to_string(port) +
                                 ": address already in use"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
}

TEST(MixerInterop, BadOptionsExitWithCode2AndHelpWith0) {
    TempDir dir("mixer-cli2");
    auto bad = run_command(ProcessOptions{.name = "bad",
                                          .program = mixer_kind().program,
                                          .args = {"--no-such-option"},
                                          .env = {},
                                          .work_dir = dir.path() / "bad"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("unknown option --no-such-option"), std::string::npos);
    auto range = run_command(ProcessOptions{.name = "range",
                                            .program = mixer_kind().program,
                                            .args = {"-u", "0"},
                                            .env = {},
                                            .work_dir = dir.path() / "range"});
    EXPECT_EQ(range.exit_code, 2);
    auto help = run_command(ProcessOptions{.name = "help",
                                           .program = mixer_kind().program,
                                           .args = {"--help"},
                                           .env = {},
                                           .work_dir = dir.path() / "help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.output.find("--numchannels"), std::string::npos);
}

// Reads one '\n'-terminated line from a blocking unix socket (bounded by SO_RCVTIMEO).
std::optional<json> read_json_line(int fd) {
    std::string line;
    char c = 0;
    while (::recv(fd, &c, 1, 0) == 1) {
        if (c == '\n') {
            return json::parse(line, nullptr, false);
        }
        line += c;
    }
    return std::nullopt;
}

TEST(MixerInterop, ControlSocketGreetsReportsStatusAndStops) {
    TempDir dir("mixer-control");
    const auto socket_path = (dir / "mixer.sock").string();
    const std::uint16_t port = free_udp_port();
    Process mixer(ProcessOptions{.name = "mixer",
                                 .program = mixer_kind().program,
                                 .args = {"-p", std::to_string(port), "--serverbindip", "127.0.0.1",
                                          "-o", "Room1;Town;fr", "--control-socket", socket_path},
                                 .env = {},
                                 .work_dir = dir.path() / "mixer"});
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(socket_path); }, 10s));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    auto hello = read_json_line(fd);
    ASSERT_TRUE(hello && hello->is_object());
    EXPECT_EQ((*hello)["type"], "hello");
    EXPECT_EQ((*hello)["kind"], "mixer");
    EXPECT_EQ((*hello)["name"], "Room1");
    EXPECT_EQ((*hello)["port"], port);
    EXPECT_EQ((*hello)["pid"], mixer.pid());

    const std::string status = R"({"id":1,"op":"status","args":{}})"
                               "\n";
    ASSERT_EQ(::send(fd, status.data(), status.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(status.size()));
    auto reply = read_json_line(fd);
    ASSERT_TRUE(reply && reply->is_object());
    EXPECT_EQ((*reply)["ok"], true);
    EXPECT_EQ((*reply)["result"]["clients"], json::array());
    EXPECT_EQ((*reply)["result"]["port"], port);
    EXPECT_EQ((*reply)["result"]["registration"], "not_registered");
    // The drop and admission counters of jamfleet/getStats (docs/admission.md).
    EXPECT_EQ((*reply)["result"]["drops"]["junk_from_unknown"], 0);
    EXPECT_EQ((*reply)["result"]["admission"]["pending"], 0);

    const std::string stop = R"({"id":2,"op":"stop","args":{}})"
                             "\n";
    ASSERT_EQ(::send(fd, stop.data(), stop.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(stop.size()));
    auto stopping = read_json_line(fd);
    ASSERT_TRUE(stopping && stopping->is_object());
    EXPECT_EQ((*stopping)["ok"], true);
    ::close(fd);
    const auto status_code = mixer.wait_exit(10s);
    ASSERT_TRUE(status_code.has_value());
    EXPECT_EQ(mixer.exit_code(), 0);
}

INSTANTIATE_TEST_SUITE_P(Versions, MixerWithRealJamulus, full_set_releases(), server_release_name);

} // namespace
} // namespace jamfleet::interop
