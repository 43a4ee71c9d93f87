// Child side of the control channel: listens on the unix socket given with
// --control-socket PATH, greets every connection with a hello, and answers ops
// ("status", "stop", and whatever else the child registers).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/result.h"
#include "control/control_messages.h"
#include "io/line_server.h"
#include "io/loop.h"

namespace jamfleet::control {

class ControlEndpoint {
public:
    using OpHandler =
        std::function<base::Result<nlohmann::json, std::string>(const nlohmann::json&)>;

    // Errors: "control: listen unix /run/jamfleet/main.sock: address already in use (...)".
    static base::Result<std::unique_ptr<ControlEndpoint>, std::string>
    listen(io::Loop& loop, const std::string& path, Hello hello);

    void add_op(std::string op, OpHandler handler) { ops_[std::move(op)] = std::move(handler); }
    // Registers "status".
    void set_status_provider(std::function<nlohmann::json()> status);
    // Registers "stop": replies "stopping", then runs `on_stop` (which may destroy
    // this endpoint).
    void set_on_stop(std::function<void()> on_stop);
    // Updates the hello sent to connections made from now on (e.g. once a port is known).
    // The supervisor's identity (fleet, settings) is kept unless `hello` sets it.
    void set_hello(Hello hello) {
        if (hello.fleet.empty() && hello.settings.empty()) {
            hello.fleet = hello_.fleet;
            hello.settings = hello_.settings;
        }
        hello_ = std::move(hello);
    }
    // Sends an event to every connected supervisor.
    void broadcast_event(const std::string& event, const nlohmann::json& data);

    const std::string& path() const { return server_->path(); }
    std::size_t connection_count() const { return server_->connections().size(); }

private:
    explicit ControlEndpoint(Hello hello) : hello_(std::move(hello)) {}
    void on_line(io::ConnectionId id, std::string_view line);

    Hello hello_;
    std::unique_ptr<io::LineServer> server_;
    std::map<std::string, OpHandler, std::less<>> ops_;
    std::function<void()> on_stop_;
    std::uint64_t bad_requests_ = 0;
    base::RateLimit bad_request_log_{std::chrono::seconds(5)};
    base::SteadyClock clock_;
};

} // namespace jamfleet::control
