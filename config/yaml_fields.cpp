// Error-collecting readers for YAML mappings (see yaml_fields.h).
#include "config/yaml_fields.h"

#include <algorithm>
#include <charconv>

namespace jamfleet::config {
namespace {

// Small edit distance for "did you mean" hints on misspelt keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

} // namespace

void ErrorList::add(const YAML::Mark& mark, std::string path, std::string message) {
    errors_.push_back(ConfigError{file_, mark.line >= 0 ? mark.line + 1 : 0,
                                  mark.column >= 0 ? mark.column + 1 : 0, std::move(path),
                                  std::move(message)});
}

void ErrorList::add(const SourceLocation& where, std::string message) {
    errors_.push_back(ConfigError{file_, where.line, where.column, where.path, std::move(message)});
}

std::vector<ConfigError> ErrorList::take() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::move(errors_);
}

SourceLocation location_of(const YAML::Node& node, std::string path) {
    const YAML::Mark mark = node.Mark();
    return SourceLocation{mark.line >= 0 ? mark.line + 1 : 0,
                          mark.column >= 0 ? mark.column + 1 : 0, std::move(path)};
}

MappingReader::MappingReader(const YAML::Node& node, std::string path, ErrorList& errors,
                             std::initializer_list<std::span<const std::string_view>> allowed)
    : path_(std::move(path)), errors_(errors) {
    if (!node.IsDefined() || node.IsNull()) {
        return;
    }
    if (!node.IsMap()) {
        errors_.add(node.Mark(), path_.empty() ? "/" : path_, "expected a mapping (key: value)");
        valid_ = false;
        return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key_node = it->first;
        if (!key_node.IsScalar()) {
            errors_.add(key_node.Mark(), path_, "keys must be plain names");
            continue;
        }
        const std::string key = key_node.Scalar();
        const std::string key_path = path_ + "/" + key;
        if (find(key) != nullptr) {
            errors_.add(key_node.Mark(), key_path, "duplicate key '" + key + "'");
            continue;
        }
        bool known = false;
        std::string_view best;
        std::size_t best_distance = 3;
        for (auto list : allowed) {
            for (auto candidate : list) {
                if (candidate == key) {
                    known = true;
                }
                const std::size_t d = edit_distance(lower(key), candidate);
                if (d < best_distance) {
                    best_distance = d;
                    best = candidate;
                }
            }
        }
        if (!known) {
            std::string message = "unknown key '" + key + "'";
            if (!best.empty()) {
                message += " (did you mean '" + std::string(best) + "'?)";
            }
            errors_.add(key_node.Mark(), key_path, std::move(message));
            continue;
        }
        entries_.push_back(Entry{key, key_node, it->second});
    }
}

const MappingReader::Entry* MappingReader::find(std::string_view key) const {
    for (const auto& entry : entries_) {
        if (entry.key == key) {
            return &entry;
        }
    }
    return nullptr;
}

SourceLocation MappingReader::location(std::string_view key) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return SourceLocation{0, 0, path_of(key)};
    }
    // An empty value has no useful mark of its own; point at the key then.
    const bool value_marked = entry->value.IsDefined() && !entry->value.IsNull();
    return location_of(value_marked ? entry->value : entry->key_node, path_of(key));
}

YAML::Node MappingReader::node(std::string_view key) const {
    const Entry* entry = find(key);
    return entry != nullptr ? entry->value : YAML::Node(YAML::NodeType::Undefined);
}

std::optional<std::string> MappingReader::scalar(const Entry& entry, std::string_view what) const {
    if (!entry.value.IsScalar()) {
        errors_.add(location(entry.key), "expected " + std::string(what));
        return std::nullopt;
    }
    return entry.value.Scalar();
}

std::optional<long long> MappingReader::integer(const Entry& entry, long long min,
                                                long long max) const {
    const auto text = scalar(entry, "an integer");
    if (!text) {
        return std::nullopt;
    }
    long long value = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        errors_.add(location(entry.key), "expected an integer, got '" + *text + "'");
        return std::nullopt;
    }
    if (value < min || value > max) {
        errors_.add(location(entry.key), "must be between " + std::to_string(min) + " and " +
                                             std::to_string(max) + ", got " + *text);
        return std::nullopt;
    }
    return value;
}

void MappingReader::read_string(std::string_view key, std::string& out) const {
    if (const Entry* entry = find(key)) {
        if (auto text = scalar(*entry, "a string")) {
            out = std::move(*text);
        }
    }
}

void MappingReader::read_bool(std::string_view key, bool& out) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return;
    }
    const auto text = scalar(*entry, "true or false");
    if (!text) {
        return;
    }
    const std::string value = lower(*text);
    if (value == "true" || value == "yes" || value == "on") {
        out = true;
    } else if (value == "false" || value == "no" || value == "off") {
        out = false;
    } else {
        errors_.add(location(key), "expected true or false, got '" + *text + "'");
    }
}

void MappingReader::read_int(std::string_view key, long long min, long long max, int& out) const {
    if (const Entry* entry = find(key)) {
        if (auto value = integer(*entry, min, max)) {
            out = static_cast<int>(*value);
        }
    }
}

void MappingReader::read_optional_int(std::string_view key, long long min, long long max,
                                      std::optional<int>& out) const {
    if (const Entry* entry = find(key)) {
        if (auto value = integer(*entry, min, max)) {
            out = static_cast<int>(*value);
        }
    }
}

void MappingReader::read_u32(std::string_view key, std::uint32_t min, std::uint32_t max,
                             std::uint32_t& out) const {
    if (const Entry* entry = find(key)) {
        if (auto value = integer(*entry, min, max)) {
            out = static_cast<std::uint32_t>(*value);
        }
    }
}

void MappingReader::read_port(std::string_view key, std::uint16_t& out) const {
    if (const Entry* entry = find(key)) {
        if (auto value = integer(*entry, 1, 65535)) {
            out = static_cast<std::uint16_t>(*value);
        }
    }
}

void MappingReader::read_optional_port(std::string_view key,
                                       std::optional<std::uint16_t>& out) const {
    if (const Entry* entry = find(key)) {
        if (auto value = integer(*entry, 1, 65535)) {
            out = static_cast<std::uint16_t>(*value);
        }
    }
}

void MappingReader::read_string_list(std::string_view key, std::vector<std::string>& out,
                                     std::vector<SourceLocation>* where) const {
    const Entry* entry = find(key);
    if (entry == nullptr || entry->value.IsNull()) {
        return;
    }
    if (!entry->value.IsSequence()) {
        errors_.add(location(key), "expected a list");
        return;
    }
    std::size_t index = 0;
    for (const auto& item : entry->value) {
        const std::string item_path = path_of(key) + "/" + std::to_string(index++);
        if (!item.IsScalar()) {
            errors_.add(item.Mark(), item_path, "expected a string");
            continue;
        }
        out.push_back(item.Scalar());
        if (where != nullptr) {
            where->push_back(location_of(item, item_path));
        }
    }
}

} // namespace jamfleet::config
