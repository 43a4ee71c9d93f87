// ControlEndpoint: requests are dispatched by op name; "stop" is special only in
// that its callback runs after the reply went out and may tear everything down.
#include "control/control_endpoint.h"

#include <cstdlib>
#include <exception>

#include "base/log.h"
#include "control/json_nesting.h"

namespace jamfleet::control {

base::Result<std::unique_ptr<ControlEndpoint>, std::string>
ControlEndpoint::listen(io::Loop& loop, const std::string& path, Hello hello) {
    // The supervisor's identity for this process comes from the environment it
    // was started with; the hello echoes it back (control_messages.h).
    for (auto [key, field] :
         {std::pair{kFleetEnv, &hello.fleet}, {kSettingsEnv, &hello.settings}}) {
        if (const char* value = std::getenv(key); value != nullptr && field->empty()) {
            *field = value;
        }
    }
    std::unique_ptr<ControlEndpoint> self(new ControlEndpoint(std::move(hello)));
    auto server = io::LineServer::listen_unix(loop, path);
    if (!server.ok()) {
        return base::Err{"control: " + server.error()};
    }
    self->server_ = std::move(server).value();
    auto* raw = self.get();
    self->server_->set_on_connected(
        [raw](io::ConnectionId id) { raw->server_->send(id, encode(raw->hello_)); });
    self->server_->set_on_line(
        [raw](io::ConnectionId id, std::string_view line) { raw->on_line(id, line); });
    return self;
}

void ControlEndpoint::set_status_provider(std::function<nlohmann::json()> status) {
    add_op(std::string(kOpStatus), [status = std::move(status)](const nlohmann::json&) {
        return base::Result<nlohmann::json, std::string>(status());
    });
}

void ControlEndpoint::set_on_stop(std::function<void()> on_stop) {
    on_stop_ = std::move(on_stop);
}

void ControlEndpoint::broadcast_event(const std::string& event, const nlohmann::json& data) {
    const std::string line = encode(ControlEvent{event, data});
    for (const auto id : server_->connections()) {
        server_->send(id, line);
    }
}

void ControlEndpoint::on_line(io::ConnectionId id, std::string_view line) {
    auto request = json_nesting_within(line)
                       ? decode_request(line)
                       : base::Result<ControlRequest, std::string>(
                             base::Err{std::string("control request: nested too deeply")});
    if (!request.ok()) {
        // Without an id there is nothing to answer; the supervisor is buggy or
        // something else connected: drop the connection (logged at a limited rate).
        ++bad_requests_;
        std::uint64_t suppressed = 0;
        if (bad_request_log_.allow(clock_.now(), suppressed)) {
            base::Logger("control").warn(
                "bad control request, closing",
                {{"error", request.error()}, {"total", bad_requests_}, {"suppressed", suppressed}});
        }
        server_->close(id);
        return;
    }
    ControlResponse response{request->id, false, nullptr, ""};
    if (request->op == kOpStop && on_stop_) {
        response.ok = true;
        response.result = "stopping";
        server_->send(id, encode(response));
        base::Logger("control").info("stop requested");
        auto on_stop = on_stop_; // may destroy *this
        on_stop();
        return;
    }
    const auto op = ops_.find(request->op);
    if (op == ops_.end()) {
        response.error = "unknown op: " + request->op;
    } else {
        try {
            auto result = op->second(request->args);
            if (result.ok()) {
                response.ok = true;
                response.result = std::move(result.value());
            } else {
                response.error = result.error();
            }
        } catch (const std::exception& e) {
            response.error = std::string("op ") + request->op + " failed: " + e.what();
        }
    }
    server_->send(id, encode(response));
}

} // namespace jamfleet::control
