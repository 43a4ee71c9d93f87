// JSON-RPC administration: getServers, evictServer, ban/unban (persisted), getStats.
#include "directory/admin_api.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "proto/clm_messages.h"
#include "proto/frame.h"
#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;

struct AdminTest : ::testing::Test {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("jamfleet-admin-" + std::to_string(::getpid()));
    std::unique_ptr<Store> store;
    std::unique_ptr<Registry> registry;
    Admission admission;
    base::Logger log{"directory", [](std::string_view) {}};
    std::unique_ptr<DirectoryService> service;
    base::FakeClock clock;
    std::unique_ptr<AdminApi> api;
    control::JsonRpcDispatcher rpc{"0123456789abcdef"};
    bool authed = true;

    void SetUp() override {
        std::filesystem::remove_all(dir);
        auto s = Store::open((dir / "db.sqlite").string(), [] { return std::int64_t{1000}; });
        ASSERT_TRUE(s.ok()) << s.error();
        store = std::move(s.value());
        registry = std::make_unique<Registry>(RegistryLimits{}, *store);
        service = std::make_unique<DirectoryService>(*registry, admission, SelfInfo{},
                                                     AbuseLimits{}, log);
        api = std::make_unique<AdminApi>(*registry, *service, *store, clock, log);
        api->install([this](std::string name, control::RpcHandler h) {
            rpc.add_method(std::move(name), std::move(h));
        });
        ASSERT_EQ(registry
                      ->register_server({0x7f000001, 1000}, testing::info_named("one"), admission,
                                        clock.now())
                      .reply,
                  RegisterResult::Registered);
    }
    void TearDown() override {
        api.reset();
        service.reset();
        registry.reset();
        store.reset();
        std::filesystem::remove_all(dir);
    }
    nlohmann::json call(const std::string& method,
                        nlohmann::json params = nlohmann::json::object()) {
        const auto out = rpc.handle_line(
            authed,
            nlohmann::json{{"id", 1}, {"jsonrpc", "2.0"}, {"method", method}, {"params", params}}
                .dump());
        return out.reply ? nlohmann::json::parse(*out.reply) : nlohmann::json();
    }
};

TEST_F(AdminTest, GetServersListsEveryEntryWithAgeAndExpiry) {
    clock.advance(60s);
    const auto r = call("jamfleetdir/getServers")["result"];
    ASSERT_EQ(r["servers"].size(), 1u);
    const auto& s = r["servers"][0];
    EXPECT_EQ(s["address"], "127.0.0.1:1000");
    EXPECT_EQ(s["internalAddress"], "10.0.0.1:22124");
    EXPECT_EQ(s["name"], "one");
    EXPECT_EQ(s["version"], "3.9.1");
    EXPECT_DOUBLE_EQ(s["ageSeconds"].get<double>(), 60.0);
    EXPECT_DOUBLE_EQ(s["expiresInSeconds"].get<double>(), 33 * 60.0 - 60.0);
}

TEST_F(AdminTest, EvictServerRemovesItDurably) {
    EXPECT_EQ(call("jamfleetdir/evictServer", {{"address", "127.0.0.1:9"}})["error"]["code"], 1);
    EXPECT_EQ(call("jamfleetdir/evictServer", {{"address", "127.0.0.1:1000"}})["result"], "ok");
    EXPECT_TRUE(registry->entries().empty());
    EXPECT_TRUE(store->load(clock.now(), kRefreshInterval, nullptr).empty());
    EXPECT_EQ(call("jamfleetdir/getStats")["result"]["evicted"], 1);
    EXPECT_EQ(call("jamfleetdir/evictServer", {{"address", 5}})["error"]["code"], -32602);
}

TEST_F(AdminTest, BanIsPersistedAndEvictsAndUnbanLifts) {
    EXPECT_EQ(
        call("jamfleetdir/banAddress", {{"address", "127.0.0.0/8"}, {"reason", "test"}})["result"],
        "ok");
    EXPECT_TRUE(registry->entries().empty());
    ASSERT_EQ(store->bans().size(), 1u);
    EXPECT_TRUE(service->is_banned(0x7f000002));
    EXPECT_EQ(call("jamfleetdir/getStats")["result"]["bans"][0], "127.0.0.0/8");
    EXPECT_EQ(call("jamfleetdir/unbanAddress", {{"address", "127.0.0.0/8"}})["result"], "ok");
    EXPECT_TRUE(store->bans().empty());
    EXPECT_FALSE(service->is_banned(0x7f000002));
    EXPECT_EQ(call("jamfleetdir/banAddress", {{"address", "nonsense"}})["error"]["code"], -32602);
}

TEST_F(AdminTest, ModeAndVersion) {
    EXPECT_EQ(call("jamulus/getMode")["result"]["mode"], "directory");
    EXPECT_EQ(call("jamulus/getVersion")["result"]["version"], std::string(kDirectoryVersion));
}

} // namespace
} // namespace jamfleet::directory
