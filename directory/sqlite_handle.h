// Minimal RAII wrappers over the SQLite C API: one owner per connection and per
// prepared statement, errors returned as text naming the statement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace jamfleet::directory {

class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool valid() const { return stmt_ != nullptr; }
    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view text);
    void bind_null(int index);
    // Steps once: true when a row is available. `done` tells apart end and error.
    bool step();
    bool done() const { return done_; }
    bool failed() const { return failed_; }
    // Resets for reuse and clears bindings.
    void reset();
    // Runs to completion; false on error.
    bool run();

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

private:
    sqlite3_stmt* stmt_ = nullptr;
    bool done_ = false;
    bool failed_ = false;
};

class Database {
public:
    Database() = default;
    ~Database();
    Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Database& operator=(Database&&) = delete;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating if missing) read-write; returns an error text on failure.
    std::optional<std::string> open(const std::string& path);
    // Executes one or more statements without results.
    bool exec(std::string_view sql);
    std::string error_message() const;
    bool read_only() const;
    sqlite3* get() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

} // namespace jamfleet::directory
