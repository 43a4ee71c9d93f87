// Live settings: parsing the op's arguments, and the op itself (a MixerServer
// member, so it reaches the registration, the session and the control hello).
#include "mixer-worker/live_settings.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "mixer-worker/mixer_server.h"
#include "proto/text.h"

namespace jamfleet::mixer {

std::string welcome_text(const std::string& argument) {
    if (argument.empty()) {
        return {};
    }
    std::ifstream file(argument);
    if (!file) {
        return argument;
    }
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

base::Result<LiveSettingsUpdate, std::string> parse_live_settings(const nlohmann::json& args) {
    const auto text = [&](const char* key, std::string& out) {
        const auto it = args.find(key);
        if (it == args.end() || !it->is_string()) {
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    std::string serverinfo;
    std::string welcome;
    LiveSettingsUpdate update;
    if (!args.is_object() || !text("serverinfo", serverinfo)) {
        return base::Err{std::string("apply_settings: missing string serverinfo")};
    }
    if (!text("welcome", welcome)) {
        return base::Err{std::string("apply_settings: missing string welcome")};
    }
    auto info = parse_server_info(serverinfo);
    if (!info.ok()) {
        return base::Err{"apply_settings: " + info.error()};
    }
    update.info = std::move(info).value();
    update.welcome_message = welcome_text(welcome);
    if (const auto recording = args.find("recording"); recording != args.end()) {
        if (!recording->is_boolean()) {
            return base::Err{std::string("apply_settings: recording must be a boolean")};
        }
        update.recording = recording->get<bool>();
    }
    text("fleet", update.fleet);
    text("settings", update.settings);
    return update;
}

void MixerServer::add_live_settings_op() {
    control_->add_op(
        kOpApplySettings,
        [this](const nlohmann::json& args) -> base::Result<nlohmann::json, std::string> {
            auto update = parse_live_settings(args);
            if (!update.ok()) {
                return base::Err{update.error()};
            }
            info_ = update->info;
            if (registration_) {
                // Re-registers at once, so the directory lists the new name.
                registration_->set_info(info_, clock_.now());
                flush();
            }
            session_->set_welcome_message(
                proto::truncate_utf16(update->welcome_message, proto::kMaxChatUserUnits));
            if (update->recording) {
                // As startRecording / stopRecording.
                recorder_->set_enabled(*update->recording);
                sync_recorder_state();
            }
            control::Hello hello = control_hello();
            hello.fleet = update->fleet;
            hello.settings = update->settings;
            control_->set_hello(std::move(hello));
            log_.info("live settings applied", {{"name", info_.name}, {"city", info_.city}});
            return nlohmann::json{{"name", info_.name}};
        });
}

void MixerServer::add_drain_op() {
    control_->add_op(
        kOpDrain, [this](const nlohmann::json& args) -> base::Result<nlohmann::json, std::string> {
            const auto drain = args.find("drain");
            if (drain == args.end() || !drain->is_boolean()) {
                return base::Err{std::string("drain: missing boolean drain")};
            }
            drained_ = drain->get<bool>();
            if (drained_ && registration_) {
                registration_->unregister();
                flush();
                registration_.reset();
                ++directory_generation_; // a pending resolve must not register again
            } else if (!drained_ && !registration_) {
                start_registration();
            }
            log_.info(drained_ ? "drained: off the directory's list" : "listed again",
                      {{"name", info_.name}});
            return nlohmann::json{{"drained", drained_}};
        });
}

} // namespace jamfleet::mixer
