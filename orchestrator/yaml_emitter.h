// Block-style YAML text of a JSON value, for manifests a human reads (`jamfleet
// export kubernetes`): each document may carry a comment block saying why it is
// the way it is. Strings that could read as another type are double-quoted.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::orchestrator {

// "# line\n" for every line of `comment`, then `value` as a block mapping.
std::string yaml_document(const nlohmann::json& value, const std::string& comment = "");

} // namespace jamfleet::orchestrator
