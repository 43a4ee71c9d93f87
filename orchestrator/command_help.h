// `jamfleet COMMAND --help`: one text per sub-command, saying what it does, its
// arguments and its exit codes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jamfleet::orchestrator {

// The help text of `command`, or nothing for an unknown command.
std::optional<std::string> command_help(std::string_view command);

} // namespace jamfleet::orchestrator
