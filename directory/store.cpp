// SQLite persistence of the directory list and bans, with schema migrations.
#include "directory/store.h"

#include <chrono>
#include <filesystem>
#include <system_error>

namespace jamfleet::directory {

namespace {

// Each step upgrades the schema by one version inside one transaction.
constexpr std::string_view kMigrations[] = {
    // v1: the list and the liveness heartbeat.
    "CREATE TABLE servers ("
    " position INTEGER PRIMARY KEY, host_ip INTEGER NOT NULL, host_port INTEGER NOT NULL,"
    " internal_ip INTEGER NOT NULL, internal_port INTEGER NOT NULL, name TEXT NOT NULL,"
    " city TEXT NOT NULL, country INTEGER NOT NULL, max_clients INTEGER NOT NULL,"
    " permanent INTEGER NOT NULL, registered_ms INTEGER NOT NULL, refreshed_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL, UNIQUE (host_ip, host_port));"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
    // v2: OS and version of CLM_REGISTER_SERVER_EX registrations, persisted bans.
    "ALTER TABLE servers ADD COLUMN os INTEGER;"
    "ALTER TABLE servers ADD COLUMN version TEXT;"
    "CREATE TABLE bans (network INTEGER NOT NULL, prefix_bits INTEGER NOT NULL,"
    " reason TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (network, prefix_bits));",
    // v3: bans with an end (Unix ms; NULL = until lifted).
    "ALTER TABLE bans ADD COLUMN expires_ms INTEGER;",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

std::int64_t to_ms(base::Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

} // namespace

std::int64_t system_wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

base::Result<std::unique_ptr<Store>, std::string> Store::open(const std::string& path,
                                                              WallClock wall) {
    std::unique_ptr<Store> store(new Store(path, std::move(wall)));
    if (auto error = store->initialise()) {
        return base::Err{"open database " + path + ": " + *error};
    }
    return store;
}

Store::~Store() {
    if (db_.get() != nullptr) {
        // Best effort: a clean stop records the time, so downtime is measured exactly.
        (void)heartbeat();
    }
}

std::optional<std::string> Store::initialise() {
    const std::filesystem::path file(path_);
    std::error_code ec;
    if (file.has_parent_path() && !std::filesystem::exists(file.parent_path(), ec)) {
        std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) {
            return "cannot create directory " + file.parent_path().string() + ": " + ec.message();
        }
    }
    if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec)) {
        return "not a regular file";
    }
    if (auto error = db_.open(path_)) {
        return *error;
    }
    if (db_.read_only()) {
        return "file is not writable";
    }
    // Exclusive locking: a second directory on the same file fails here instead
    // of interleaving writes; the lock dies with the process, even on kill -9.
    if (!db_.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA busy_timeout=0;")) {
        return db_.error_message();
    }
    Statement check(db_.get(), "PRAGMA quick_check");
    if (!check.step() || check.column_text(0) != "ok") {
        return check.failed() ? db_.error_message() : "database is corrupt (quick_check failed)";
    }
    check = Statement();
    // WAL + synchronous=NORMAL: a commit is in the OS page cache when the call
    // returns, so it survives a process crash or kill -9 (not a power loss).
    Statement wal(db_.get(), "PRAGMA journal_mode=WAL");
    if (!wal.step() || wal.column_text(0) != "wal") {
        return "cannot enable WAL: " + db_.error_message();
    }
    wal = Statement();
    if (!db_.exec("PRAGMA synchronous=NORMAL;")) {
        return db_.error_message();
    }
    if (auto error = migrate()) {
        return *error;
    }
    save_ = Statement(db_.get(),
                      "INSERT OR REPLACE INTO servers (position, host_ip, host_port, internal_ip,"
                      " internal_port, name, city, country, max_clients, permanent, registered_ms,"
                      " refreshed_ms, expires_ms, os, version)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    erase_ = Statement(db_.get(), "DELETE FROM servers WHERE host_ip = ?1 AND host_port = ?2");
    heartbeat_ = Statement(db_.get(), "INSERT OR REPLACE INTO meta (key, value)"
                                      " VALUES ('last_alive_ms', ?1)");
    if (!save_.valid() || !erase_.valid() || !heartbeat_.valid()) {
        return "prepare statements: " + db_.error_message();
    }
    return std::nullopt;
}

int Store::schema_version() {
    Statement version(db_.get(), "PRAGMA user_version");
    return version.step() ? static_cast<int>(version.column_int(0)) : -1;
}

std::optional<std::string> Store::migrate() {
    const int current = schema_version();
    if (current < 0) {
        return db_.error_message();
    }
    if (current > kSchemaVersion) {
        return "schema version " + std::to_string(current) +
               " is newer than this program understands (" + std::to_string(kSchemaVersion) + ")";
    }
    for (int v = current; v < kSchemaVersion; ++v) {
        const std::string sql = "BEGIN IMMEDIATE;" +
                                std::string(kMigrations[static_cast<std::size_t>(v)]) +
                                "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
        if (!db_.exec(sql)) {
            const std::string error = db_.error_message();
            db_.exec("ROLLBACK;");
            return "migrate schema to version " + std::to_string(v + 1) + ": " + error;
        }
    }
    return std::nullopt;
}

void Store::fail(std::string_view operation) {
    last_error_ = path_ + ": " + std::string(operation) + ": " + db_.error_message();
}

bool Store::save(const Entry& e, base::TimePoint now) {
    const std::int64_t wall = wall_();
    save_.reset();
    save_.bind(1, static_cast<std::int64_t>(e.position));
    save_.bind(2, std::int64_t{e.host.ip});
    save_.bind(3, std::int64_t{e.host.port});
    save_.bind(4, std::int64_t{e.info.internal.ip});
    save_.bind(5, std::int64_t{e.info.internal.port});
    save_.bind(6, e.info.name);
    save_.bind(7, e.info.city);
    save_.bind(8, std::int64_t{e.info.country});
    save_.bind(9, std::int64_t{e.info.max_clients});
    save_.bind(10, std::int64_t{e.info.permanent ? 1 : 0});
    save_.bind(11, wall - to_ms(now - e.registered_at));
    save_.bind(12, wall - to_ms(now - e.refreshed_at));
    save_.bind(13, wall + to_ms(e.expires_at - now));
    if (e.info.os) {
        save_.bind(14, std::int64_t{*e.info.os});
    }
    if (e.info.version) {
        save_.bind(15, *e.info.version);
    }
    if (!save_.run()) {
        fail("save entry");
        save_.reset();
        return false;
    }
    save_.reset();
    return true;
}

bool Store::erase(const Entry& e) {
    erase_.reset();
    erase_.bind(1, std::int64_t{e.host.ip});
    erase_.bind(2, std::int64_t{e.host.port});
    const bool ok = erase_.run();
    if (!ok) {
        fail("erase entry");
    }
    erase_.reset();
    return ok;
}

bool Store::heartbeat() {
    heartbeat_.reset();
    heartbeat_.bind(1, wall_());
    const bool ok = heartbeat_.run();
    if (!ok) {
        fail("heartbeat");
    }
    heartbeat_.reset();
    return ok;
}

std::vector<Entry> Store::load(base::TimePoint now, base::Duration grace, RestoreReport* report) {
    const std::int64_t wall = wall_();
    std::int64_t last_alive = wall;
    Statement alive(db_.get(), "SELECT value FROM meta WHERE key = 'last_alive_ms'");
    if (alive.step()) {
        last_alive = alive.column_int(0);
    }
    RestoreReport local;
    local.downtime_ms = wall > last_alive ? wall - last_alive : 0;
    std::vector<Entry> entries;
    Statement rows(db_.get(), "SELECT position, host_ip, host_port, internal_ip, internal_port,"
                              " name, city, country, max_clients, permanent, registered_ms,"
                              " refreshed_ms, expires_ms, os, version FROM servers"
                              " ORDER BY position");
    while (rows.step()) {
        Entry e;
        e.position = static_cast<std::uint64_t>(rows.column_int(0));
        e.host = {static_cast<std::uint32_t>(rows.column_int(1)),
                  static_cast<std::uint16_t>(rows.column_int(2))};
        e.info.internal = {static_cast<std::uint32_t>(rows.column_int(3)),
                           static_cast<std::uint16_t>(rows.column_int(4))};
        e.info.name = rows.column_text(5);
        e.info.city = rows.column_text(6);
        e.info.country = static_cast<std::uint16_t>(rows.column_int(7));
        e.info.max_clients = static_cast<std::uint8_t>(rows.column_int(8));
        e.info.permanent = rows.column_int(9) != 0;
        e.registered_at = now - std::chrono::milliseconds(wall - rows.column_int(10));
        e.refreshed_at = now - std::chrono::milliseconds(wall - rows.column_int(11));
        const std::int64_t expires = rows.column_int(12);
        if (!rows.column_is_null(13)) {
            e.info.os = static_cast<std::uint8_t>(rows.column_int(13));
        }
        if (!rows.column_is_null(14)) {
            e.info.version = rows.column_text(14);
        }
        if (expires > wall) {
            e.expires_at = now + std::chrono::milliseconds(expires - wall);
        } else if (expires > last_alive) {
            // Its server's refreshes went unanswered while we were down.
            e.expires_at = now + grace;
            ++local.given_grace;
        } else {
            e.expires_at = now;
            ++local.already_expired;
        }
        entries.push_back(std::move(e));
    }
    local.restored = entries.size();
    if (report != nullptr) {
        *report = local;
    }
    return entries;
}

bool Store::add_ban(const Cidr& range, const std::string& reason,
                    std::optional<std::int64_t> expires_ms) {
    Statement s(db_.get(),
                "INSERT OR REPLACE INTO bans (network, prefix_bits, reason, created_ms, expires_ms)"
                " VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, std::int64_t{range.network});
    s.bind(2, std::int64_t{range.prefix_bits});
    s.bind(3, reason);
    s.bind(4, wall_());
    if (expires_ms) {
        s.bind(5, *expires_ms);
    } else {
        s.bind_null(5);
    }
    if (!s.run()) {
        fail("add ban");
        return false;
    }
    return true;
}

bool Store::remove_ban(const Cidr& range) {
    Statement s(db_.get(), "DELETE FROM bans WHERE network = ?1 AND prefix_bits = ?2");
    s.bind(1, std::int64_t{range.network});
    s.bind(2, std::int64_t{range.prefix_bits});
    if (!s.run()) {
        fail("remove ban");
        return false;
    }
    return true;
}

bool Store::remove_expired_bans() {
    Statement s(db_.get(), "DELETE FROM bans WHERE expires_ms IS NOT NULL AND expires_ms <= ?1");
    s.bind(1, wall_());
    if (!s.run()) {
        fail("remove expired bans");
        return false;
    }
    return true;
}

std::vector<StoredBan> Store::bans() {
    std::vector<StoredBan> out;
    Statement s(db_.get(), "SELECT network, prefix_bits, reason, created_ms, expires_ms FROM bans"
                           " ORDER BY created_ms");
    while (s.step()) {
        StoredBan ban{Cidr{static_cast<std::uint32_t>(s.column_int(0)),
                           static_cast<std::uint8_t>(s.column_int(1))},
                      s.column_text(2), s.column_int(3), std::nullopt};
        if (!s.column_is_null(4)) {
            ban.expires_ms = s.column_int(4);
        }
        out.push_back(std::move(ban));
    }
    return out;
}

} // namespace jamfleet::directory
