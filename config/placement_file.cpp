// Reading and atomically writing NAME.placement.yaml.
#include "config/placement_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

namespace jamfleet::config {

std::string placement_path(const std::string& fleet_file) {
    std::filesystem::path path(fleet_file);
    return (path.parent_path() / (path.stem().string() + ".placement.yaml")).string();
}

base::Result<Placement, std::string> read_placement(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return Placement{};
    }
    Placement placement;
    try {
        const YAML::Node root = YAML::LoadFile(path);
        const YAML::Node rooms = root["rooms"];
        if (rooms && !rooms.IsNull()) {
            if (!rooms.IsMap()) {
                return base::Err{path + ": rooms: expected a mapping"};
            }
            for (const auto& entry : rooms) {
                RoomPlacement room;
                room.host = entry.second["host"].as<std::string>();
                room.port = entry.second["port"].as<std::uint16_t>();
                placement[entry.first.as<std::string>()] = room;
            }
        }
    } catch (const YAML::Exception& e) {
        return base::Err{path + ": " + e.what()};
    }
    return placement;
}

std::string placement_yaml(const Placement& placement) {
    YAML::Emitter out;
    out << YAML::Comment("Written by jamfleet check/export: where each room runs. Rooms keep "
                         "their host and port; edit with care (docs/many-hosts.md).");
    out << YAML::BeginMap << YAML::Key << "rooms" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, room] : placement) {
        out << YAML::Key << name << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
            << "host" << YAML::Value << room.host << YAML::Key << "port" << YAML::Value << room.port
            << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

base::Result<bool, std::string> write_placement(const std::string& path,
                                                const Placement& placement) {
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << placement_yaml(placement);
        out.flush();
        if (!out) {
            std::remove(temporary.c_str());
            return base::Err{"write " + temporary + ": " + std::strerror(errno)};
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(temporary.c_str());
        return base::Err{"rename " + temporary + " to " + path + ": " + why};
    }
    return true;
}

base::Result<PlacedFleet, std::vector<ConfigError>> load_placed_fleet(const std::string& file) {
    auto loaded = load_fleet_file(file);
    if (!loaded.ok()) {
        return base::Err{loaded.error()};
    }
    PlacedFleet placed{std::move(loaded).value(), {}, false};
    if (placed.fleet.hosts.empty()) {
        return placed;
    }
    const std::string path = placement_path(file);
    auto previous = read_placement(path);
    if (!previous.ok()) {
        return base::Err{std::vector<ConfigError>{ConfigError{path, 0, 0, "", previous.error()}}};
    }
    placed.placement = place_rooms(placed.fleet, *previous);
    placed.changed = placed.placement.placement != *previous;
    apply_placement(placed.fleet, placed.placement.placement);
    return placed;
}

LoadResult load_fleet_for_run(const std::string& file, const std::string& host) {
    auto placed = load_placed_fleet(file);
    if (!placed.ok()) {
        return base::Err{placed.error()};
    }
    const auto fail = [&](std::string message) {
        return base::Err{std::vector<ConfigError>{ConfigError{file, 0, 0, "", std::move(message)}}};
    };
    if (placed->fleet.hosts.empty()) {
        if (!host.empty()) {
            return fail("--host " + host + " needs a fleet file with hosts:");
        }
        return std::move(placed->fleet);
    }
    if (host.empty()) {
        return fail("this fleet has hosts: run it with --host NAME on each host");
    }
    std::string error;
    FleetConfig part = fleet_for_host(placed->fleet, host, error);
    if (!error.empty()) {
        return fail(error);
    }
    return part;
}

} // namespace jamfleet::config
