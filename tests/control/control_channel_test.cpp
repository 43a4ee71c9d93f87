// ControlEndpoint <-> ControlClient over a unix socket: hello, status, stop,
// unknown ops, events, timeouts, and reconnecting after the child restarts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "control/control_client.h"
#include "control/control_endpoint.h"
#include "io/loop.h"

namespace jamfleet::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/jamfleet-ctl-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

class ControlChannel : public ::testing::Test {
protected:
    void start_endpoint() {
        auto r = ControlEndpoint::listen(loop_, path_,
                                         Hello{"mixer", "main", ::getpid(), 22124, "0.1.0"});
        ASSERT_TRUE(r.ok()) << r.error();
        endpoint_ = std::move(r).value();
        endpoint_->set_status_provider([this] { return json{{"clients", clients_}}; });
    }
    void connect_client(ControlClientOptions options = {}) {
        client_ = std::make_unique<ControlClient>(loop_, path_, options);
        client_->set_on_hello([this](const Hello& h) { hellos_.push_back(h); });
        client_->start();
        ASSERT_TRUE(loop_.run_until([&] { return client_->ready(); }, 5s));
    }
    base::Result<json, std::string> call(const std::string& op, json args = json::object()) {
        std::optional<base::Result<json, std::string>> out;
        EXPECT_TRUE(client_->request(op, std::move(args), [&](auto r) { out = std::move(r); }));
        EXPECT_TRUE(loop_.run_until([&] { return out.has_value(); }, 10s));
        return out ? std::move(*out) : base::Result<json, std::string>(base::Err{"no reply"});
    }

    TempDir dir_;
    std::string path_ = dir_.file("main.sock");
    io::Loop loop_;
    std::unique_ptr<ControlEndpoint> endpoint_;
    std::unique_ptr<ControlClient> client_;
    std::vector<Hello> hellos_;
    int clients_ = 3;
};

TEST_F(ControlChannel, ClientReceivesHelloOnConnect) {
    start_endpoint();
    connect_client();
    ASSERT_EQ(hellos_.size(), 1u);
    EXPECT_EQ(hellos_[0].kind, "mixer");
    EXPECT_EQ(hellos_[0].name, "main");
    EXPECT_EQ(hellos_[0].pid, ::getpid());
    EXPECT_EQ(hellos_[0].port, 22124);
    EXPECT_EQ(client_->hello()->version, "0.1.0");
}

TEST_F(ControlChannel, StatusReturnsWhatTheChildProvides) {
    start_endpoint();
    connect_client();
    auto r = call("status");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(*r, (json{{"clients", 3}}));
    clients_ = 5;
    EXPECT_EQ(*call("status"), (json{{"clients", 5}}));
}

TEST_F(ControlChannel, UnknownOpIsAnErrorResponse) {
    start_endpoint();
    connect_client();
    auto r = call("frobnicate");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "unknown op: frobnicate");
}

TEST_F(ControlChannel, CustomOpsReceiveArgsAndMayFail) {
    start_endpoint();
    endpoint_->add_op("set_name", [](const json& args) -> base::Result<json, std::string> {
        if (!args.contains("name") || !args["name"].is_string()) {
            return base::Err{std::string("set_name: name must be a string")};
        }
        return json("ok " + args["name"].get<std::string>());
    });
    connect_client();
    EXPECT_EQ(*call("set_name", {{"name", "Berlin"}}), json("ok Berlin"));
    EXPECT_EQ(call("set_name", {{"name", 1}}).error(), "set_name: name must be a string");
}

TEST_F(ControlChannel, StopRepliesAndThenRunsTheChildCallback) {
    start_endpoint();
    bool stopping = false;
    endpoint_->set_on_stop([&] {
        stopping = true;
        endpoint_.reset(); // the child tears its endpoint down right away
    });
    connect_client();
    auto r = call("stop");
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(*r, json("stopping"));
    EXPECT_TRUE(stopping);
    EXPECT_EQ(endpoint_, nullptr);
}

TEST_F(ControlChannel, EventsReachTheSupervisor) {
    start_endpoint();
    connect_client();
    std::vector<ControlEvent> events;
    client_->set_on_event([&](const ControlEvent& e) { events.push_back(e); });
    ASSERT_TRUE(loop_.run_until([&] { return endpoint_->connection_count() == 1; }, 5s));
    endpoint_->broadcast_event("registration", {{"status", "registered"}});
    ASSERT_TRUE(loop_.run_until([&] { return !events.empty(); }, 5s));
    EXPECT_EQ(events[0].event, "registration");
    EXPECT_EQ(events[0].data["status"], "registered");
}

TEST_F(ControlChannel, RequestTimesOutWhenTheChildDoesNotAnswer) {
    // A hung child: it greets, then never answers.
    ControlClientOptions options;
    options.request_timeout = 50ms;
    auto silent = io::LineServer::listen_unix(loop_, path_);
    ASSERT_TRUE(silent.ok());
    auto server = std::move(silent).value();
    server->set_on_connected([&](io::ConnectionId id) {
        server->send(id, encode(Hello{"mixer", "hung", 1, 0, ""}));
    });
    connect_client(options);
    auto r = call("status");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "control " + path_ + ": timed out after 50 ms");
}

TEST_F(ControlChannel, PendingRequestsFailWhenTheChildGoesAway) {
    start_endpoint();
    connect_client();
    std::optional<base::Result<json, std::string>> out;
    bool disconnected = false;
    client_->set_on_disconnected([&] { disconnected = true; });
    ASSERT_TRUE(client_->request("status", json::object(), [&](auto r) { out = std::move(r); }));
    endpoint_.reset(); // before the loop delivers the request
    ASSERT_TRUE(loop_.run_until([&] { return out.has_value() && disconnected; }, 5s));
    ASSERT_FALSE(out->ok());
    EXPECT_EQ(out->error(), "control " + path_ + ": connection closed");
    EXPECT_FALSE(client_->ready());
}

TEST_F(ControlChannel, ClientWaitsForAChildThatStartsLaterAndReconnectsAfterRestart) {
    ControlClientOptions options;
    options.reconnect_min = 5ms;
    options.reconnect_max = 20ms;
    client_ = std::make_unique<ControlClient>(loop_, path_, options);
    client_->set_on_hello([this](const Hello& h) { hellos_.push_back(h); });
    client_->start();
    EXPECT_FALSE(loop_.run_until([&] { return client_->ready(); }, 30ms)); // nobody listens
    start_endpoint();
    ASSERT_TRUE(loop_.run_until([&] { return client_->ready(); }, 5s));
    endpoint_.reset(); // the child exits...
    ASSERT_TRUE(loop_.run_until([&] { return !client_->ready(); }, 5s));
    start_endpoint(); // ...and is restarted
    ASSERT_TRUE(loop_.run_until([&] { return client_->ready(); }, 5s));
    EXPECT_EQ(hellos_.size(), 2u);
    EXPECT_TRUE(call("status").ok());
}

TEST_F(ControlChannel, SecondChildOnTheSameSocketIsRefused) {
    start_endpoint();
    auto second = ControlEndpoint::listen(loop_, path_, Hello{"mixer", "dup", 1, 0, ""});
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(), "control: listen unix " + path_ +
                                  ": address already in use (another process is listening)");
}

TEST_F(ControlChannel, HelloEchoesTheSupervisorsIdentityFromTheEnvironment) {
    ::setenv(kFleetEnv, "My fleet", 1);
    ::setenv(kSettingsEnv, "0123456789abcdef", 1);
    start_endpoint();
    ::unsetenv(kFleetEnv);
    ::unsetenv(kSettingsEnv);
    connect_client();
    ASSERT_FALSE(hellos_.empty());
    EXPECT_EQ(hellos_.back().fleet, "My fleet");
    EXPECT_EQ(hellos_.back().settings, "0123456789abcdef");
    // A live settings change replaces the identity for later connections.
    Hello renamed{"mixer", "renamed", ::getpid(), 22124, "0.1.0", "My fleet", "fedcba9876543210"};
    endpoint_->set_hello(renamed);
    client_->stop();
    connect_client();
    EXPECT_EQ(hellos_.back().name, "renamed");
    EXPECT_EQ(hellos_.back().settings, "fedcba9876543210");
    // A hello without identity keeps the one the endpoint has.
    endpoint_->set_hello(Hello{"mixer", "again", ::getpid(), 22124, "0.1.0"});
    client_->stop();
    connect_client();
    EXPECT_EQ(hellos_.back().name, "again");
    EXPECT_EQ(hellos_.back().fleet, "My fleet");
}

} // namespace
} // namespace jamfleet::control
