// JSON-RPC parity of jamfleet-mixer with real Jamulus 3.12.4 and 4.0.0 beta 2 servers: every
// server method, called with the same inputs on both, gives the same result keys and types or
// the same error; the 4.0 notifications carry the same keys; setDirectory re-registers at run
// time. Test names state the release. docs/jsonrpc.md lists the methods.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto k3124 = JamulusVersion::v3_12_4;
constexpr auto k40 = JamulusVersion::v4_0_0beta2;

ServerKind mixer_kind() {
    auto kind = jamfleet_mixer_kind();
    if (!kind) {
        throw std::runtime_error("JAMFLEET_MIXER is not set to the jamfleet-mixer executable");
    }
    return *kind;
}

struct Call {
    std::string method;
    json params;
    bool since_4_0 = false; // absent from 3.12.4 (it answers "method not found")
};

// Every server method with valid and invalid inputs. Channel 0 is the one client.
std::vector<Call> calls() {
    return {
        {"jamulus/getMode", json::object()},
        {"jamulus/getVersion", json::object()},
        {"jamulusserver/getClients", json::object()},
        {"jamulusserver/getServerProfile", json::object()},
        {"jamulusserver/getRecorderStatus", json::object()},
        {"jamulusserver/setServerName", {{"serverName", "Parity Two"}}},
        {"jamulusserver/setServerName", {{"serverName", 5}}},
        {"jamulusserver/setWelcomeMessage", {{"welcomeMessage", "hello again"}}},
        {"jamulusserver/setWelcomeMessage", json::object()},
        {"jamulusserver/startRecording", json::object()},
        {"jamulusserver/stopRecording", json::object()},
        {"jamulusserver/restartRecording", json::object()},
        {"jamulusserver/setRecordingDirectory", {{"recordingDirectory", 7}}},
        {"jamulusserver/setDirectory", {{"directoryType", "none"}}},
        {"jamulusserver/setDirectory", {{"directoryType", 3}}},
        {"jamulusserver/setDirectory", {{"directoryType", "custom"}}},
        {"jamulusserver/setDirectory", {{"directoryType", "custom"}, {"directoryAddress", 9}}},
        {"jamulusserver/getServerProfile", json::object()},
        {"jamulusserver/broadcastChatMessage", {{"chatMessage", "to all"}}, true},
        {"jamulusserver/broadcastChatMessage", {{"chatMessage", 1}}, true},
        {"jamulusserver/privateChatMessage", {{"chatMessage", "to you"}, {"id", 0}}, true},
        {"jamulusserver/privateChatMessage", {{"chatMessage", ""}, {"id", 0}}, true},
        {"jamulusserver/noSuchMethod", json::object()},
    };
}

std::set<std::string> keys(const json& object) {
    std::set<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        out.insert(it.key());
    }
    return out;
}

// Same outcome: both results (same JSON type; for objects every real key present in ours with
// the same type, recursively for the first array element) or both errors with one code.
void expect_same_shape(const json& real, const json& ours, const std::string& where) {
    SCOPED_TRACE(where + "\nreal: " + real.dump() + "\nours: " + ours.dump());
    ASSERT_EQ(real.contains("error"), ours.contains("error"));
    if (real.contains("error")) {
        EXPECT_EQ(ours["error"]["code"], real["error"]["code"]);
        EXPECT_EQ(ours["error"]["message"], real["error"]["message"]);
        return;
    }
    const json& r = real["result"];
    const json& o = ours["result"];
    ASSERT_EQ(o.type_name(), std::string(r.type_name()));
    if (r.is_object()) {
        for (const auto& k : keys(r)) {
            ASSERT_TRUE(o.contains(k)) << "missing key " << k;
            EXPECT_EQ(o[k].type_name(), std::string(r[k].type_name())) << k;
            if (r[k].is_array() && !r[k].empty() && r[k][0].is_object()) {
                ASSERT_FALSE(o[k].empty()) << k;
                for (const auto& kk : keys(r[k][0])) {
                    ASSERT_TRUE(o[k][0].contains(kk)) << k << "[0]." << kk;
                    EXPECT_EQ(o[k][0][kk].type_name(), std::string(r[k][0][kk].type_name()))
                        << k << "[0]." << kk;
                }
            }
        }
    } else if (r.is_string()) {
        EXPECT_EQ(o, r);
    }
}

class JsonRpcParity : public ::testing::TestWithParam<JamulusVersion> {
protected:
    void start() {
        const std::vector<std::string> args = {"-w", "hello", "-o", "Parity;Berlin;de"};
        real_ = std::make_unique<JamulusServer>(dir_.path(), real_jamulus_kind(GetParam()),
                                                ServerOptions{.args = args}, "real");
        ours_ = std::make_unique<JamulusServer>(dir_.path(), mixer_kind(),
                                                ServerOptions{.args = args}, "ours");
        const ClientProfile alice{.name = "alice", .country = 82, .city = "Köln"};
        on_real_ = std::make_unique<JamulusClient>(dir_.path(), jack_, "alice_real", alice,
                                                   real_->address());
        on_ours_ = std::make_unique<JamulusClient>(dir_.path(), jack_, "alice_ours", alice,
                                                   ours_->address());
        for (auto* c : {on_real_.get(), on_ours_.get()}) {
            ASSERT_TRUE(c->wait_for_client_list(
                [](const json& l) { return l.size() == 1 && l[0]["name"] == "alice"; }));
        }
    }

    TempDir dir_{"jsonrpc-parity"};
    JackServer jack_{dir_.path(), 128};
    std::unique_ptr<JamulusServer> real_;
    std::unique_ptr<JamulusServer> ours_;
    std::unique_ptr<JamulusClient> on_real_;
    std::unique_ptr<JamulusClient> on_ours_;
};

TEST_P(JsonRpcParity, EveryServerMethodGivesTheSameShapeOrError) {
    ASSERT_NO_FATAL_FAILURE(start());
    const bool is_40 = GetParam() == k40;
    for (const auto& call : calls()) {
        const auto real = real_->rpc().request(call.method, call.params);
        const auto ours = ours_->rpc().request(call.method, call.params);
        const std::string where = call.method + " " + call.params.dump();
        if (call.since_4_0 && !is_40) {
            // 3.12.4 does not have it: method not found; ours has it.
            EXPECT_EQ(real["error"]["code"], -32601) << where;
            EXPECT_TRUE(ours.contains("result") || ours.contains("error")) << where;
            continue;
        }
        expect_same_shape(real, ours, where);
    }
    // Errors Jamulus gives before any method runs: unauthenticated (401), parse error.
    std::vector<json> denied;
    std::vector<json> garbage;
    for (auto* server : {real_.get(), ours_.get()}) {
        JsonRpcClient unauthenticated(server->rpc_port(), "");
        denied.push_back(unauthenticated.request("jamulusserver/getClients"));
        unauthenticated.send_line("{not json");
        garbage.push_back(unauthenticated.read_message(5s).value_or(json()));
    }
    expect_same_shape(denied[0], denied[1], "unauthenticated getClients");
    EXPECT_EQ(denied[0]["error"]["code"], 401);
    ASSERT_TRUE(garbage[0].is_object() && garbage[1].is_object());
    expect_same_shape(garbage[0], garbage[1], "a line that is not JSON");
    EXPECT_EQ(garbage[0]["error"]["code"], -32700);
}

// 4.0's privateChatMessage to a free channel: Jamulus answers with a bare string error, ours
// with a JSON-RPC error object carrying the same text (docs/jsonrpc.md).
TEST(JsonRpcParityDifferences, PrivateChatToAFreeChannel_4_0_0beta2) {
    TempDir dir("jsonrpc-private");
    JamulusServer real(dir.path(), real_jamulus_kind(k40), {}, "real");
    JamulusServer ours(dir.path(), mixer_kind(), {}, "ours");
    const json params{{"chatMessage", "anyone?"}, {"id", 7}};
    const auto r = real.rpc().request("jamulusserver/privateChatMessage", params);
    const auto o = ours.rpc().request("jamulusserver/privateChatMessage", params);
    EXPECT_EQ(r["error"], "invalid channel ID") << r.dump();
    EXPECT_EQ(o["error"]["message"], "invalid channel ID") << o.dump();
    EXPECT_EQ(o["error"]["code"], -32602);
}

// clientConnected, chatMessageReceived (a client's and the server's own), clientDisconnected:
// same keys and types as a real 4.0 server, same values where they do not depend on ports.
TEST(JsonRpcNotifications, SameKeysAsJamulus_4_0_0beta2) {
    TempDir dir("jsonrpc-notify");
    JackServer jack(dir.path(), 128);
    JamulusServer real(dir.path(), real_jamulus_kind(k40), {}, "real");
    JamulusServer ours(dir.path(), mixer_kind(), {}, "ours");
    const auto run = [&](JamulusServer& server, const std::string& role) {
        std::vector<json> seen;
        auto& rpc = server.rpc();
        auto client = std::make_unique<JamulusClient>(
            dir.path(), jack, role, ClientProfile{.name = "bob"}, server.address());
        const auto connected = rpc.wait_for_notification("jamulusserver/clientConnected");
        EXPECT_TRUE(connected) << role;
        seen.push_back(connected.value_or(json()));
        EXPECT_TRUE(client->wait_for_client_list(
            [](const json& l) { return l.size() == 1 && l[0]["name"] == "bob"; }));
        const auto from = rpc.notifications().size();
        client->rpc().call("jamulusclient/sendChatText", {{"chatText", "hi <all>"}});
        const auto chat =
            rpc.wait_for_notification("jamulusserver/chatMessageReceived", {}, 15s, from);
        EXPECT_TRUE(chat) << role;
        seen.push_back(chat.value_or(json()));
        const auto from2 = rpc.notifications().size();
        rpc.call("jamulusserver/broadcastChatMessage", {{"chatMessage", "from the server"}});
        const auto own =
            rpc.wait_for_notification("jamulusserver/chatMessageReceived", {}, 15s, from2);
        EXPECT_TRUE(own) << role;
        seen.push_back(own.value_or(json()));
        const auto heard = client->rpc().wait_for_notification(
            "jamulusclient/chatTextReceived",
            [](const json& p) { return p["chatText"] == "from the server"; });
        EXPECT_TRUE(heard) << role << ": the client did not get the unwrapped server chat";
        const auto from3 = rpc.notifications().size();
        client->stop();
        const auto gone =
            rpc.wait_for_notification("jamulusserver/clientDisconnected", {}, 40s, from3);
        EXPECT_TRUE(gone) << role;
        seen.push_back(gone.value_or(json()));
        return seen;
    };
    const auto real_seen = run(real, "bob_real");
    const auto our_seen = run(ours, "bob_ours");
    ASSERT_EQ(real_seen.size(), our_seen.size());
    for (std::size_t i = 0; i < real_seen.size(); ++i) {
        SCOPED_TRACE("real " + real_seen[i].dump() + "\nours " + our_seen[i].dump());
        EXPECT_EQ(keys(our_seen[i]), keys(real_seen[i]));
        for (const auto& k : keys(real_seen[i])) {
            EXPECT_EQ(our_seen[i][k].type_name(), std::string(real_seen[i][k].type_name())) << k;
        }
    }
    EXPECT_EQ(our_seen[0]["address"], real_seen[0]["address"]);
    EXPECT_EQ(our_seen[0]["totalChannels"], 1);
    EXPECT_EQ(our_seen[2], real_seen[2]); // {"id": -1, "chatMessage": "from the server"}
    EXPECT_NE(
        our_seen[1]["chatMessage"].get<std::string>().find("<b>bob</b></font> hi &lt;all&gt;"),
        std::string::npos);
    EXPECT_EQ(our_seen[3]["id"], real_seen[3]["id"]);
}

// setDirectory moves the registration at run time; an unknown type is refused (Jamulus
// silently registers with the public "any genre 1" directory instead).
TEST(JsonRpcSetDirectory, ReRegistersWithAnotherDirectoryAsJamulus_3_12_4) {
    TempDir dir("jsonrpc-directory");
    const auto directory_kind = real_jamulus_kind(k40);
    JamulusServer first(dir.path(), directory_kind, {.args = {"-e", "localhost"}}, "dir_a");
    JamulusServer second(dir.path(), directory_kind, {.args = {"-e", "localhost"}}, "dir_b");
    const auto status = [](JamulusServer& s) {
        return s.rpc().call("jamulusserver/getServerProfile");
    };
    for (const auto& kind : {real_jamulus_kind(k3124), mixer_kind()}) {
        SCOPED_TRACE(kind.name);
        JamulusServer server(dir.path(), kind,
                             {.args = {"-e", first.address(), "-o", "Mover;X;de"}},
                             "mover_" + kind.name);
        ASSERT_TRUE(wait_until([&] { return status(server)["registrationStatus"] == "registered"; },
                               15s, 100ms))
            << status(server).dump();
        EXPECT_EQ(status(server)["directoryType"], "custom");
        EXPECT_EQ(status(server)["directoryAddress"], first.address());
        EXPECT_EQ(server.rpc().call(
                      "jamulusserver/setDirectory",
                      {{"directoryType", "custom"}, {"directoryAddress", second.address()}}),
                  "ok");
        ASSERT_TRUE(wait_until(
            [&] {
                const auto s = status(server);
                return s["registrationStatus"] == "registered" &&
                       s["directory"] == second.address();
            },
            15s, 100ms))
            << status(server).dump();
        EXPECT_EQ(server.rpc().call("jamulusserver/setDirectory", {{"directoryType", "none"}}),
                  "ok");
        EXPECT_TRUE(wait_until(
            [&] { return status(server)["registrationStatus"] == "not_registered"; }, 15s, 100ms))
            << status(server).dump();
        EXPECT_EQ(status(server)["directoryType"], "none");
    }
    JamulusServer ours(dir.path(), mixer_kind(), {}, "ours_unknown");
    const auto refused =
        ours.rpc().request("jamulusserver/setDirectory", {{"directoryType", "any_genre_9"}});
    EXPECT_EQ(refused["error"]["code"], -32602) << refused.dump();
    EXPECT_EQ(ours.rpc().call("jamulusserver/getServerProfile")["directoryType"], "none");
}

std::string version_name(const ::testing::TestParamInfo<JamulusVersion>& param_info) {
    return "jamulus_" + version_tag(param_info.param);
}

INSTANTIATE_TEST_SUITE_P(ServerVersions, JsonRpcParity, ::testing::Values(k3124, k40),
                         version_name);

} // namespace
} // namespace jamfleet::interop
