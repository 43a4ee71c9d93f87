// Journal for registry tests: records every change and can be told to fail.
#pragma once

#include <vector>

#include "directory/registry.h"

namespace jamfleet::directory::testing {

class FakeJournal final : public Journal {
public:
    bool save(const Entry& entry, base::TimePoint) override {
        if (fail) {
            return false;
        }
        saved.push_back(entry);
        return true;
    }
    bool erase(const Entry& entry) override {
        if (fail) {
            return false;
        }
        erased.push_back(entry);
        return true;
    }

    bool fail = false;
    std::vector<Entry> saved;
    std::vector<Entry> erased;
};

inline ServerInfo info_named(std::string name, std::optional<std::string> version = "3.9.1") {
    ServerInfo info;
    info.name = std::move(name);
    info.city = "City";
    info.country = 82;
    info.max_clients = 10;
    info.internal = {0x0a000001, 22124};
    info.os = 2;
    info.version = std::move(version);
    return info;
}

} // namespace jamfleet::directory::testing
