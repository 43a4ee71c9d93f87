// The world the dashboard's browser test acts in: `jamfleet run` on a fleet with a directory,
// two rooms (main, lesson; both with JSON-RPC) and the web child, a private JACK server for
// real Jamulus clients, and one headless Chromium showing the dashboard with the token entered.
// Built once per test executable (a browser and a fleet take seconds to start).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/interop/fleet/fleet_fixture.h"
#include "tests/interop/harness/jack_server.h"
#include "tests/interop/harness/jamulus.h"
#include "tests/interop/harness/json_rpc_client.h"
#include "tests/interop/harness/temp_dir.h"
#include "tests/interop/web/browser.h"

namespace jamfleet::interop {

inline constexpr std::uint16_t kMainPort = 22124;
inline constexpr std::uint16_t kLessonPort = 22125;

class DashboardWorld {
public:
    DashboardWorld();

    TempDir dir{"dashboard-browser"};
    std::string token;
    std::uint16_t web_port = 0;
    std::uint16_t main_rpc_port = 0;
    std::uint16_t lesson_rpc_port = 0;
    std::unique_ptr<FleetRun> fleet;
    std::unique_ptr<JackServer> jack;
    std::unique_ptr<Browser> browser;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(web_port) + "/"; }
    // Loads the page (retrying while the web child starts) and waits for both rooms.
    void open_dashboard();
    void enter_token(const std::string& value);
    // The names in a room according to the room itself (jamulusserver/getClients).
    std::vector<std::string> room_names(std::uint16_t rpc_port);
    nlohmann::json room_rpc(std::uint16_t rpc_port, const std::string& method);
    // Number of screenshots taken so far, to number them in order.
    int shots = 0;
    // A numbered screenshot; with `css`, that element is scrolled to the top first.
    std::filesystem::path shot(const std::string& name, const std::string& css = "");
};

// CSS selectors and JavaScript expressions for the page's stable ids and data attributes.
std::string room_css(const std::string& room);
std::string musician_css(const std::string& room, const std::string& name);
// The meter's data-level of a musician as a JS expression (-1 when the row is absent).
std::string level_js(const std::string& room, const std::string& name);
std::string exists_js(const std::string& css);
// The text of the room's fact `field` (state, pid, recording, access, ...).
std::string field_js(const std::string& room, const std::string& field);
// The message box's kind ("ok"/"error"/"") and text.
std::string message_kind_js();
std::string message_text_js();

} // namespace jamfleet::interop
