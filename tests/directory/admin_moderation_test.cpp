// Directory moderation requests (JSON-RPC jamfleet/<name>, the same handlers as the control
// socket's ops): entries, evict, ban with an end (persisted with it), unban, getBans.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "directory/admin_api.h"
#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kWallStart = 1'700'000'000'000; // 2023-11-14T22:13:20Z

struct ModerationTest : ::testing::Test {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("jamfleet-dirmod-" + std::to_string(::getpid()));
    std::int64_t wall = kWallStart;
    std::unique_ptr<Store> store;
    std::unique_ptr<Registry> registry;
    Admission admission;
    base::Logger log{"directory", [](std::string_view) {}};
    std::unique_ptr<DirectoryService> service;
    base::FakeClock clock;
    std::unique_ptr<AdminApi> api;
    control::JsonRpcDispatcher rpc{"0123456789abcdef"};

    void SetUp() override {
        std::filesystem::remove_all(dir);
        auto s = Store::open((dir / "db.sqlite").string(), [this] { return wall; });
        ASSERT_TRUE(s.ok()) << s.error();
        store = std::move(s.value());
        registry = std::make_unique<Registry>(RegistryLimits{}, *store);
        service = std::make_unique<DirectoryService>(*registry, admission, SelfInfo{},
                                                     AbuseLimits{}, log);
        api = std::make_unique<AdminApi>(*registry, *service, *store, clock, log);
        api->install([this](std::string name, control::RpcHandler h) {
            rpc.add_method(std::move(name), std::move(h));
        });
        add_server({0x7f000001, 1000}, "one");
        add_server({0xc0000207, 22124}, "two"); // 192.0.2.7
    }
    void TearDown() override {
        api.reset();
        service.reset();
        registry.reset();
        store.reset();
        std::filesystem::remove_all(dir);
    }
    void add_server(Address host, const std::string& name) {
        ASSERT_EQ(registry->register_server(host, testing::info_named(name), admission, clock.now())
                      .reply,
                  RegisterResult::Registered);
    }
    void advance(base::Duration d) {
        clock.advance(d);
        wall += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    }
    nlohmann::json call(const std::string& method,
                        nlohmann::json params = nlohmann::json::object()) {
        bool authed = true;
        const auto out = rpc.handle_line(
            authed,
            nlohmann::json{{"id", 1}, {"jsonrpc", "2.0"}, {"method", method}, {"params", params}}
                .dump());
        return out.reply ? nlohmann::json::parse(*out.reply) : nlohmann::json();
    }
};

TEST_F(ModerationTest, EntriesListWhatThePageShows) {
    advance(30s);
    const auto entries = call("jamfleet/entries")["result"]["entries"];
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0]["name"], "one");
    EXPECT_EQ(entries[0]["address"], "127.0.0.1:1000");
    EXPECT_EQ(entries[0]["version"], "3.9.1");
    EXPECT_EQ(entries[0]["lastSeen"], "2023-11-14T22:13:20Z"); // registered 30 s ago
    EXPECT_EQ(entries[0]["source"], "registered");
    EXPECT_TRUE(entries[0]["city"].is_string());
    EXPECT_TRUE(entries[0]["country"].is_string());
    EXPECT_EQ(entries[1]["address"], "192.0.2.7:22124");
}

TEST_F(ModerationTest, EvictRemovesOneEntryAndSaysWhich) {
    EXPECT_EQ(call("jamfleet/evict", {{"address", "192.0.2.7:22124"}})["result"]["evicted"],
              "192.0.2.7:22124");
    EXPECT_EQ(registry->entries().size(), 1u);
    EXPECT_EQ(call("jamfleet/evict", {{"address", "192.0.2.7:22124"}})["error"]["code"], 1);
    EXPECT_EQ(call("jamfleet/evict", {{"address", "nonsense"}})["error"]["code"], -32602);
    EXPECT_EQ(store->load(clock.now(), kRefreshInterval, nullptr).size(), 1u);
}

TEST_F(ModerationTest, BanWithAnEndEvictsRefusesAndEndsItself) {
    const auto r =
        call("jamfleet/ban",
             {{"address", "192.0.2.0/24"}, {"seconds", 60}, {"reason", "spam"}})["result"];
    EXPECT_EQ(r["banned"], "192.0.2.0/24");
    EXPECT_EQ(r["evicted"], 1);
    EXPECT_EQ(registry->entries().size(), 1u);
    EXPECT_TRUE(service->is_banned(0xc0000209, clock.now()));
    // Persisted with its end in wall-clock time.
    ASSERT_EQ(store->bans().size(), 1u);
    EXPECT_EQ(store->bans()[0].expires_ms, kWallStart + 60'000);
    EXPECT_EQ(store->bans()[0].reason, "spam");

    advance(20s);
    auto bans = call("jamfleet/getBans")["result"]["bans"];
    ASSERT_EQ(bans.size(), 1u);
    EXPECT_EQ(bans[0]["address"], "192.0.2.0/24");
    EXPECT_EQ(bans[0]["secondsLeft"], 40);
    EXPECT_EQ(bans[0]["reason"], "spam");

    advance(41s);
    EXPECT_FALSE(service->is_banned(0xc0000209, clock.now()));
    EXPECT_TRUE(call("jamfleet/getBans")["result"]["bans"].empty());
    service->expire(clock.now());
    EXPECT_TRUE(service->bans(clock.now()).empty());
    ASSERT_TRUE(store->remove_expired_bans());
    EXPECT_TRUE(store->bans().empty());
}

TEST_F(ModerationTest, BanWithoutSecondsLastsUntilUnban) {
    EXPECT_EQ(call("jamfleet/ban", {{"address", "127.0.0.1"}})["result"]["banned"], "127.0.0.1/32");
    EXPECT_EQ(call("jamfleet/getBans")["result"]["bans"][0]["secondsLeft"], nullptr);
    EXPECT_FALSE(store->bans()[0].expires_ms.has_value());
    advance(400 * 24h);
    EXPECT_TRUE(service->is_banned(0x7f000001, clock.now()));
    EXPECT_EQ(call("jamfleet/unban", {{"address", "127.0.0.1/32"}})["result"]["removed"], true);
    EXPECT_EQ(call("jamfleet/unban", {{"address", "127.0.0.1/32"}})["result"]["removed"], false);
    EXPECT_FALSE(service->is_banned(0x7f000001, clock.now()));
    EXPECT_TRUE(store->bans().empty());
}

TEST_F(ModerationTest, BadParametersAreRefused) {
    EXPECT_EQ(call("jamfleet/ban", {{"address", 7}})["error"]["code"], -32602);
    EXPECT_EQ(call("jamfleet/ban", {{"address", "2001:db8::/32"}})["error"]["code"], -32602);
    EXPECT_EQ(call("jamfleet/ban", {{"address", "10.0.0.0/33"}})["error"]["code"], -32602);
    EXPECT_EQ(call("jamfleet/ban", {{"address", "10.0.0.1"}, {"seconds", -1}})["error"]["code"],
              -32602);
    EXPECT_EQ(call("jamfleet/ban", {{"address", "10.0.0.1"}, {"reason", 3}})["error"]["code"],
              -32602);
    EXPECT_TRUE(store->bans().empty());
}

TEST_F(ModerationTest, TheSameHandlersAreTheControlOps) {
    std::vector<std::string> names;
    for (const auto& [name, handler] : api->moderation_handlers()) {
        names.push_back(name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"entries", "evict", "ban", "unban", "getBans"}));
}

} // namespace
} // namespace jamfleet::directory
