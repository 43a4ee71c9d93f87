// jamfleet-web's I/O shell: the HTTP server, the supervisor link, a control
// client per room and for the directory, the polls that keep the fleet document
// fresh, and the event streams. Routing itself is web/router.h (sans I/O).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/result.h"
#include "control/control_client.h"
#include "control/control_endpoint.h"
#include "io/http_server.h"
#include "io/loop.h"
#include "io/signal_watcher.h"
#include "io/timer.h"
#include "web/fleet_view.h"
#include "web/router.h"
#include "web/supervisor_link.h"

namespace jamfleet::web {

struct WebOptions {
    std::string run_dir;
    std::string supervisor_socket; // default RUN_DIR/jamfleet.sock
    std::string control_socket;    // our own, for the supervisor ("" = none)
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8124;
    std::string token_file;
    io::HttpLimits limits;
    bool help = false;
    bool version = false;
};

// Parses jamfleet-web's command line; errors name the bad option.
base::Result<WebOptions, std::string> parse_web_options(const std::vector<std::string>& args);
std::string web_usage_text();

class WebApp {
public:
    static base::Result<std::unique_ptr<WebApp>, std::string>
    start(io::Loop& loop, WebOptions options, base::Logger log);
    ~WebApp();

    std::uint16_t port() const { return http_->port(); }

private:
    struct RoomLink {
        std::uint16_t port = 0;
        std::unique_ptr<control::ControlClient> control;
    };

    WebApp(io::Loop& loop, WebOptions options, base::Logger log);
    void on_request(const io::HttpRequest& request, std::shared_ptr<io::HttpExchange> exchange);
    void run_call(const ControlCall& call, std::shared_ptr<io::HttpExchange> exchange);
    void serve_metrics(std::shared_ptr<io::HttpExchange> exchange);
    void poll_fleet();
    void on_supervisor_status(nlohmann::json status);
    void sync_room_links();
    void poll_children();
    void poll_levels();
    void rebuild_document();
    void broadcast(const std::string& event, const nlohmann::json& data);
    control::ControlClient* room_control(const std::string& room);
    nlohmann::json own_status() const;
    void shutdown();

    io::Loop& loop_;
    WebOptions options_;
    base::Logger log_;
    std::string token_;
    std::unique_ptr<io::HttpServer> http_;
    std::unique_ptr<control::ControlEndpoint> control_;
    SupervisorLink supervisor_;
    std::map<std::string, RoomLink> rooms_;
    std::unique_ptr<control::ControlClient> directory_;
    FleetData data_;
    nlohmann::json document_;
    std::set<std::string> room_names_;
    std::vector<std::shared_ptr<io::HttpStream>> streams_;
    io::Timer fleet_timer_;
    io::Timer levels_timer_;
    std::unique_ptr<io::SignalWatcher> sigterm_;
    std::unique_ptr<io::SignalWatcher> sigint_;
    std::uint64_t actions_ = 0;
    std::uint64_t refused_actions_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace jamfleet::web
