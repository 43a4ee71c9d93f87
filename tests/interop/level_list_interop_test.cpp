// Channel order on the wire, proved with real Jamulus 3.12.4 clients (their client-side channel
// IDs, upstream PR #3426, rely on it): CONN_CLIENTS_LIST in ascending server channel ID and
// CLM_CHANNEL_LEVEL_LIST with one entry per listed client in the same order. A 3.12 client drops
// a level list of the wrong length and files levels under the wrong musician when the order is
// off, so a client that watches `channelLevelListReceived` sees both mistakes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/harness/tone.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto k3124 = JamulusVersion::v3_12_4;

std::vector<ServerKind> level_list_kinds() {
    std::vector<ServerKind> kinds{real_jamulus_kind(k3124)};
    if (auto mixer = jamfleet_mixer_kind()) {
        kinds.push_back(*mixer);
    }
    return kinds;
}

// Index of `name` among the clients sorted by their (client-side) "id": the 3.12 client orders
// its level list that way.
int level_index_of(const json& clients, const std::string& name) {
    std::vector<std::pair<int, std::string>> by_id;
    for (const auto& c : clients) {
        by_id.emplace_back(c["id"].get<int>(), c["name"].get<std::string>());
    }
    std::sort(by_id.begin(), by_id.end());
    for (std::size_t i = 0; i < by_id.size(); ++i) {
        if (by_id[i].second == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

class LevelList : public ::testing::TestWithParam<ServerKind> {};

// Channels 0, 1, 2 join; 0 leaves; a new client takes the free channel 0, so join order
// (1, 2, 0) and channel order (0, 1, 2) differ. Only the newcomer plays: the watcher must see
// three levels with the loud one filed under the newcomer.
TEST_P(LevelList, AscendingChannelOrderKeepsLevelsWithTheirMusician_Clients_3_12_4) {
    TempDir dir("level-list");
    JackServer jack(dir.path(), 128);
    JamulusServer server(dir.path(), GetParam(), {});
    const ClientOptions v3124{.version = k3124};
    auto first = std::make_unique<JamulusClient>(
        dir.path(), jack, "first", ClientProfile{.name = "First"}, server.address(), v3124);
    ASSERT_TRUE(first->wait_for_client_list([](const json& c) { return c.size() == 1; }));
    JamulusClient watcher(dir.path(), jack, "watcher", {.name = "Watcher"}, server.address(),
                          v3124);
    ASSERT_TRUE(watcher.wait_for_client_list([](const json& c) { return c.size() == 2; }));
    JamulusClient third(dir.path(), jack, "third", {.name = "Third"}, server.address(), v3124);
    ASSERT_TRUE(watcher.wait_for_client_list([](const json& c) { return c.size() == 3; }));
    first->stop();
    first.reset();
    ASSERT_TRUE(watcher.wait_for_client_list([](const json& c) { return c.size() == 2; }, 40s))
        << "the first client's channel was never freed";

    ToneSource tone(jack, dir.path(), "tone", 440, 0.5);
    JamulusClient newcomer(dir.path(), jack, "newcomer", {.name = "Newcomer"}, server.address(),
                           v3124);
    ASSERT_TRUE(jack.wait_for_port(newcomer.jack_port("input left")));
    jack.connect(tone.port(), newcomer.jack_port("input left"));
    jack.connect(tone.port(), newcomer.jack_port("input right"));
    const auto seen = watcher.rpc().notifications().size();
    ASSERT_TRUE(watcher.wait_for_client_list(
        [](const json& c) { return c.size() == 3 && level_index_of(c, "Newcomer") >= 0; }));
    const auto clients = watcher.client_list();
    const int loud = level_index_of(clients, "Newcomer");

    int lists = 0;
    const auto heard = watcher.rpc().wait_for_notification(
        "jamulusclient/channelLevelListReceived",
        [&](const json& p) {
            const auto& levels = p["channelLevelList"];
            ++lists;
            if (levels.size() != 3) {
                return false;
            }
            for (int i = 0; i < 3; ++i) {
                const int level = levels[i].get<int>();
                if (i == loud ? level < 5 : level > 1) {
                    return false;
                }
            }
            return true;
        },
        15s, seen);
    EXPECT_TRUE(heard) << lists << " level lists seen, none with the newcomer's tone at index "
                       << loud << " of " << clients.dump();
}

INSTANTIATE_TEST_SUITE_P(ServerKinds, LevelList, ::testing::ValuesIn(level_list_kinds()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace
} // namespace jamfleet::interop
