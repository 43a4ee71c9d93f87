// Interop: real Jamulus 3.9.1 (`Jamulus -s --jsonrpcport`) and our JsonRpcServer
// get the same request lines; replies and connection handling must be identical.
// Loopback only, free ports chosen at run time, Jamulus started with a parent-death
// signal and stopped by its own pid.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "control/jsonrpc_server.h"
#include "io/child_process.h"
#include "io/line_client.h"
#include "io/line_server.h"
#include "io/loop.h"
#include "io/udp_socket.h"

namespace jamfleet::control {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "interop-secret-0123456789";

// What one connection saw: every reply line and whether the server closed it.
struct Transcript {
    std::vector<std::string> lines;
    bool closed = false;
};

Transcript run_case(io::Loop& loop, io::SocketAddress server, const std::string& text,
                    const Transcript* expected) {
    Transcript t;
    io::LineClient client(loop);
    client.set_on_line([&](std::string_view l) { t.lines.emplace_back(l); });
    client.set_on_closed([&] { t.closed = true; });
    std::optional<bool> connected;
    client.connect_tcp(server, [&](base::Status<std::string> r) { connected = r.ok(); });
    EXPECT_TRUE(loop.run_until([&] { return connected.has_value(); }, 5s));
    EXPECT_TRUE(connected.value_or(false));
    client.send(text); // all lines of the case in one write
    if (expected == nullptr) {
        // Reference run: wait until the server closed or stayed quiet for a while.
        loop.run_until([&] { return t.closed; }, 400ms);
    } else {
        loop.run_until(
            [&] {
                return t.lines.size() >= expected->lines.size() && t.closed == expected->closed;
            },
            5s);
        loop.run_until([] { return false; }, 20ms); // nothing more may follow
    }
    return t;
}

std::uint16_t free_udp_port() {
    auto s = io::UdpSocket::bind(io::SocketAddress::loopback(0), 0);
    return s.ok() ? s->local_address().port : 0;
}

std::uint16_t free_tcp_port(io::Loop& loop) {
    auto s = io::LineServer::listen_tcp(loop, io::SocketAddress::loopback(0));
    return s.ok() ? (*s)->local_address().port : 0;
}

TEST(JsonRpcInterop, RepliesAndConnectionHandlingMatchJamulus391) {
    io::Loop loop;
    char dir_template[] = "/tmp/jamfleet-rpc-interop-XXXXXX";
    const std::string dir = ::mkdtemp(dir_template);
    const std::string secret_path = dir + "/secret";
    std::ofstream(secret_path) << kSecret << "\n";

    const std::uint16_t rpc_port = free_tcp_port(loop);
    const std::uint16_t udp_port = free_udp_port();
    ASSERT_NE(rpc_port, 0);
    ASSERT_NE(udp_port, 0);
    io::ChildOptions options;
    options.path = "/usr/bin/Jamulus";
    options.args = {"-s",
                    "-n",
                    "-p",
                    std::to_string(udp_port),
                    "--serverbindip",
                    "127.0.0.1",
                    "--jsonrpcport",
                    std::to_string(rpc_port),
                    "--jsonrpcsecretfile",
                    secret_path};
    options.env = {{"HOME", dir}, {"QT_QPA_PLATFORM", "offscreen"}};
    options.log_name = "jamulus";
    options.on_output_line = [](std::string_view) {}; // keep test output readable
    bool exited = false;
    auto spawned =
        io::ChildProcess::spawn(loop, options, [&](std::int64_t, int) { exited = true; });
    ASSERT_TRUE(spawned.ok()) << spawned.error();
    auto jamulus = std::move(spawned).value();

    // Wait (bounded) until Jamulus accepts JSON-RPC connections.
    const auto real = io::SocketAddress::loopback(rpc_port);
    bool ready = false;
    for (int attempt = 0; attempt < 100 && !ready && !exited; ++attempt) {
        io::LineClient probe(loop);
        std::optional<bool> ok;
        probe.connect_tcp(real, [&](base::Status<std::string> r) { ok = r.ok(); });
        loop.run_until([&] { return ok.has_value(); }, 1s);
        ready = ok.value_or(false);
        if (!ready) {
            loop.run_until([] { return false; }, 100ms);
        }
    }
    ASSERT_TRUE(ready) << "Jamulus did not open its JSON-RPC port";

    auto ours = JsonRpcServer::start(loop, io::SocketAddress::loopback(0), kSecret);
    ASSERT_TRUE(ours.ok()) << ours.error();
    // Methods present in a 3.9.1 server that the cases below call.
    (*ours)->add_method("jamulus/getMode", [](const nlohmann::json&) {
        return base::Result<nlohmann::json, RpcError>(nlohmann::json{{"mode", "server"}});
    });

    const std::string auth = std::string(R"({"id":1,"method":"jamulus/apiAuth","params":)") +
                             R"({"secret":")" + kSecret + R"("}})";
    const std::vector<std::string> cases = {
        "",
        "   ",
        "{oops",
        "42",
        "[]",
        "[1]",
        R"({"id":3,"method":5,"params":{}})",
        R"({"id":4,"method":"jamulus/getMode"})",
        R"({"id":4,"method":"jamulus/getMode","params":[]})",
        R"({"id":2,"jsonrpc":"2.0","method":"jamulus/getMode","params":{}})",
        R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":"wrong"}})",
        R"({"id":1,"method":"jamulus/apiAuth","params":{"secret":12}})",
        R"({"id":5.5,"method":"x","params":{}})",
        auth + "\n" + R"({"id":"x","method":"no/such","params":{}})" + "\n" +
            R"({"method":"jamulus/getMode","params":{}})",
        "[" + auth + R"(,{"id":2,"method":"jamulus/getMode","params":{}},)" +
            R"({"id":3,"method":"no/such","params":{}}])",
        "[" + auth + R"(,"oops"])" + "\n" + R"({"id":9,"method":"jamulus/getMode","params":{}})",
        "{oops\n" + auth,
    };
    for (const auto& text : cases) {
        const Transcript reference = run_case(loop, real, text, nullptr);
        const Transcript mine = run_case(loop, (*ours)->local_address(), text, &reference);
        EXPECT_EQ(mine.lines, reference.lines) << "request: " << text;
        EXPECT_EQ(mine.closed, reference.closed) << "request: " << text;
    }

    jamulus->kill(SIGTERM);
    EXPECT_TRUE(loop.run_until([&] { return exited; }, 10s));
    std::system(("rm -rf " + dir).c_str());
}

} // namespace
} // namespace jamfleet::control
