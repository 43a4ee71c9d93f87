// Control ops behind the web dashboard (docs/web.md): `clients` (who is in the
// room, with each channel's live level), `recording {action}` and `chat {text}`.
// The level is what the tick's level list last computed (AudioEngine::level):
// reading it allocates nothing in the tick.
#include <nlohmann/json.hpp>

#include "mixer-worker/mixer_server.h"
#include "proto/country.h"
#include "proto/instrument.h"
#include "proto/text.h"

namespace jamfleet::mixer {

using base::Err;
using nlohmann::json;

namespace {

json text_or_null(std::string_view text) {
    return text.empty() ? json(nullptr) : json(std::string(text));
}

} // namespace

base::Result<json, std::string> MixerServer::recording_action(std::string_view action) {
    if (action == "start" || action == "stop") {
        recorder_->set_enabled(action == "start");
        sync_recorder_state();
    } else if (action == "new") {
        recorder_->restart_session();
    } else {
        return Err{std::string("action is not start, stop or new")};
    }
    const auto status = recorder_->status();
    if (!status.initialised) {
        return Err{"the room has no recorder set up (recording_dir)" +
                   (status.error_message.empty() ? std::string() : ": " + status.error_message)};
    }
    return json{{"state", std::string(recorder::to_string(recorder_->state()))},
                {"enabled", status.enabled}};
}

void MixerServer::register_dashboard_ops() {
    control_->add_op("clients", [this](const json&) -> base::Result<json, std::string> {
        json clients = json::array();
        for (const auto& c : session_->clients()) {
            const auto country = c.profile.country != proto::kAnyCountry
                                     ? proto::country_name(c.profile.country)
                                     : std::string_view();
            clients.push_back(
                json{{"id", c.id},
                     {"name", c.profile.name},
                     {"instrument", text_or_null(proto::instrument_name(c.profile.instrument))},
                     {"country", text_or_null(country)},
                     {"city", text_or_null(c.profile.city)},
                     {"address", c.address.to_string()},
                     {"level", engine_.level(c.id)}});
        }
        const auto status = recorder_->status();
        return json{{"clients", std::move(clients)},
                    {"recording",
                     {{"enabled", status.enabled},
                      {"state", std::string(recorder::to_string(recorder_->state()))}}}};
    });
    control_->add_op("recording", [this](const json& args) -> base::Result<json, std::string> {
        const auto it = args.find("action");
        if (it == args.end() || !it->is_string()) {
            return Err{std::string("action is not a string")};
        }
        return recording_action(it->get<std::string>());
    });
    control_->add_op("chat", [this](const json& args) -> base::Result<json, std::string> {
        const auto it = args.find("text");
        const std::string text = it != args.end() && it->is_string() ? it->get<std::string>() : "";
        const auto units = proto::utf16_length(text);
        if (text.empty() || !units || *units > proto::kMaxChatUserUnits) {
            return Err{"text is missing, not UTF-8 or over " +
                       std::to_string(proto::kMaxChatUserUnits) + " characters"};
        }
        return json{{"sent", broadcast_server_chat(text)}};
    });
}

} // namespace jamfleet::mixer
