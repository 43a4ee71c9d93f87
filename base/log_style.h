// How log lines reach stderr. Under systemd (stderr is the journal stream named by
// $JOURNAL_STREAM) each line starts with its sd-daemon(3) level `<N>` so the
// journal keeps levels and adds its own timestamps; elsewhere lines start with a
// UTC timestamp; a child of the supervisor writes plain lines, which the
// supervisor labels and styles (it sets $JAMFLEET_LOG_STYLE=plain for them).
// The minimum level comes from $JAMFLEET_LOG_LEVEL, which `--log-level` sets, so
// the children of `jamfleet --log-level debug run` log at debug too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/log.h"

namespace jamfleet::base {

enum class LogStyle { Plain, Timestamped, Journal };

inline constexpr const char* kLogStyleVariable = "JAMFLEET_LOG_STYLE";
inline constexpr const char* kLogLevelVariable = "JAMFLEET_LOG_LEVEL";

// "debug", "info", "warn"/"warning", "error".
std::optional<LogLevel> parse_log_level(std::string_view text);

// The level a formatted line starts with ("warn mixer: ..."); `fallback` for any
// other text (a child's crash message, say).
LogLevel level_of_line(std::string_view line, LogLevel fallback);

LogStyle log_style_from_environment();
LogLevel log_level_from_environment();

// `unix_ms` is the wall-clock time in milliseconds, for the timestamp.
std::string style_log_line(LogStyle style, std::string_view line, long long unix_ms);

// A sink writing styled lines to stderr.
LogSink stderr_sink(LogStyle style);

} // namespace jamfleet::base
