// Structured one-line logs: `level component: message key=value ...` to stderr
// (or to a sink a test provides), plus a rate limiter for untrusted-input events.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"

namespace jamfleet::base {

enum class LogLevel { Debug, Info, Warn, Error };

std::string_view to_string(LogLevel level);

struct LogField {
    std::string_view key;
    std::string value;

    LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
    LogField(std::string_view k, const char* v) : key(k), value(v) {}
    LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
    template <typename N>
    requires std::is_arithmetic_v<N> LogField(std::string_view k, N v)
        : key(k), value(std::to_string(v)) {}
};

using LogSink = std::function<void(std::string_view line)>;

// Formats one log line; values with spaces or quotes are quoted.
std::string format_log_line(LogLevel level, std::string_view component, std::string_view message,
                            std::initializer_list<LogField> fields);

class Logger {
public:
    // Writes to stderr in the style and from the level the environment selects
    // (base/log_style.h: journal levels under systemd, timestamps elsewhere).
    explicit Logger(std::string component);
    Logger(std::string component, LogLevel min_level);
    Logger(std::string component, LogSink sink, LogLevel min_level = LogLevel::Info);

    void log(LogLevel level, std::string_view message,
             std::initializer_list<LogField> fields = {}) const;
    void debug(std::string_view m, std::initializer_list<LogField> f = {}) const {
        log(LogLevel::Debug, m, f);
    }
    void info(std::string_view m, std::initializer_list<LogField> f = {}) const {
        log(LogLevel::Info, m, f);
    }
    void warn(std::string_view m, std::initializer_list<LogField> f = {}) const {
        log(LogLevel::Warn, m, f);
    }
    void error(std::string_view m, std::initializer_list<LogField> f = {}) const {
        log(LogLevel::Error, m, f);
    }

    // Passes a line formatted elsewhere (a child's, labelled by the supervisor)
    // to this logger's sink, whatever the minimum level.
    void write_line(std::string_view line) const { sink_(line); }

    const std::string& component() const { return component_; }
    void set_min_level(LogLevel level) { min_level_ = level; }

private:
    std::string component_;
    LogSink sink_;
    LogLevel min_level_;
};

// Allows at most one event per interval; counts what it suppressed so the next
// permitted line can report `suppressed=N`.
class RateLimit {
public:
    explicit RateLimit(Duration interval) : interval_(interval) {}

    // Returns true when the caller may log now; `suppressed` receives the number
    // of events dropped since the previous permitted one.
    bool allow(TimePoint now, std::uint64_t& suppressed);

private:
    Duration interval_;
    TimePoint next_{};
    bool started_ = false;
    std::uint64_t suppressed_ = 0;
};

} // namespace jamfleet::base
