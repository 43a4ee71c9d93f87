// Replacing a small state file atomically: write PATH.tmp, fsync it, rename it over PATH, so
// a crash leaves the old content or the new one, never a mix (a room's bans file, the
// fleet's bans file).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace jamfleet::io {

// The file is created with mode 0600. Errors name the file: "PATH: reason".
base::Status<std::string> write_file_atomically(const std::string& path, std::string_view text);

} // namespace jamfleet::io
