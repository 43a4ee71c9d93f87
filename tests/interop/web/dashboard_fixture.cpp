// DashboardWorld: one fleet with the web child, one browser, for every browser scenario.
#include "tests/interop/web/dashboard_fixture.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "tests/interop/harness/net.h"
#include "tests/interop/harness/wait.h"

namespace jamfleet::interop {
namespace {

using namespace std::chrono_literals;

constexpr const char* kRoomSecret = "dashboard-browser-secret-0123456789";

std::filesystem::path screenshot_dir() {
    const char* dir = std::getenv("JAMFLEET_SCREENSHOT_DIR");
    if (dir == nullptr || *dir == '\0') {
        throw std::runtime_error("JAMFLEET_SCREENSHOT_DIR is not set (meson sets it to "
                                 "build/meson-logs/web-screenshots)");
    }
    return dir;
}

std::uint16_t another_tcp_port(std::initializer_list<std::uint16_t> taken) {
    while (true) {
        const std::uint16_t port = free_tcp_port();
        if (std::find(taken.begin(), taken.end(), port) == taken.end()) {
            return port;
        }
    }
}

} // namespace

DashboardWorld::DashboardWorld() {
    token = "dashboard-test-token-" + std::to_string(::getpid()) + "-5f0c9a7e31d24b68";
    web_port = another_tcp_port({});
    main_rpc_port = another_tcp_port({web_port});
    lesson_rpc_port = another_tcp_port({web_port, main_rpc_port});
    std::ofstream(dir / "secret.txt") << kRoomSecret << "\n";
    { std::ofstream(dir / "web.token") << token << "\n"; }
    ::chmod((dir / "web.token").c_str(), 0600);
    std::ofstream(dir / "fleet.yaml")
        << "fleet: {name: Dashboard School, bind: 127.0.0.1, run_dir: ./var/run}\n"
           "directory: {port: 22123, database: ./var/dir.db}\n"
           "web: {bind: 127.0.0.1, port: "
        << web_port
        << ", token_file: ./web.token}\n"
           "servers:\n"
           "  - {name: main, port: "
        << kMainPort << ", max_clients: 8, recording_dir: ./rec-main, norecord: true,\n"
        << "     jsonrpc_port: " << main_rpc_port
        << ", jsonrpc_secret_file: ./secret.txt}\n"
           "  - {name: lesson, port: "
        << kLessonPort << ", max_clients: 4, jsonrpc_port: " << lesson_rpc_port
        << ", jsonrpc_secret_file: ./secret.txt}\n";
    fleet = std::make_unique<FleetRun>(dir.path(), dir / "fleet.yaml");
    if (!wait_until([&] { return fleet->pid_of("main") > 0 && fleet->pid_of("lesson") > 0; }, 20s,
                    200ms)) {
        throw std::runtime_error("the fleet's rooms did not start:\n" +
                                 fleet->process().log_text());
    }
    jack = std::make_unique<JackServer>(dir.path(), 128);
    // The folder holds this test's screenshots only: those of an earlier run go first, so
    // the numbered files all come from one run.
    std::filesystem::remove_all(screenshot_dir());
    browser = std::make_unique<Browser>(dir / "browser", screenshot_dir());
    open_dashboard();
    enter_token(token);
}

void DashboardWorld::open_dashboard() {
    const bool loaded = wait_until(
        [&] {
            browser->open(url());
            return browser->js("!!document.getElementById('rooms')").get<bool>();
        },
        20s, 300ms);
    if (!loaded) {
        throw std::runtime_error("the dashboard never loaded from " + url() + "\n" +
                                 fleet->process().log_text());
    }
    browser->wait(exists_js(room_css("main")) + " && " + exists_js(room_css("lesson")), 15s);
}

void DashboardWorld::enter_token(const std::string& value) {
    browser->type("#token", value);
    browser->click("#token-save");
    browser->wait("sessionStorage.getItem('jamfleet.token') === " + js_string(value), 5s);
}

nlohmann::json DashboardWorld::room_rpc(std::uint16_t rpc_port, const std::string& method) {
    JsonRpcClient rpc(rpc_port, kRoomSecret);
    return rpc.call(method);
}

std::vector<std::string> DashboardWorld::room_names(std::uint16_t rpc_port) {
    std::vector<std::string> names;
    const nlohmann::json result = room_rpc(rpc_port, "jamulusserver/getClients");
    for (const auto& c : result["clients"]) {
        names.push_back(c.value("name", ""));
    }
    return names;
}

std::filesystem::path DashboardWorld::shot(const std::string& name, const std::string& css) {
    if (!css.empty()) {
        browser->js("document.querySelector(" + js_string(css) +
                    ").scrollIntoView({block: 'start'})");
    }
    ++shots;
    const std::string number = (shots < 10 ? "0" : "") + std::to_string(shots);
    return browser->screenshot(number + "-" + name);
}

std::string room_css(const std::string& room) {
    return "[data-room=" + js_string(room) + "]";
}

std::string musician_css(const std::string& room, const std::string& name) {
    return room_css(room) + " [data-musician=" + js_string(name) + "]";
}

std::string exists_js(const std::string& css) {
    return "!!document.querySelector(" + js_string(css) + ")";
}

std::string level_js(const std::string& room, const std::string& name) {
    const std::string css = musician_css(room, name) + " .meter";
    return "(document.querySelector(" + js_string(css) + ") ? Number(document.querySelector(" +
           js_string(css) + ").dataset.level) : -1)";
}

std::string field_js(const std::string& room, const std::string& field) {
    const std::string css = room_css(room) + " [data-field=" + js_string(field) + "]";
    return "(document.querySelector(" + js_string(css) + ") || {}).textContent";
}

std::string message_kind_js() {
    return "(document.getElementById('message').dataset.kind || '')";
}

std::string message_text_js() {
    return "document.getElementById('message').textContent";
}

} // namespace jamfleet::interop
