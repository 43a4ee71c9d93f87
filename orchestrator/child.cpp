// Child state names and exit descriptions for logs and status.
#include "orchestrator/child.h"

#include <csignal>
#include <cstring>

namespace jamfleet::orchestrator {

std::string label_child_line(std::string_view child_name, std::string_view line) {
    static constexpr std::string_view kLevels[] = {"debug ", "info ", "warn ", "error "};
    bool log_line = false;
    for (auto level : kLevels) {
        if (line.starts_with(level)) {
            const auto colon = line.find(": ", level.size());
            const auto space = line.find(' ', level.size());
            log_line = colon != std::string_view::npos && colon < space;
        }
    }
    if (!log_line) {
        return "[" + std::string(child_name) + "] " + std::string(line);
    }
    // Quoted like base::format_log_line quotes values with spaces or quotes.
    std::string value(child_name);
    if (value.empty() || value.find_first_of(" \"=") != std::string::npos) {
        std::string quoted = "\"";
        for (char c : value) {
            if (c == '"' || c == '\\') {
                quoted += '\\';
            }
            quoted += c;
        }
        value = quoted + "\"";
    }
    return std::string(line) + " child=" + value;
}

void Child::remember_line(std::string_view line) {
    if (first_line.empty() && !line.empty()) {
        first_line = std::string(line.substr(0, 500));
    }
    last_lines.emplace_back(line.substr(0, 500));
    while (last_lines.size() > kLastLines) {
        last_lines.pop_front();
    }
}

std::string describe_exit(std::int64_t exit_status, int term_signal) {
    if (exit_status == io::ChildProcess::kExitUnknown && term_signal == 0) {
        return "exited (status unknown: adopted, not our child)";
    }
    if (term_signal != 0) {
        const char* name = sigabbrev_np(term_signal);
        return "killed by signal " + std::to_string(term_signal) +
               (name != nullptr ? " (SIG" + std::string(name) + ")" : "");
    }
    return "exit status " + std::to_string(exit_status);
}

} // namespace jamfleet::orchestrator
