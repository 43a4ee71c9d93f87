// Settings a running mixer takes from its supervisor without a restart, so no
// musician is disconnected: name, city and country (it re-registers with the
// directory at once and getServerProfile answers with them) and the welcome
// message (newcomers get the new one), and whether the jam recorder records.
// Control op "apply_settings":
//   {"serverinfo":"name;city;country","welcome":"text or file name",
//    "recording":true,"fleet":"...","settings":"digest"}
// ("recording" only for a room with a recorder).
// where serverinfo is -o's syntax and welcome -w's; fleet and settings update
// the identity the control hello reports (control_messages.h).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "mixer-worker/registration.h"

namespace jamfleet::mixer {

inline constexpr const char* kOpApplySettings = "apply_settings";
// Control op "drain" {"drain":true|false}: leave the directory's list (unregister)
// so no new musician finds the room while it waits to restart on a new binary, its
// musicians keep playing; false registers again. A restarted mixer registers anew.
inline constexpr const char* kOpDrain = "drain";

struct LiveSettingsUpdate {
    ServerInfo info;
    std::string welcome_message; // resolved: the file's content when it named one
    std::optional<bool> recording;
    std::string fleet;
    std::string settings;
};

// As Jamulus's -w: an argument naming a readable file means its content.
std::string welcome_text(const std::string& argument);

// Errors: "apply_settings: missing string serverinfo", or parse_server_info's.
base::Result<LiveSettingsUpdate, std::string> parse_live_settings(const nlohmann::json& args);

} // namespace jamfleet::mixer
