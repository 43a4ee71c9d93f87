// Reader for a Jamulus `--directoryfile` (jamulus-protocol.md §6.6), so an existing
// Jamulus directory can migrate its list into our store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "directory/registry.h"

namespace jamfleet::directory {

struct ImportedServer {
    Address host;
    ServerInfo info;
};

struct DirectoryFileContents {
    // In the order the Jamulus directory listed them when it wrote the file (the
    // file itself is written last to first, so it is read back to front).
    std::vector<ImportedServer> servers;
    std::vector<std::string> warnings; // skipped lines, one per line with its number
};

DirectoryFileContents parse_directory_file(std::string_view text);

// Standard Base64 (RFC 4648) with optional padding; nullopt on invalid input.
std::optional<std::string> decode_base64(std::string_view text);

// Truncates UTF-8 text to at most `max_units` UTF-16 code units, at a code point boundary.
std::string truncate_utf16_units(std::string_view utf8, std::size_t max_units);

} // namespace jamfleet::directory
