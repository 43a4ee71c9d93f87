// jamfleet-web's client of the supervisor's control socket (RUN_DIR/jamfleet.sock,
// orchestrator/control_socket.h): one JSON request line, one reply line, so
// requests go one at a time in order. Reconnects after the supervisor restarts.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "io/line_client.h"
#include "io/loop.h"
#include "io/timer.h"

namespace jamfleet::web {

class SupervisorLink {
public:
    using Reply = std::function<void(base::Result<nlohmann::json, std::string>)>;

    SupervisorLink(io::Loop& loop, std::string path);
    ~SupervisorLink();
    SupervisorLink(const SupervisorLink&) = delete;
    SupervisorLink& operator=(const SupervisorLink&) = delete;

    // {"command": command, ...args}; the reply or an error after 10 s or a close.
    void ask(const std::string& command, const nlohmann::json& args, Reply done);
    bool connected() const { return client_.connected(); }

private:
    struct Pending {
        std::string line;
        Reply done;
    };
    void connect();
    void send_next();
    void fail_all(const std::string& why);
    void on_line(std::string_view line);

    std::string path_;
    io::LineClient client_;
    io::Timer retry_timer_;
    io::Timer request_timer_;
    bool connecting_ = false;
    bool in_flight_ = false;
    std::deque<Pending> queue_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace jamfleet::web
