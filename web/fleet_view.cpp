#include "web/fleet_view.h"

namespace jamfleet::web {

using nlohmann::json;

namespace {

// `doc[key]` when doc is an object holding it, else null.
json member(const json& doc, const char* key) {
    if (!doc.is_object()) {
        return nullptr;
    }
    const auto it = doc.find(key);
    return it != doc.end() ? *it : json(nullptr);
}

json pick(const json& from, std::initializer_list<const char*> keys) {
    json out = json::object();
    for (const char* key : keys) {
        out[key] = member(from, key);
    }
    return out;
}

json pick_each(const json& list, std::initializer_list<const char*> keys) {
    json out = json::array();
    if (list.is_array()) {
        for (const auto& item : list) {
            out.push_back(pick(item, keys));
        }
    }
    return out;
}

json ban_list(const json& doc) {
    const json bans = member(doc, "bans");
    return bans.is_array() ? pick_each(bans, {"address", "secondsLeft", "reason"}) : json(nullptr);
}

json max_clients(const json& status, const std::string& room) {
    const json rooms = member(member(status, "bandwidth"), "rooms");
    if (rooms.is_array()) {
        for (const auto& r : rooms) {
            if (member(r, "name") == room) {
                return member(r, "maxClients");
            }
        }
    }
    return nullptr;
}

json room_entry(const json& child, const FleetData& data) {
    const std::string name =
        member(child, "name").is_string() ? child["name"].get<std::string>() : std::string();
    const json own = member(child, "child"); // the room's own status document
    json room = pick(child, {"name", "port", "state", "pid", "restarts"});
    room["maxClients"] = max_clients(data.supervisor, name);
    room["registration"] = member(own, "registration");
    const auto it = data.rooms.find(name);
    const RoomData* rd = it != data.rooms.end() ? &it->second : nullptr;
    json clients = rd != nullptr ? member(rd->clients, "clients") : json(nullptr);
    const char* const fields[] = {"id", "name", "instrument", "country", "city", "address"};
    json musicians = json::array();
    if (clients.is_array()) {
        musicians =
            pick_each(clients, {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]});
    } else {
        // Before the first `clients` answer: what the room's status has.
        musicians = pick_each(member(own, "clients"),
                              {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]});
    }
    const json own_clients = member(own, "clients");
    room["clients"] = own_clients.is_array() ? json(own_clients.size())
                      : clients.is_array()   ? json(clients.size())
                                             : json(nullptr);
    room["recording"] = rd != nullptr ? member(rd->clients, "recording") : json(nullptr);
    const json allow = rd != nullptr ? member(rd->bans, "allow") : json(nullptr);
    room["private"] = allow.is_array() ? json(!allow.empty()) : json(nullptr);
    room["allow"] = allow.is_array() ? allow : json(nullptr);
    room["musicians"] = std::move(musicians);
    room["bans"] = rd != nullptr ? ban_list(rd->bans) : json(nullptr);
    return room;
}

std::int64_t number_or_zero(const json& v) {
    return v.is_number() ? v.get<std::int64_t>() : 0;
}

// The server's upstream: each musician receives one stream of the room's clientKbps.
json bandwidth(const json& status, const json& rooms) {
    const json plan = member(status, "bandwidth");
    if (!plan.is_object()) {
        return json{{"nowKbps", nullptr}, {"fullKbps", nullptr}};
    }
    std::int64_t now = 0;
    const json planned = member(plan, "rooms");
    for (const auto& room : rooms) {
        if (!planned.is_array() || !room["clients"].is_number()) {
            continue;
        }
        for (const auto& p : planned) {
            if (member(p, "name") == room["name"]) {
                now +=
                    number_or_zero(member(p, "clientKbps")) * room["clients"].get<std::int64_t>();
            }
        }
    }
    return json{{"nowKbps", now}, {"fullKbps", member(plan, "upstreamKbps")}};
}

} // namespace

std::map<std::string, std::uint16_t> room_ports(const json& supervisor_status) {
    std::map<std::string, std::uint16_t> out;
    const json children = member(supervisor_status, "children");
    if (!children.is_array()) {
        return out;
    }
    for (const auto& child : children) {
        if (member(child, "kind") == "mixer" && member(child, "name").is_string() &&
            member(child, "port").is_number_unsigned()) {
            out[child["name"].get<std::string>()] = child["port"].get<std::uint16_t>();
        }
    }
    return out;
}

json fleet_document(const FleetData& data, const std::string& updated) {
    json rooms = json::array();
    json directory = nullptr;
    const json children = member(data.supervisor, "children");
    if (children.is_array()) {
        for (const auto& child : children) {
            const json kind = member(child, "kind");
            if (kind == "mixer") {
                rooms.push_back(room_entry(child, data));
            } else if (kind == "directory") {
                directory = pick(child, {"name", "port", "state"});
                const json entries = member(data.directory_entries, "entries");
                directory["entries"] =
                    entries.is_array()
                        ? pick_each(entries, {"name", "address", "version", "lastSeen", "source"})
                        : json(nullptr);
                directory["bans"] = ban_list(data.directory_bans);
            }
        }
    }
    json doc{{"fleet", member(data.supervisor, "fleet")},
             {"version", member(data.supervisor, "version")},
             {"updated", data.supervisor.is_object() ? json(updated) : json(nullptr)}};
    doc["bandwidth"] = bandwidth(data.supervisor, rooms);
    doc["rooms"] = std::move(rooms);
    doc["directory"] = std::move(directory);
    doc["fleetBans"] = ban_list(data.fleet_bans);
    return doc;
}

json levels_document(const FleetData& data) {
    json rooms = json::object();
    for (const auto& [name, room] : data.rooms) {
        const json clients = member(room.clients, "clients");
        if (!clients.is_array()) {
            continue;
        }
        json levels = json::array();
        for (const auto& c : clients) {
            levels.push_back(pick(c, {"id", "level"}));
        }
        rooms[name] = std::move(levels);
    }
    return json{{"rooms", std::move(rooms)}};
}

} // namespace jamfleet::web
