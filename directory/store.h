// Durable directory list in SQLite (WAL): every change is committed before the
// registry applies it, and the list is restored in order with its remaining lifetimes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "directory/list_filter.h"
#include "directory/registry.h"
#include "directory/sqlite_handle.h"

namespace jamfleet::directory {

// Unix time in milliseconds; injectable so tests can simulate downtime.
using WallClock = std::function<std::int64_t()>;
std::int64_t system_wall_ms();

inline constexpr int kSchemaVersion = 3;

struct StoredBan {
    Cidr range;
    std::string reason;
    std::int64_t created_ms = 0;
    std::optional<std::int64_t> expires_ms; // Unix ms; none = until lifted
};

struct RestoreReport {
    std::size_t restored = 0;
    std::size_t given_grace = 0; // alive when the directory stopped, lifetime ran out while down
    std::size_t already_expired = 0; // expired before the stop; removed by the first expiry poll
    std::int64_t downtime_ms = 0;
};

class Store final : public Journal {
public:
    // Opens or creates the database; a file that is corrupt, from a newer schema,
    // locked by another directory or not writable is refused, never overwritten.
    static base::Result<std::unique_ptr<Store>, std::string> open(const std::string& path,
                                                                  WallClock wall);
    ~Store() override;

    bool save(const Entry& entry, base::TimePoint now) override;
    bool erase(const Entry& entry) override;

    // The persisted list in order. Remaining lifetime is kept across the restart;
    // an entry whose lifetime ran out while the directory was down gets `grace`.
    std::vector<Entry> load(base::TimePoint now, base::Duration grace, RestoreReport* report);
    // Records that the directory is alive now (bounds the measured downtime).
    bool heartbeat();

    // Adds or replaces the ban on exactly `range`.
    bool add_ban(const Cidr& range, const std::string& reason,
                 std::optional<std::int64_t> expires_ms = std::nullopt);
    bool remove_ban(const Cidr& range);
    // Deletes bans whose end (wall clock) has passed.
    bool remove_expired_bans();
    std::vector<StoredBan> bans();

    // The injected wall clock (Unix ms): ban ends are stored in it.
    std::int64_t wall_ms() const { return wall_(); }

    int schema_version();
    const std::string& path() const { return path_; }
    // Text of the last failure, prefixed with the file name.
    const std::string& last_error() const { return last_error_; }

private:
    Store(std::string path, WallClock wall) : path_(std::move(path)), wall_(std::move(wall)) {}
    std::optional<std::string> initialise();
    std::optional<std::string> migrate();
    void fail(std::string_view operation);

    std::string path_;
    WallClock wall_;
    Database db_;
    Statement save_;
    Statement erase_;
    Statement heartbeat_;
    std::string last_error_;
};

} // namespace jamfleet::directory
