// RAII wrappers over SQLite connections and prepared statements.
#include "directory/sqlite_handle.h"

#include <sqlite3.h>

#include <utility>

namespace jamfleet::directory {

Statement::Statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), done_(other.done_), failed_(other.failed_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        done_ = other.done_;
        failed_ = other.failed_;
    }
    return *this;
}

void Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
}

void Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
}

bool Statement::step() {
    if (stmt_ == nullptr) {
        failed_ = true;
        return false;
    }
    const int rc = sqlite3_step(stmt_);
    done_ = rc == SQLITE_DONE;
    failed_ = rc != SQLITE_DONE && rc != SQLITE_ROW;
    return rc == SQLITE_ROW;
}

void Statement::reset() {
    if (stmt_ != nullptr) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    done_ = false;
    failed_ = false;
}

bool Statement::run() {
    while (step()) {
    }
    return !failed_;
}

std::int64_t Statement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    const int bytes = sqlite3_column_bytes(stmt_, index);
    return text == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

std::optional<std::string> Database::open(const std::string& path) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        return message;
    }
    sqlite3_extended_result_codes(db_, 1);
    return std::nullopt;
}

bool Database::exec(std::string_view sql) {
    const std::string text(sql);
    return sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::string Database::error_message() const {
    return db_ != nullptr ? sqlite3_errmsg(db_) : "no database";
}

bool Database::read_only() const {
    return sqlite3_db_readonly(db_, "main") == 1;
}

} // namespace jamfleet::directory
