// Supervisor side of the control channel: connects to a child's unix socket,
// reconnecting with backoff (the child may still be starting, or the supervisor
// was restarted while children kept running), and correlates requests by id.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "control/control_messages.h"
#include "io/line_client.h"
#include "io/loop.h"
#include "io/timer.h"

namespace jamfleet::control {

struct ControlClientOptions {
    base::Duration reconnect_min = std::chrono::milliseconds(50);
    base::Duration reconnect_max = std::chrono::seconds(2);
    base::Duration request_timeout = std::chrono::seconds(5);
};

class ControlClient {
public:
    // Either the child's result, or an error: the child's own error text, or
    // "control PATH: timed out after 5000 ms" / "control PATH: connection closed".
    using ResponseCallback = std::function<void(base::Result<nlohmann::json, std::string>)>;

    ControlClient(io::Loop& loop, std::string path, ControlClientOptions options = {});
    // Pending requests are dropped without callbacks.
    ~ControlClient();
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    // Starts (re)connecting until stop() or destruction.
    void start();
    void stop();

    // Handlers may destroy the client.
    void set_on_hello(std::function<void(const Hello&)> fn) { on_hello_ = std::move(fn); }
    void set_on_event(std::function<void(const ControlEvent&)> fn) { on_event_ = std::move(fn); }
    void set_on_disconnected(std::function<void()> fn) { on_disconnected_ = std::move(fn); }

    // False (and no callback) when not connected.
    bool request(const std::string& op, nlohmann::json args, ResponseCallback done);

    // Connected and greeted.
    bool ready() const { return hello_.has_value() && client_.connected(); }
    const std::optional<Hello>& hello() const { return hello_; }
    const std::string& path() const { return path_; }

private:
    struct Pending {
        ResponseCallback done;
        std::unique_ptr<io::Timer> timeout;
    };

    void connect();
    void schedule_reconnect();
    void on_line(std::string_view line);
    void on_closed();
    void finish(std::uint64_t id, base::Result<nlohmann::json, std::string> result);

    io::Loop& loop_;
    std::string path_;
    ControlClientOptions options_;
    io::LineClient client_;
    io::Timer reconnect_timer_;
    base::Duration backoff_;
    bool running_ = false;
    std::optional<Hello> hello_;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, Pending> pending_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::function<void(const Hello&)> on_hello_;
    std::function<void(const ControlEvent&)> on_event_;
    std::function<void()> on_disconnected_;
};

} // namespace jamfleet::control
