// The settings of a room that a running mixer can take without a restart (so
// its musicians stay connected): name, city, country, welcome message, and
// whether its recorder records (norecord). Everything else a room is started
// with (port, bind, max clients, codecs, recording_dir, JSON-RPC …) needs a new
// process. One typed record, compared with
// ==, is what a reload diff uses to tell the two apart.
#pragma once

#include <string>

#include "config/fleet_config.h"

namespace jamfleet::config {

struct LiveRoomSettings {
    std::string name;
    std::string city;
    std::string country; // as in ServerConfig: "", ISO alpha-2 or a Qt5 number
    std::string welcome; // as in ServerOptions: text, HTML or a file name
    bool norecord = false;

    bool operator==(const LiveRoomSettings&) const = default;
};

LiveRoomSettings live_settings(const ServerConfig& server);

// `server` with its live settings replaced by `live`: two servers that differ
// only in live settings are the same once one takes the other's.
ServerConfig with_live_settings(ServerConfig server, const LiveRoomSettings& live);

// Whether `after` differs from `before` only in live settings (and they differ).
bool only_live_settings_differ(const ServerConfig& before, const ServerConfig& after);

} // namespace jamfleet::config
