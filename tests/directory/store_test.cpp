// SQLite store: durable order and lifetimes across restarts, grace after long
// downtime, migrations, bans, and refusal of corrupt or foreign files.
#include "directory/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/directory/fake_journal.h"

namespace jamfleet::directory {
namespace {

using namespace std::chrono_literals;
using testing::info_named;

base::TimePoint at(base::Duration d) {
    return base::TimePoint{} + d;
}

struct StoreTest : ::testing::Test {
    std::filesystem::path dir;
    std::string path;
    std::int64_t wall_ms = 1'700'000'000'000;

    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("jamfleet-store-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        path = (dir / "directory.sqlite").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    std::unique_ptr<Store> open() {
        auto store = Store::open(path, [this] { return wall_ms; });
        EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error());
        return store.ok() ? std::move(store.value()) : nullptr;
    }
    std::string read_file() const {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
};

TEST_F(StoreTest, RestoresTheListInOrderWithRemainingLifetime) {
    Admission open_admission;
    {
        auto store = open();
        Registry registry({}, *store);
        for (std::uint16_t port : {300, 100, 200}) {
            ASSERT_TRUE(registry
                            .register_server({0x7f000001, port},
                                             info_named("s" + std::to_string(port)), open_admission,
                                             at(0s))
                            .reply);
        }
        ASSERT_TRUE(registry.unregister({0x7f000001, 100}));
        // 10 minutes later the first one refreshes (new expiry, same position).
        wall_ms += 10 * 60 * 1000;
        ASSERT_TRUE(registry
                        .register_server({0x7f000001, 300}, info_named("renamed"), open_admission,
                                         at(10min))
                        .reply);
        ASSERT_TRUE(store->heartbeat());
    }
    wall_ms += 60 * 1000; // down for one minute
    auto store = open();
    RestoreReport report;
    const auto entries = store->load(at(5h), kRefreshInterval, &report);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].host.port, 300);
    EXPECT_EQ(entries[0].info.name, "renamed");
    EXPECT_EQ(entries[0].info.version, "3.9.1");
    EXPECT_EQ(entries[0].info.internal, (Address{0x0a000001, 22124}));
    EXPECT_EQ(entries[1].host.port, 200);
    // Wall time: the first was refreshed 1 min ago (32 min left), the other
    // registered 11 min ago (22 min left), whatever the new monotonic clock says.
    EXPECT_EQ(entries[0].expires_at, at(5h) + 32min);
    EXPECT_EQ(entries[1].expires_at, at(5h) + 22min);
    EXPECT_EQ(entries[1].registered_at, at(5h) - 11min);
    EXPECT_EQ(report.downtime_ms, 60'000);
    EXPECT_EQ(report.given_grace, 0u);
}

TEST_F(StoreTest, LongDowntimeGivesOneRefreshIntervalOfGrace) {
    {
        auto store = open();
        Registry registry({}, *store);
        Admission a;
        ASSERT_TRUE(registry.register_server({1, 1}, info_named("alive"), a, at(0s)).reply);
        ASSERT_TRUE(store->heartbeat());
    }
    wall_ms += 2 * 60 * 60 * 1000; // down for two hours
    auto store = open();
    RestoreReport report;
    const auto entries = store->load(at(1h), kRefreshInterval, &report);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].expires_at, at(1h) + kRefreshInterval);
    EXPECT_EQ(report.given_grace, 1u);
    // Entries still expire when their server does not come back.
    Registry registry({}, *store);
    registry.restore(entries);
    EXPECT_EQ(registry.expire(at(1h) + kRefreshInterval).size(), 1u);
    EXPECT_TRUE(store->load(at(2h), kRefreshInterval, nullptr).empty());
}

TEST_F(StoreTest, EntryAlreadyExpiredBeforeTheStopGetsNoGrace) {
    {
        auto store = open();
        Registry registry({}, *store);
        Admission a;
        ASSERT_TRUE(registry.register_server({1, 1}, info_named("stale"), a, at(0s)).reply);
        wall_ms += 40 * 60 * 1000; // alive 40 min without refresh, expiry poll not yet run
        ASSERT_TRUE(store->heartbeat());
    }
    wall_ms += 60 * 60 * 1000;
    auto store = open();
    RestoreReport report;
    const auto entries = store->load(at(0s), kRefreshInterval, &report);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].expires_at, at(0s));
    EXPECT_EQ(report.already_expired, 1u);
}

TEST_F(StoreTest, MigratesAVersion1Database) {
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        const char* v1 =
            "CREATE TABLE servers (position INTEGER PRIMARY KEY, host_ip INTEGER NOT NULL,"
            " host_port INTEGER NOT NULL, internal_ip INTEGER NOT NULL, internal_port INTEGER NOT"
            " NULL, name TEXT NOT NULL, city TEXT NOT NULL, country INTEGER NOT NULL, max_clients"
            " INTEGER NOT NULL, permanent INTEGER NOT NULL, registered_ms INTEGER NOT NULL,"
            " refreshed_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
            " UNIQUE (host_ip, host_port));"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
            "INSERT INTO servers VALUES (5, 1, 2, 3, 4, 'old', 'town', 82, 10, 0, 0, 0, "
            "1700000600000);"
            "PRAGMA user_version=1;";
        ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), kSchemaVersion);
    const auto entries = store->load(at(0s), kRefreshInterval, nullptr);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].info.name, "old");
    EXPECT_EQ(entries[0].position, 5u);
    EXPECT_FALSE(entries[0].info.version.has_value());
    EXPECT_TRUE(store->add_ban(Cidr{0x01020300, 24}, "v2 table exists"));
}

TEST_F(StoreTest, RefusesACorruptFileAndLeavesItUntouched) {
    {
        std::ofstream out(path, std::ios::binary);
        out << std::string(4096, 'x');
    }
    const auto before = read_file();
    const auto store = Store::open(path, [this] { return wall_ms; });
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().find(path), std::string::npos) << store.error();
    EXPECT_EQ(read_file(), before);
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_F(StoreTest, RefusesADatabaseFromANewerSchema) {
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99;", nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    const auto store = Store::open(path, [this] { return wall_ms; });
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

TEST_F(StoreTest, RefusesAPathThatCannotBeADatabase) {
    const auto file_as_dir = dir / "plain-file";
    std::ofstream(file_as_dir) << "x";
    const auto store = Store::open((file_as_dir / "db.sqlite").string(), [] { return 0; });
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().find("plain-file"), std::string::npos) << store.error();
    const auto dir_as_file = Store::open(dir.string(), [] { return 0; });
    EXPECT_FALSE(dir_as_file.ok());
}

TEST_F(StoreTest, SecondOpenOfTheSameFileIsRefusedWhileTheFirstRuns) {
    auto first = open();
    Registry registry({}, *first);
    Admission a;
    ASSERT_TRUE(registry.register_server({1, 1}, info_named("x"), a, at(0s)).reply);
    const auto second = Store::open(path, [this] { return wall_ms; });
    EXPECT_FALSE(second.ok());
}

TEST_F(StoreTest, BansArePersisted) {
    {
        auto store = open();
        ASSERT_TRUE(store->add_ban(*parse_cidr("203.0.113.0/24"), "spam"));
        ASSERT_TRUE(store->add_ban(*parse_cidr("198.51.100.7"), "spoof"));
        ASSERT_TRUE(store->remove_ban(*parse_cidr("198.51.100.7")));
    }
    auto store = open();
    const auto bans = store->bans();
    ASSERT_EQ(bans.size(), 1u);
    EXPECT_EQ(to_string(bans[0].range), "203.0.113.0/24");
    EXPECT_EQ(bans[0].reason, "spam");
}

TEST_F(StoreTest, CreatesMissingParentDirectory) {
    path = (dir / "var" / "directory.sqlite").string();
    auto store = open();
    EXPECT_TRUE(store);
    EXPECT_TRUE(std::filesystem::exists(path));
}

} // namespace
} // namespace jamfleet::directory
