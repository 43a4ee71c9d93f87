// Writer of the Prometheus text exposition format 0.0.4: metric families (HELP, TYPE,
// samples) with escaped label values. Knows nothing about jamfleet's documents.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace jamfleet::metrics {

enum class MetricType { Counter, Gauge };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
    Labels labels;
    double value = 0;
};

struct Family {
    std::string name; // full name, e.g. "jamfleet_room_clients"
    std::string help;
    MetricType type = MetricType::Gauge;
    std::vector<Sample> samples;

    void add(Labels labels, double value) { samples.push_back(Sample{std::move(labels), value}); }
};

// "a\"b" for a"b: backslash, double quote and line feed escaped (label values).
std::string escape_label_value(const std::string& value);
// HELP text: backslash and line feed escaped.
std::string escape_help(const std::string& help);
// A sample value: integers without exponent or fraction, others with full precision,
// NaN and ±Inf as the format spells them.
std::string format_value(double value);

// Appends `# HELP`, `# TYPE` and every sample of each family, in order. A family without
// samples is left out (a fleet without a directory has no directory families).
void write_families(const std::vector<Family>& families, std::string& out);

} // namespace jamfleet::metrics
