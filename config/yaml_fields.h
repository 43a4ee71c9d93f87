// Typed, error-collecting access to one YAML mapping: every problem (unknown or
// duplicate key, wrong type, out-of-range value) becomes a ConfigError with the
// line, column and document path, and reading goes on so all errors are reported.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/fleet_config.h"

namespace jamfleet::config {

class ErrorList {
public:
    explicit ErrorList(std::string file) : file_(std::move(file)) {}

    void add(const YAML::Mark& mark, std::string path, std::string message);
    void add(const SourceLocation& where, std::string message);
    const std::string& file() const { return file_; }
    bool empty() const { return errors_.empty(); }
    // Errors sorted by position in the file.
    std::vector<ConfigError> take();

private:
    std::string file_;
    std::vector<ConfigError> errors_;
};

SourceLocation location_of(const YAML::Node& node, std::string path);

// One mapping of the document with its entries in file order.
class MappingReader {
public:
    // Reports a non-mapping node (null counts as an empty mapping), unknown and
    // duplicate keys. `allowed` may be given in several spans (e.g. server + defaults).
    MappingReader(const YAML::Node& node, std::string path, ErrorList& errors,
                  std::initializer_list<std::span<const std::string_view>> allowed);

    bool has(std::string_view key) const { return find(key) != nullptr; }
    // False when the node was something other than a mapping or null (already reported).
    bool valid() const { return valid_; }
    const std::string& path() const { return path_; }
    std::string path_of(std::string_view key) const { return path_ + "/" + std::string(key); }
    SourceLocation location(std::string_view key) const;
    // The value node, or an undefined node when the key is absent.
    YAML::Node node(std::string_view key) const;

    // Each reader leaves `out` unchanged when the key is absent or the value is bad.
    void read_string(std::string_view key, std::string& out) const;
    void read_bool(std::string_view key, bool& out) const;
    void read_int(std::string_view key, long long min, long long max, int& out) const;
    void read_optional_int(std::string_view key, long long min, long long max,
                           std::optional<int>& out) const;
    void read_u32(std::string_view key, std::uint32_t min, std::uint32_t max,
                  std::uint32_t& out) const;
    void read_port(std::string_view key, std::uint16_t& out) const;
    void read_optional_port(std::string_view key, std::optional<std::uint16_t>& out) const;
    // `where` (optional) receives each item's location.
    void read_string_list(std::string_view key, std::vector<std::string>& out,
                          std::vector<SourceLocation>* where = nullptr) const;

private:
    struct Entry {
        std::string key;
        YAML::Node key_node;
        YAML::Node value;
    };
    const Entry* find(std::string_view key) const;
    std::optional<std::string> scalar(const Entry& entry, std::string_view what) const;
    std::optional<long long> integer(const Entry& entry, long long min, long long max) const;

    std::string path_;
    ErrorList& errors_;
    std::vector<Entry> entries_;
    bool valid_ = true;
};

} // namespace jamfleet::config
