// Session: the connection-less requests Jamulus 4.0 added for third-party tools (upstream tag
// r4_0_0beta2, src/server.cpp OnCLReqServerFeatures / OnCLReqWelcomeMessage). Anyone may ask;
// the answers carry nothing a client list or a welcome chat does not already show. Like every
// connection-less answer they are rate-limited for sources without a channel
// (docs/admission.md): the 11-byte feature answer as a small one, the welcome text (up to
// ~1.6 kB to a 9-byte request) under its own, strict budget.
#include "mixer-worker/session.h"
#include "proto/message_id.h"

namespace jamfleet::mixer {

using proto::MessageId;
using proto::ServerFeature;

namespace {

// RECORDER_STATE values (docs/protocol.md §2.2): 1 = no recorder set up, 3 = recording.
constexpr std::uint8_t kRecorderNotInitialised = 1;
constexpr std::uint8_t kRecorderRecording = 3;

} // namespace

proto::ServerFeatures Session::server_features() const {
    proto::ServerFeatures f;
    f.set(ServerFeature::FastUpdate, settings_.server_frame_samples == 64);
    f.set(ServerFeature::Multithreading, settings_.multithreading);
    f.set(ServerFeature::RecorderEnabled,
          recorder_state_ != kRecorderNotInitialised && recorder_state_ != 0);
    f.set(ServerFeature::IsRecording, recorder_state_ == kRecorderRecording);
    f.set(ServerFeature::DelayPan, settings_.delay_pan);
    f.set(ServerFeature::RawAudio, settings_.raw_audio);
    // As 4.0: set exactly when the IPv6 socket is open (4.0 opens one unless --noipv6; this
    // mixer with --serverbindip6 or -6, under the supervisor with fleet.bind6).
    f.set(ServerFeature::Ipv6Available, settings_.ipv6_available);
    // jamfleet-mixer always tells its clients when it quits (Jamulus only with -d).
    f.set(ServerFeature::DisconnectOnQuit);
    f.set(ServerFeature::HasWelcomeMessage, !settings_.welcome_message.empty());
    f.set(ServerFeature::IsLogging, settings_.logging);
    f.set(ServerFeature::HasLicence, settings_.licence_required);
    return f;
}

void Session::answer_features_request(io::SocketAddress from, MessageId request,
                                      base::TimePoint now) {
    if (request == MessageId::ClmReqServerFeatures) {
        if (may_answer(AnswerKind::Small, from, now)) {
            send_clm(from, MessageId::ClmServerFeatures, proto::encode_payload(server_features()));
        }
    } else if (may_answer(AnswerKind::Welcome, from, now)) {
        send_clm(from, MessageId::ClmWelcomeMessage,
                 proto::encode_payload(proto::WelcomeMessage{settings_.welcome_message}));
    }
}

} // namespace jamfleet::mixer
