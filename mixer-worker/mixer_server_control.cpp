// The room's control socket (the supervisor's channel, and the web child's): the hello, the
// status document the supervisor polls, and the ops registered next to the Jamulus ones.
#include <unistd.h>

#include "io/process_usage.h"
#include "mixer-worker/mixer_server.h"
#include "mixer-worker/room_counters.h"
#include "mixer-worker/session_stats.h"

namespace jamfleet::mixer {

control::Hello MixerServer::control_hello() const {
    control::Hello hello;
    hello.kind = "mixer";
    hello.name = info_.name;
    hello.pid = static_cast<std::int64_t>(::getpid());
    hello.port = port();
    hello.version = std::string(kServerVersion);
    return hello;
}

base::Status<std::string> MixerServer::start_control_endpoint() {
    auto endpoint =
        control::ControlEndpoint::listen(loop_, options_.control_socket, control_hello());
    if (!endpoint.ok()) {
        return base::Err{endpoint.error()};
    }
    control_ = std::move(endpoint).value();
    control_->set_status_provider([this] {
        nlohmann::json clients = nlohmann::json::array();
        for (const auto& c : session_->clients()) {
            clients.push_back(
                {{"id", c.id}, {"address", c.address.to_string()}, {"name", c.profile.name}});
        }
        return nlohmann::json{
            {"clients", std::move(clients)},
            {"port", port()},
            {"registration", drained_        ? std::string("drained")
                             : registration_ ? std::string(to_string(registration_->status()))
                                             : std::string("not_registered")},
            {"tickOverruns", tick_->overruns()},
            {"maxClients", options_.max_channels},
            {"traffic", traffic_counters(socket_, socket6_ ? &*socket6_ : nullptr)},
            {"audio", audio_counters(engine_.stats(), tick_->ticks())},
            {"cpuSeconds", io::process_cpu_seconds()},
            {"drops", drop_counters(*session_)},
            {"admission", admission_counters(*session_)},
            {"relayedToDirectory", relayed_},
        };
    });
    control_->set_on_stop([this] { shutdown(); });
    add_live_settings_op();
    add_drain_op();
    register_moderation_ops();
    register_dashboard_ops();
    return base::kOk;
}

} // namespace jamfleet::mixer
