// JSON-RPC methods of jamfleet-mixer: Jamulus's server methods (3.11 shapes,
// docs/protocol.md §8.4; 3.12/4.0 additions in rpc_directory.cpp and rpc_chat.cpp) plus
// jamfleet/getStats. docs/jsonrpc.md has the whole table.
#include <nlohmann/json.hpp>

#include "io/process_usage.h"
#include "mixer-worker/mixer_server.h"
#include "mixer-worker/room_counters.h"
#include "mixer-worker/session_stats.h"
#include "proto/country.h"
#include "proto/text.h"

namespace jamfleet::mixer {

using base::Err;
using control::RpcError;
using nlohmann::json;

namespace {

base::Result<json, RpcError> ok_string() {
    return json("ok");
}

base::Result<json, RpcError> acknowledged() {
    return json("acknowledged");
}

} // namespace

void MixerServer::register_rpc_methods() {
    rpc_->add_method("jamulus/getMode", [](const json&) -> base::Result<json, RpcError> {
        return json{{"mode", "server"}};
    });
    rpc_->add_method("jamulus/getVersion", [](const json&) -> base::Result<json, RpcError> {
        return json{{"version", std::string(kServerVersion)}};
    });
    rpc_->add_method(
        "jamulusserver/getClients", [this](const json&) -> base::Result<json, RpcError> {
            json clients = json::array();
            for (const auto& c : session_->clients()) {
                clients.push_back(json{
                    {"id", c.id},
                    {"address", c.address.to_string()},
                    {"name", c.profile.name},
                    {"jitterBufferSize", c.jitter_size},
                    {"channels", c.channels},
                    {"instrumentCode", c.profile.instrument},
                    {"city", c.profile.city},
                    // Qt 5's English name, as Jamulus 3.10+ ("Default" for none).
                    {"countryName", std::string(proto::country_name(c.profile.country))},
                    {"skillLevelCode", c.profile.skill},
                });
            }
            const auto count = clients.size();
            return json{{"clients", std::move(clients)}, {"connections", count}};
        });
    rpc_->add_method("jamulusserver/getServerProfile",
                     [this](const json&) -> base::Result<json, RpcError> {
                         const auto status = registration_ ? registration_->status()
                                                           : RegistrationStatus::NotRegistered;
                         const ServerInfo& info = registration_ ? registration_->info() : info_;
                         // 3.9.1 calls the key directoryServer, 3.10+ directory: give both.
                         return json{{"name", info.name},
                                     {"city", info.city},
                                     {"countryId", info.country},
                                     {"welcomeMessage", session_->welcome_message()},
                                     {"directoryServer", directory_text_},
                                     {"directory", directory_text_},
                                     // 3.12: the type ("none", "custom", a genre) and the
                                     // custom address (rpc_directory.cpp).
                                     {"directoryType", directory_type_},
                                     {"directoryAddress", directory_address_},
                                     {"registrationStatus", std::string(to_string(status))}};
                     });
    rpc_->add_method("jamulusserver/getRecorderStatus",
                     [this](const json&) -> base::Result<json, RpcError> {
                         const auto st = recorder_->status();
                         return json{{"initialised", st.initialised},
                                     {"errorMessage", st.error_message},
                                     {"enabled", st.enabled},
                                     {"recordingDirectory", st.recording_directory}};
                     });
    rpc_->add_method("jamulusserver/setRecordingDirectory",
                     [this](const json& params) -> base::Result<json, RpcError> {
                         const auto it = params.find("recordingDirectory");
                         if (it == params.end() || !it->is_string()) {
                             return Err{control::rpc_param_not_string("recordingDirectory")};
                         }
                         recorder_->set_directory(it->get<std::string>());
                         sync_recorder_state();
                         return acknowledged();
                     });
    // As Jamulus, these acknowledge even when no recorder is set up.
    for (const auto& [method, action] : {std::pair{"jamulusserver/startRecording", "start"},
                                         {"jamulusserver/stopRecording", "stop"},
                                         {"jamulusserver/restartRecording", "new"}}) {
        rpc_->add_method(method, [this, a = action](const json&) -> base::Result<json, RpcError> {
            (void)recording_action(a);
            return acknowledged();
        });
    }
    rpc_->add_method("jamulusserver/setServerName",
                     [this](const json& params) -> base::Result<json, RpcError> {
                         const auto it = params.find("serverName");
                         if (it == params.end() || !it->is_string()) {
                             return Err{control::rpc_param_not_string("serverName")};
                         }
                         // Not truncated, as Jamulus (directories reject names over 20).
                         info_.name = it->get<std::string>();
                         if (registration_) {
                             ServerInfo info = registration_->info();
                             info.name = info_.name;
                             registration_->set_info(std::move(info), clock_.now());
                             flush();
                         }
                         return ok_string();
                     });
    rpc_->add_method("jamulusserver/setWelcomeMessage",
                     [this](const json& params) -> base::Result<json, RpcError> {
                         const auto it = params.find("welcomeMessage");
                         if (it == params.end() || !it->is_string()) {
                             return Err{control::rpc_param_not_string("welcomeMessage")};
                         }
                         session_->set_welcome_message(proto::truncate_utf16(
                             it->get<std::string>(), proto::kMaxChatUserUnits));
                         return ok_string();
                     });
    rpc_->add_method("jamfleet/getStats", [this](const json&) -> base::Result<json, RpcError> {
        json drops = drop_counters(*session_);
        json jitter = json::array();
        for (const auto& c : session_->clients()) {
            jitter.push_back(json{{"id", c.id},
                                  {"size", engine_.jitter_size(c.id)},
                                  {"auto", engine_.jitter_auto(c.id)}});
        }
        const AudioStats& a = engine_.stats();
        const recorder::RecorderStats r = recorder_->stats();
        const json recording{{"state", std::string(recorder::to_string(recorder_->state()))},
                             {"framesEnqueued", r.frames_enqueued},
                             {"framesDropped", r.frames_dropped},
                             {"framesWritten", r.frames_written},
                             {"filesCreated", r.files_created},
                             {"sessions", r.sessions_started},
                             {"failures", r.failures}};
        return json{{"clients", session_->connected_count()},
                    {"drops", std::move(drops)},
                    {"admission", admission_counters(*session_)},
                    {"ticks", tick_->ticks()},
                    {"tickOverruns", tick_->overruns()},
                    {"missedTicks", tick_->missed_ticks()},
                    {"framesDecoded", a.frames_decoded},
                    {"framesConcealed", a.frames_concealed},
                    {"framesEncoded", a.frames_encoded},
                    {"encodeGroups", a.encode_groups},
                    {"parallelTicks", a.parallel_ticks},
                    {"packetsSent", a.packets_sent},
                    {"jitterPutDrops", a.jitter_put_drops},
                    {"wrongSizePackets", a.wrong_size_packets},
                    {"jitterResizes", a.jitter_resizes},
                    {"traffic", traffic_counters(socket_, socket6_ ? &*socket6_ : nullptr)},
                    {"cpuSeconds", io::process_cpu_seconds()},
                    {"sendErrors", socket_.send_errors()},
                    {"jitterBuffers", std::move(jitter)},
                    {"recorder", recording}};
    });
}

} // namespace jamfleet::mixer
