#include "web/supervisor_link.h"

namespace jamfleet::web {

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr auto kRetry = std::chrono::milliseconds(500);
constexpr std::size_t kMaxQueued = 64;
} // namespace

SupervisorLink::SupervisorLink(io::Loop& loop, std::string path)
    : path_(std::move(path)), client_(loop, 16u << 20), retry_timer_(loop), request_timer_(loop) {
    client_.set_on_line([this](std::string_view line) { on_line(line); });
    client_.set_on_closed([this] {
        fail_all("supervisor connection closed");
        retry_timer_.start(kRetry, base::Duration::zero(), [this] { connect(); });
    });
    connect();
}

SupervisorLink::~SupervisorLink() {
    *alive_ = false;
}

void SupervisorLink::connect() {
    if (connecting_ || client_.connected()) {
        return;
    }
    connecting_ = true;
    std::weak_ptr<bool> alive = alive_;
    client_.connect_unix(path_, [this, alive](base::Status<std::string> result) {
        if (alive.expired()) {
            return;
        }
        connecting_ = false;
        if (!result.ok()) {
            fail_all("supervisor: " + result.error());
            retry_timer_.start(kRetry, base::Duration::zero(), [this] { connect(); });
            return;
        }
        send_next();
    });
}

void SupervisorLink::ask(const std::string& command, const nlohmann::json& args, Reply done) {
    if (queue_.size() >= kMaxQueued) {
        done(base::Err{std::string("supervisor: too many requests queued")});
        return;
    }
    nlohmann::json request = args.is_object() ? args : nlohmann::json::object();
    request["command"] = command;
    queue_.push_back(Pending{request.dump(), std::move(done)});
    if (!client_.connected()) {
        connect();
        return;
    }
    send_next();
}

void SupervisorLink::send_next() {
    if (in_flight_ || queue_.empty() || !client_.connected()) {
        return;
    }
    in_flight_ = true;
    client_.send(queue_.front().line);
    request_timer_.start(kRequestTimeout, base::Duration::zero(), [this] {
        // A reply that never came: the connection is out of step; start over.
        client_.close();
    });
}

void SupervisorLink::on_line(std::string_view line) {
    if (!in_flight_ || queue_.empty()) {
        return;
    }
    request_timer_.stop();
    in_flight_ = false;
    Pending done = std::move(queue_.front());
    queue_.pop_front();
    auto reply = nlohmann::json::parse(line, nullptr, false);
    std::weak_ptr<bool> alive = alive_;
    if (reply.is_discarded()) {
        done.done(base::Err{std::string("supervisor: reply is not JSON")});
    } else {
        done.done(std::move(reply));
    }
    if (!alive.expired()) {
        send_next();
    }
}

void SupervisorLink::fail_all(const std::string& why) {
    request_timer_.stop();
    in_flight_ = false;
    auto pending = std::move(queue_);
    queue_.clear();
    for (auto& p : pending) {
        p.done(base::Err{why});
    }
}

} // namespace jamfleet::web
