// JSON-RPC server over loopback TCP: secret file rules, auth flow per connection,
// closing after invalid JSON, notifications only to authenticated connections.
#include "control/jsonrpc_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "io/line_client.h"
#include "io/loop.h"

namespace jamfleet::control {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "a-secret-of-24-characters";

class SecretFile {
public:
    explicit SecretFile(const std::string& content) {
        char tmpl[] = "/tmp/jamfleet-secret-XXXXXX";
        const int fd = ::mkstemp(tmpl);
        path_ = tmpl;
        ::close(fd);
        std::ofstream(path_) << content;
    }
    ~SecretFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

TEST(JsonRpcSecret, IsTheFirstLineWithoutItsTerminator) {
    SecretFile file(std::string(kSecret) + "\r\nsecond line\n");
    const auto secret = load_jsonrpc_secret(file.path());
    ASSERT_TRUE(secret.ok()) << secret.error();
    EXPECT_EQ(*secret, kSecret);
}

TEST(JsonRpcSecret, ShorterThanSixteenCharactersIsAStartupError) {
    SecretFile file("fifteen-chars!!\n");
    const auto secret = load_jsonrpc_secret(file.path());
    ASSERT_FALSE(secret.ok());
    EXPECT_EQ(secret.error(), "jsonrpc secret file " + file.path() +
                                  ": the secret (first line) must be at least 16 characters, "
                                  "got 15");
    SecretFile exact("sixteen-chars!!!");
    EXPECT_TRUE(load_jsonrpc_secret(exact.path()).ok());
}

TEST(JsonRpcSecret, MissingFileIsAStartupError) {
    const auto secret = load_jsonrpc_secret("/nonexistent/secret");
    ASSERT_FALSE(secret.ok());
    EXPECT_EQ(secret.error(),
              "jsonrpc secret file /nonexistent/secret: cannot open: no such file or directory");
}

// A connected test client collecting reply lines.
struct Peer {
    explicit Peer(io::Loop& loop) : client(loop) {
        client.set_on_line([this](std::string_view l) { lines.emplace_back(l); });
        client.set_on_closed([this] { closed = true; });
    }
    void connect(io::Loop& loop, io::SocketAddress address) {
        bool done = false;
        client.connect_tcp(address, [&](base::Status<std::string> r) {
            ASSERT_TRUE(r.ok());
            done = true;
        });
        ASSERT_TRUE(loop.run_until([&] { return done; }, 5s));
    }
    std::string call(io::Loop& loop, const std::string& line) {
        const auto before = lines.size();
        EXPECT_TRUE(client.send(line));
        EXPECT_TRUE(loop.run_until([&] { return lines.size() > before || closed; }, 5s));
        return lines.size() > before ? lines.back() : std::string();
    }
    io::LineClient client;
    std::vector<std::string> lines;
    bool closed = false;
};

class JsonRpcServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = JsonRpcServer::start(loop_, io::SocketAddress::loopback(0), kSecret);
        ASSERT_TRUE(r.ok()) << r.error();
        server_ = std::move(r).value();
        server_->add_method("jamulus/getMode", [](const nlohmann::json&) {
            return base::Result<nlohmann::json, RpcError>(nlohmann::json{{"mode", "server"}});
        });
    }
    std::string auth_line() const {
        return std::string(R"({"id":1,"jsonrpc":"2.0","method":"jamulus/apiAuth","params":)") +
               R"({"secret":")" + kSecret + R"("}})";
    }

    io::Loop loop_;
    std::unique_ptr<JsonRpcServer> server_;
};

TEST_F(JsonRpcServerTest, AuthenticatesPerConnection) {
    Peer a(loop_);
    Peer b(loop_);
    a.connect(loop_, server_->local_address());
    b.connect(loop_, server_->local_address());
    const std::string get_mode =
        R"({"id":2,"jsonrpc":"2.0","method":"jamulus/getMode","params":{}})";
    EXPECT_EQ(a.call(loop_, auth_line()), R"({"id":1,"jsonrpc":"2.0","result":"ok"})");
    EXPECT_EQ(a.call(loop_, get_mode), R"({"id":2,"jsonrpc":"2.0","result":{"mode":"server"}})");
    // b did not authenticate: a's login does not carry over.
    EXPECT_NE(b.call(loop_, get_mode).find("\"code\":401"), std::string::npos);
}

TEST_F(JsonRpcServerTest, BlankLineKeepsAndInvalidJsonClosesTheConnection) {
    Peer p(loop_);
    p.connect(loop_, server_->local_address());
    EXPECT_EQ(p.call(loop_, ""), R"({"error":{"code":-32700,"message":"Parse error: Blank )"
                                 R"(line received"},"jsonrpc":"2.0"})");
    EXPECT_FALSE(p.closed);
    // Two requests in one write: the second must not be processed after the close.
    EXPECT_EQ(p.call(loop_, std::string("{oops\n") + auth_line()),
              R"({"error":{"code":-32700,"message":"Parse error: Invalid JSON received"},)"
              R"("jsonrpc":"2.0"})");
    ASSERT_TRUE(loop_.run_until([&] { return p.closed; }, 5s));
    EXPECT_EQ(p.lines.size(), 2u);
}

TEST_F(JsonRpcServerTest, EmptyBatchClosesAfterTheReply) {
    Peer p(loop_);
    p.connect(loop_, server_->local_address());
    EXPECT_NE(p.call(loop_, "[]").find("Empty batch"), std::string::npos);
    ASSERT_TRUE(loop_.run_until([&] { return p.closed; }, 5s));
}

TEST_F(JsonRpcServerTest, BatchWithNonObjectClosesWithoutReply) {
    Peer p(loop_);
    p.connect(loop_, server_->local_address());
    ASSERT_TRUE(p.client.send("[1]"));
    ASSERT_TRUE(loop_.run_until([&] { return p.closed; }, 5s));
    EXPECT_TRUE(p.lines.empty());
}

TEST_F(JsonRpcServerTest, NotificationsReachOnlyAuthenticatedConnections) {
    Peer authed(loop_);
    Peer anonymous(loop_);
    authed.connect(loop_, server_->local_address());
    anonymous.connect(loop_, server_->local_address());
    authed.call(loop_, auth_line());
    ASSERT_TRUE(loop_.run_until([&] { return server_->connection_count() == 2; }, 5s));
    server_->broadcast_notification("jamulusclient/connected", {{"id", 3}});
    ASSERT_TRUE(loop_.run_until([&] { return authed.lines.size() == 2; }, 5s));
    EXPECT_EQ(authed.lines[1],
              R"({"jsonrpc":"2.0","method":"jamulusclient/connected","params":{"id":3}})");
    EXPECT_FALSE(loop_.run_until([&] { return !anonymous.lines.empty(); }, 30ms));
}

TEST_F(JsonRpcServerTest, BusyPortIsAStartupError) {
    const auto address = server_->local_address();
    auto second = JsonRpcServer::start(loop_, address, kSecret);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(),
              "jsonrpc: listen tcp " + address.to_string() + ": address already in use");
}

} // namespace
} // namespace jamfleet::control
