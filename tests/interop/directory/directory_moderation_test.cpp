// Directory moderation (docs/directory.md, "Moderation") with a real Jamulus 3.9.1 server
// registering to jamfleet-directory, driven through the directory's control socket (the
// supervisor's and the web child's channel): evict removes it until it registers again; a
// ban removes it and refuses its registrations, also after the directory restarts (the ban
// is in the database); unban lets it back at its next registration.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

#include "tests/interop/directory/directory_fixture.h"
#include "tests/interop/harness/control_request.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string registration_status(JamulusServer& server) {
    return server.rpc().call("jamulusserver/getServerProfile")["registrationStatus"];
}

// A real server registering to `directory`, started anew (as an admin restarting it) so that
// it registers at once instead of at its next 15-minute refresh.
std::unique_ptr<JamulusServer> start_server(const TempDir& dir, const Directory& directory) {
    ServerOptions o;
    o.args = {"-e", directory.address(), "-o", "Jam One;Berlin;de"};
    return std::make_unique<JamulusServer>(dir.path(), real_jamulus_kind(), o, "jam-one");
}

bool listed(Directory& directory, const std::string& address) {
    for (const auto& s : directory.servers()) {
        if (s["address"] == address) {
            return true;
        }
    }
    return false;
}

// True when `address` stays off the list for `span` (polled every 200 ms).
bool stays_off(Directory& directory, const std::string& address, std::chrono::milliseconds span) {
    return !wait_until([&] { return listed(directory, address); }, span, 200ms);
}

json ok_result(const std::string& socket, const std::string& op, const json& args) {
    const json reply = control_request(socket, op, args);
    EXPECT_EQ(reply["ok"], true) << op << ": " << reply.dump();
    return reply.value("result", json());
}

TEST(DirectoryModeration, EvictBanAndUnbanARealServer) {
    TempDir dir("directory-moderation");
    const std::string socket = (dir / "directory.sock").string();
    const auto db = dir / "db.sqlite";
    auto directory = std::make_unique<Directory>(
        dir.path(), db, std::vector<std::string>{"--control-socket", socket});
    const std::uint16_t port = directory->port();
    auto server = start_server(dir, *directory);
    const std::string address = server->address();
    ASSERT_TRUE(wait_until([&] { return listed(*directory, address); }, 15s));

    // entries: what the dashboard shows.
    const json entries = ok_result(socket, "entries", json::object())["entries"];
    ASSERT_EQ(entries.size(), 1u) << entries.dump();
    EXPECT_EQ(entries[0]["name"], "Jam One");
    EXPECT_EQ(entries[0]["address"], address);
    EXPECT_EQ(entries[0]["version"], "3.9.1");
    EXPECT_EQ(entries[0]["source"], "registered");
    EXPECT_EQ(entries[0]["city"], "Berlin");
    EXPECT_EQ(entries[0]["country"], "Germany");

    // evict: gone now; the server still thinks it is registered and is back only when it
    // registers again.
    EXPECT_EQ(ok_result(socket, "evict", {{"address", address}})["evicted"], address);
    EXPECT_FALSE(listed(*directory, address));
    EXPECT_TRUE(stays_off(*directory, address, 2s));
    EXPECT_EQ(registration_status(*server), "registered");
    EXPECT_EQ(control_request(socket, "evict", {{"address", address}})["ok"], false);
    server.reset();
    server = start_server(dir, *directory);
    ASSERT_TRUE(wait_until([&] { return listed(*directory, server->address()); }, 15s));

    // ban: the entry goes at once, and its registrations are refused (dropped, counted).
    const json banned =
        ok_result(socket, "ban", {{"address", "127.0.0.0/24"}, {"seconds", 0}, {"reason", "test"}});
    EXPECT_EQ(banned["banned"], "127.0.0.0/24");
    EXPECT_EQ(banned["evicted"], 1);
    EXPECT_FALSE(listed(*directory, server->address()));
    const auto banned_before = directory->stats()["banned"].get<int>();
    server.reset();
    server = start_server(dir, *directory);
    EXPECT_TRUE(stays_off(*directory, server->address(), 3s));
    EXPECT_NE(registration_status(*server), "registered");
    EXPECT_GT(directory->stats()["banned"].get<int>(), banned_before);

    // The ban is in the database: a restarted directory still refuses the server.
    server.reset();
    directory.reset();
    directory = std::make_unique<Directory>(
        dir.path(), db, std::vector<std::string>{"--control-socket", socket}, port, "restarted");
    const json bans = ok_result(socket, "getBans", json::object())["bans"];
    ASSERT_EQ(bans.size(), 1u) << bans.dump();
    EXPECT_EQ(bans[0]["address"], "127.0.0.0/24");
    EXPECT_EQ(bans[0]["secondsLeft"], nullptr);
    EXPECT_EQ(bans[0]["reason"], "test");
    server = start_server(dir, *directory);
    EXPECT_TRUE(stays_off(*directory, server->address(), 3s));

    // unban: it comes back at its next registration.
    EXPECT_EQ(ok_result(socket, "unban", {{"address", "127.0.0.0/24"}})["removed"], true);
    EXPECT_TRUE(ok_result(socket, "getBans", json::object())["bans"].empty());
    server.reset();
    server = start_server(dir, *directory);
    EXPECT_TRUE(wait_until([&] { return listed(*directory, server->address()); }, 15s));
    EXPECT_EQ(registration_status(*server), "registered");
}

TEST(DirectoryModeration, JsonRpcMethodsAreTheSameRequests) {
    TempDir dir("directory-moderation-rpc");
    Directory directory(dir.path(), dir / "db.sqlite", {});
    auto server = start_server(dir, directory);
    ASSERT_TRUE(wait_until([&] { return listed(directory, server->address()); }, 15s));
    EXPECT_EQ(directory.rpc().call("jamfleet/entries")["entries"][0]["name"], "Jam One");
    const json r = directory.rpc().call(
        "jamfleet/ban", {{"address", "127.0.0.1"}, {"seconds", 600}, {"reason", "spam"}});
    EXPECT_EQ(r["banned"], "127.0.0.1/32");
    EXPECT_EQ(r["evicted"], 1);
    const json bans = directory.rpc().call("jamfleet/getBans")["bans"];
    ASSERT_EQ(bans.size(), 1u);
    EXPECT_GE(bans[0]["secondsLeft"].get<int>(), 598);
    EXPECT_EQ(directory.rpc().call("jamfleet/unban", {{"address", "127.0.0.1/32"}})["removed"],
              true);
}

} // namespace
} // namespace jamfleet::interop
