// Log line formatting and the default stderr sink; see log.h.
#include "base/log.h"

#include "base/log_style.h"

namespace jamfleet::base {

std::string_view to_string(LogLevel level) {
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warn:
        return "warn";
    case LogLevel::Error:
        return "error";
    }
    return "info";
}

namespace {

bool needs_quotes(std::string_view v) {
    if (v.empty())
        return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t')
            return true;
    return false;
}

void append_value(std::string& out, std::string_view v) {
    if (!needs_quotes(v)) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += '"';
}

} // namespace

std::string format_log_line(LogLevel level, std::string_view component, std::string_view message,
                            std::initializer_list<LogField> fields) {
    std::string line;
    line.reserve(64 + message.size());
    line += to_string(level);
    line += ' ';
    line += component;
    line += ": ";
    for (char c : message)
        line += (c == '\n') ? ' ' : c;
    for (const auto& f : fields) {
        line += ' ';
        line += f.key;
        line += '=';
        append_value(line, f.value);
    }
    return line;
}

Logger::Logger(std::string component)
    : Logger(std::move(component), stderr_sink(log_style_from_environment()),
             log_level_from_environment()) {}

Logger::Logger(std::string component, LogLevel min_level)
    : Logger(std::move(component), stderr_sink(log_style_from_environment()), min_level) {}

Logger::Logger(std::string component, LogSink sink, LogLevel min_level)
    : component_(std::move(component)), sink_(std::move(sink)), min_level_(min_level) {}

void Logger::log(LogLevel level, std::string_view message,
                 std::initializer_list<LogField> fields) const {
    if (level < min_level_)
        return;
    sink_(format_log_line(level, component_, message, fields));
}

bool RateLimit::allow(TimePoint now, std::uint64_t& suppressed) {
    if (started_ && now < next_) {
        ++suppressed_;
        return false;
    }
    started_ = true;
    next_ = now + interval_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
}

} // namespace jamfleet::base
