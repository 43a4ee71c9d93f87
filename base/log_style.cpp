// Log line styles for stderr; see log_style.h.
#include "base/log_style.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace jamfleet::base {
namespace {

// sd-daemon(3): <3> error, <4> warning, <6> info, <7> debug.
char journal_priority(LogLevel level) {
    switch (level) {
    case LogLevel::Debug:
        return '7';
    case LogLevel::Info:
        return '6';
    case LogLevel::Warn:
        return '4';
    case LogLevel::Error:
        return '3';
    }
    return '6';
}

// True when stderr is the journal stream systemd connected (its "dev:ino" is in
// $JOURNAL_STREAM); a pipe or a redirected file inherits the variable but is not it.
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) {
        return false;
    }
    struct stat st {};
    if (::fstat(2, &st) != 0) {
        return false;
    }
    const std::string expected = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                                 std::to_string(static_cast<unsigned long long>(st.st_ino));
    return expected == stream;
}

} // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    if (text == "debug") {
        return LogLevel::Debug;
    }
    if (text == "info") {
        return LogLevel::Info;
    }
    if (text == "warn" || text == "warning") {
        return LogLevel::Warn;
    }
    if (text == "error") {
        return LogLevel::Error;
    }
    return std::nullopt;
}

LogLevel level_of_line(std::string_view line, LogLevel fallback) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) {
        return fallback;
    }
    const auto level = parse_log_level(line.substr(0, space));
    return level && line.substr(0, space) != "warning" ? *level : fallback;
}

LogStyle log_style_from_environment() {
    const char* style = std::getenv(kLogStyleVariable);
    if (style != nullptr && std::string_view(style) == "plain") {
        return LogStyle::Plain;
    }
    return stderr_is_journal() ? LogStyle::Journal : LogStyle::Timestamped;
}

LogLevel log_level_from_environment() {
    const char* level = std::getenv(kLogLevelVariable);
    if (level == nullptr) {
        return LogLevel::Info;
    }
    return parse_log_level(level).value_or(LogLevel::Info);
}

std::string style_log_line(LogStyle style, std::string_view line, long long unix_ms) {
    switch (style) {
    case LogStyle::Plain:
        return std::string(line);
    case LogStyle::Journal:
        return std::string{'<', journal_priority(level_of_line(line, LogLevel::Warn)), '>'} +
               std::string(line);
    case LogStyle::Timestamped:
        break;
    }
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char stamp[40];
    const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ ", static_cast<int>(unix_ms % 1000));
    return std::string(stamp) + std::string(line);
}

LogSink stderr_sink(LogStyle style) {
    return [style](std::string_view line) {
        const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        std::string styled = style_log_line(style, line, now_ms);
        styled += '\n';
        std::fwrite(styled.data(), 1, styled.size(), stderr);
    };
}

} // namespace jamfleet::base
