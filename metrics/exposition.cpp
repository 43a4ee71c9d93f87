// Prometheus text format 0.0.4 (prometheus.io, "Exposition formats").
#include "metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace jamfleet::metrics {

std::string escape_label_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string escape_help(const std::string& help) {
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char text[40];
    // Integral counters up to 2^53 print exactly, without an exponent.
    if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
        std::snprintf(text, sizeof text, "%.0f", value);
        return text;
    }
    // The shortest text that reads back as the same double (0.003575, not 0.00357500…01).
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

void write_families(const std::vector<Family>& families, std::string& out) {
    for (const Family& family : families) {
        if (family.samples.empty()) {
            continue;
        }
        out += "# HELP " + family.name + ' ' + escape_help(family.help) + '\n';
        out += "# TYPE " + family.name + ' ' +
               (family.type == MetricType::Counter ? "counter" : "gauge") + '\n';
        for (const Sample& sample : family.samples) {
            out += family.name;
            if (!sample.labels.empty()) {
                out += '{';
                bool first = true;
                for (const auto& [key, value] : sample.labels) {
                    if (!first) {
                        out += ',';
                    }
                    first = false;
                    out += key + "=\"" + escape_label_value(value) + '"';
                }
                out += '}';
            }
            out += ' ' + format_value(sample.value) + '\n';
        }
    }
}

} // namespace jamfleet::metrics
