// The dashboard's action token: read from its file, compared in constant time
// with the `Authorization: Bearer <token>` header of a request.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace jamfleet::web {

// The token is the file's first line, without surrounding white space; an empty
// one is an error ("token file /x: empty").
base::Result<std::string, std::string> read_token_file(const std::string& path);

// Compares every byte whatever the first difference (no early exit), so the time
// taken tells nothing about how much of a guess was right.
bool constant_time_equal(std::string_view a, std::string_view b);

// True when `authorization` is "Bearer <token>" (scheme case-insensitive) with
// exactly `token`; an empty expected token never matches.
bool bearer_matches(std::string_view authorization, std::string_view token);

} // namespace jamfleet::web
