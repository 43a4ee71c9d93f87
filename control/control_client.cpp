// ControlClient: one LineClient reused across reconnects; every pending request
// ends exactly once: response, timeout or connection loss.
#include "control/control_client.h"

#include <algorithm>
#include <chrono>

#include "base/log.h"

namespace jamfleet::control {

ControlClient::ControlClient(io::Loop& loop, std::string path, ControlClientOptions options)
    : loop_(loop), path_(std::move(path)), options_(options), client_(loop), reconnect_timer_(loop),
      backoff_(options.reconnect_min) {
    client_.set_on_line([this](std::string_view line) { on_line(line); });
    client_.set_on_closed([this] { on_closed(); });
}

ControlClient::~ControlClient() {
    *alive_ = false;
}

void ControlClient::start() {
    if (running_) {
        return;
    }
    running_ = true;
    backoff_ = options_.reconnect_min;
    connect();
}

void ControlClient::stop() {
    running_ = false;
    reconnect_timer_.stop();
    client_.close();
}

void ControlClient::connect() {
    client_.connect_unix(path_, [this](base::Status<std::string> result) {
        if (!result.ok()) {
            // Normal while the child starts up: debug level only.
            base::Logger("control").debug("connect failed", {{"error", result.error()}});
            schedule_reconnect();
            return;
        }
        backoff_ = options_.reconnect_min;
    });
}

void ControlClient::schedule_reconnect() {
    if (!running_) {
        return;
    }
    reconnect_timer_.start(backoff_, base::Duration::zero(), [this] {
        if (running_ && !client_.connected()) {
            connect();
        }
    });
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
}

bool ControlClient::request(const std::string& op, nlohmann::json args, ResponseCallback done) {
    if (!client_.connected()) {
        return false;
    }
    const std::uint64_t id = next_id_++;
    if (!client_.send(encode(ControlRequest{id, op, std::move(args)}))) {
        return false;
    }
    auto timer = std::make_unique<io::Timer>(loop_);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.request_timeout);
    timer->start(options_.request_timeout, base::Duration::zero(), [this, id, ms] {
        finish(id, base::Err{"control " + path_ + ": timed out after " +
                             std::to_string(ms.count()) + " ms"});
    });
    pending_.emplace(id, Pending{std::move(done), std::move(timer)});
    return true;
}

void ControlClient::finish(std::uint64_t id, base::Result<nlohmann::json, std::string> result) {
    const auto it = pending_.find(id);
    if (it == pending_.end()) {
        return;
    }
    // Destroying the timer from inside its own callback is safe (io::Timer contract).
    auto done = std::move(it->second.done);
    pending_.erase(it);
    if (done) {
        done(std::move(result));
    }
}

void ControlClient::on_line(std::string_view line) {
    auto message = decode_child_message(line);
    if (!message.ok()) {
        base::Logger("control").warn("bad control message",
                                     {{"path", path_}, {"error", message.error()}});
        return;
    }
    if (auto* hello = std::get_if<Hello>(&*message)) {
        hello_ = *hello;
        if (auto fn = on_hello_) {
            fn(*hello_);
        }
    } else if (auto* response = std::get_if<ControlResponse>(&*message)) {
        if (response->ok) {
            finish(response->id, std::move(response->result));
        } else {
            finish(response->id, base::Err{response->error});
        }
    } else if (auto* event = std::get_if<ControlEvent>(&*message)) {
        if (auto fn = on_event_) {
            fn(*event);
        }
    }
}

void ControlClient::on_closed() {
    hello_.reset();
    std::weak_ptr<bool> alive = alive_;
    // Fail what is pending; each callback may destroy us, so re-check every time.
    while (!alive.expired() && !pending_.empty()) {
        finish(pending_.begin()->first, base::Err{"control " + path_ + ": connection closed"});
    }
    if (alive.expired()) {
        return;
    }
    if (auto fn = on_disconnected_) {
        fn();
        if (alive.expired()) {
            return;
        }
    }
    schedule_reconnect();
}

} // namespace jamfleet::control
