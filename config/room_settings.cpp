// Live room settings (see room_settings.h).
#include "config/room_settings.h"

namespace jamfleet::config {

LiveRoomSettings live_settings(const ServerConfig& server) {
    return LiveRoomSettings{server.name, server.city, server.country, server.options.welcome,
                            server.options.norecord};
}

ServerConfig with_live_settings(ServerConfig server, const LiveRoomSettings& live) {
    server.name = live.name;
    server.city = live.city;
    server.country = live.country;
    server.options.welcome = live.welcome;
    server.options.norecord = live.norecord;
    return server;
}

bool only_live_settings_differ(const ServerConfig& before, const ServerConfig& after) {
    return live_settings(before) != live_settings(after) &&
           with_live_settings(before, live_settings(after)).same_settings(after);
}

} // namespace jamfleet::config
