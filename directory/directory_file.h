// Reader and writer for a Jamulus `--directoryfile` (docs/protocol.md §6.6): an
// existing Jamulus directory's list migrates into our store, and with --directoryfile
// the list is written back at shutdown the way Jamulus does (src/serverlist.cpp,
// CServerListManager::Save at tag r3_12_4), so the file stays usable by Jamulus.
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

// The file for `servers` given in list order: one line per server,
// "host:port;internal:port;base64 name;base64 city;country;max clients;permanent",
// written last to first as Jamulus writes it (parse_directory_file reads it back).
std::string format_directory_file(const std::vector<ImportedServer>& servers);

// Standard Base64 (RFC 4648) with padding.
std::string encode_base64(std::string_view bytes);

// Standard Base64 (RFC 4648) with optional padding; nullopt on invalid input.
std::optional<std::string> decode_base64(std::string_view text);

// Truncates UTF-8 text to at most `max_units` UTF-16 code units, at a code point boundary.
std::string truncate_utf16_units(std::string_view utf8, std::size_t max_units);

} // namespace jamfleet::directory
