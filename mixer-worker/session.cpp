// Session: datagram classification, channel table and the protocol behaviour of a
// Jamulus server (see session.h and docs/protocol.md §4).
#include "mixer-worker/session.h"

#include <algorithm>

#include "mixer-worker/chat.h"
#include "proto/audio_format.h"
#include "proto/clm_messages.h"
#include "proto/message_id.h"
#include "proto/messages.h"

namespace jamfleet::mixer {

using proto::MessageId;

Session::Session(SessionSettings settings, AudioEngine& engine, base::Logger logger)
    : settings_(std::move(settings)), engine_(engine), log_(std::move(logger)),
      admission_(settings_.admission), answers_(settings_.answers) {
    settings_.max_channels = std::clamp(settings_.max_channels, 1, kMaxChannels);
    channels_.resize(static_cast<std::size_t>(settings_.max_channels));
    // Level lists every ≈ 269 ms: 101 ticks of 128 samples or 201 of 64.
    level_interval_ticks_ = settings_.server_frame_samples == 64 ? 201 : 101;
    ticks_until_levels_ = level_interval_ticks_;
}

int Session::find_channel(io::SocketAddress address) const {
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (channels_[i].connected && channels_[i].address == address) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int Session::free_channel_id() const {
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (!channels_[i].connected) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int Session::connected_count() const {
    return static_cast<int>(std::count_if(channels_.begin(), channels_.end(),
                                          [](const Channel& c) { return c.connected; }));
}

void Session::drop(DropReason reason, io::SocketAddress from, base::TimePoint now) {
    ++drops_[static_cast<std::size_t>(reason)];
    std::uint64_t suppressed = 0;
    if (drop_log_limit_.allow(now, suppressed)) {
        log_.warn("dropped datagram", {{"reason", to_string(reason)},
                                       {"from", from.to_string()},
                                       {"suppressed", suppressed}});
    }
}

void Session::on_datagram(io::SocketAddress from, std::span<const std::uint8_t> data,
                          base::TimePoint now, bool truncated) {
    if (truncated) {
        drop(DropReason::Truncated, from, now);
        return;
    }
    auto frame = proto::parse_frame(data);
    if (!frame.ok()) {
        // Anything that is not a valid protocol frame is audio (§1.5).
        on_audio(from, data, now);
        return;
    }
    if (proto::is_connectionless(frame->id)) {
        on_clm(from, *frame, now);
        return;
    }
    const int id = find_channel(from);
    if (id < 0) {
        on_pending_frame(from, *frame, data.size(), now);
        return;
    }
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    auto result = ch.link.on_frame(*frame, now);
    if (result.ack) {
        outgoing_.push_back(Outgoing{ch.address, std::move(*result.ack)});
    }
    if (result.message) {
        on_connection_message(id, result.message->id, result.message->payload, now);
    }
    flush_link(id);
}

void Session::on_audio(io::SocketAddress from, std::span<const std::uint8_t> data,
                       base::TimePoint now) {
    const int id = find_channel(from);
    if (id < 0) {
        on_unknown_audio(from, data.size(), now);
        return;
    }
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    ch.last_audio = now;
    ch.disconnect_pending = false;
    if (!engine_.on_audio(id, data) && engine_.has_format(id)) {
        ++drops_[static_cast<std::size_t>(DropReason::WrongAudioSize)];
    }
}

void Session::open_channel(int id, io::SocketAddress from, proto::ReliableLink link,
                           int announced_id, base::TimePoint now) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    ch.connected = true;
    ch.address = from;
    ch.link = std::move(link);
    ch.profile = proto::ChannelInfos{};
    ch.identified = false;
    ch.disconnect_pending = false;
    ch.last_audio = now;
    engine_.connect(id, from);
    log_.info("client connected", {{"id", id}, {"address", from.to_string()}});
    if (on_connection_event) {
        on_connection_event(id, from, true);
    }

    // The new-connection sequence of §4.2; admission already sent (and had ACKed)
    // CLIENT_ID, the empty CONN_CLIENTS_LIST and REQ_SPLIT_MESS_SUPPORT. When another
    // newcomer took the announced ID first, a later CLIENT_ID corrects it.
    if (id != announced_id) {
        send(id, MessageId::ClientId,
             proto::encode_payload(proto::ClientId{static_cast<std::uint8_t>(id)}), now);
    }
    // Jamulus 4.0 offers raw audio right after CLIENT_ID; admission sends only the
    // three messages every release expects, so the offer opens the channel's own
    // sequence, before the client is asked for its transport properties.
    if (settings_.raw_audio) {
        send(id, MessageId::RawAudioSupported, {}, now);
    }
    send(id, MessageId::ReqNetwTransportProps, {}, now);
    send(id, MessageId::ReqJittBufSize, {}, now);
    send(id, MessageId::ReqChannelInfos, {}, now);
    if (!settings_.welcome_message.empty()) {
        send(id, MessageId::ChatText,
             proto::encode_payload(proto::ChatText{format_welcome(settings_.welcome_message)}),
             now);
    }
    if (settings_.licence_required) {
        send(id, MessageId::LicenceRequired, proto::encode_payload(proto::LicenceRequired{1}), now);
    }
    send(id, MessageId::VersionAndOs,
         proto::encode_payload(proto::VersionAndOs{kServerOs, settings_.version}), now);
    send(id, MessageId::RecorderState, proto::encode_payload(proto::RecorderState{recorder_state_}),
         now);
}

void Session::set_recorder_state(std::uint8_t state, base::TimePoint now) {
    if (state == recorder_state_) {
        return;
    }
    recorder_state_ = state;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (channels_[i].connected) {
            send(static_cast<int>(i), MessageId::RecorderState,
                 proto::encode_payload(proto::RecorderState{state}), now);
        }
    }
}

void Session::free_channel(int id, base::TimePoint now) {
    (void)now;
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    log_.info("client disconnected", {{"id", id}, {"address", ch.address.to_string()}});
    if (on_connection_event) {
        on_connection_event(id, ch.address, false);
    }
    ch.connected = false;
    ch.identified = false;
    ch.disconnect_pending = false;
    ch.link.reset();
    engine_.disconnect(id);
}

void Session::send(int id, MessageId msg, const std::vector<std::uint8_t>& payload,
                   base::TimePoint now) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    (void)ch.link.send(msg, payload, now);
    flush_link(id);
}

void Session::flush_link(int id) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    for (auto& datagram : ch.link.take_outgoing()) {
        outgoing_.push_back(Outgoing{ch.address, std::move(datagram)});
    }
}

void Session::send_clm(io::SocketAddress to, MessageId msg,
                       const std::vector<std::uint8_t>& payload) {
    outgoing_.push_back(Outgoing{to, proto::make_clm_frame(msg, payload)});
}

proto::ConnClientsList Session::client_list() const {
    proto::ConnClientsList list;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        const Channel& ch = channels_[i];
        if (!ch.connected) {
            continue;
        }
        proto::ClientListEntry e;
        e.channel_id = static_cast<std::uint8_t>(i);
        e.country = ch.profile.country;
        e.instrument = ch.profile.instrument;
        e.skill = ch.profile.skill;
        e.name = ch.profile.name;
        e.city = ch.profile.city;
        list.entries.push_back(std::move(e));
    }
    return list;
}

void Session::broadcast_client_list(base::TimePoint now) {
    const auto payload = proto::encode_payload(client_list());
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (channels_[i].connected) {
            send(static_cast<int>(i), MessageId::ConnClientsList, payload, now);
        }
    }
}

void Session::broadcast_chat(int from_id, const std::string& text, base::TimePoint now) {
    std::tm local{};
    if (settings_.local_time) {
        local = settings_.local_time();
    } else {
        const std::time_t t = std::time(nullptr);
        localtime_r(&t, &local);
    }
    const auto& name = channels_[static_cast<std::size_t>(from_id)].profile.name;
    const std::string html = format_chat(from_id, name, text, local);
    send_server_chat(html, now);
    if (on_chat_sent) {
        on_chat_sent(from_id, html);
    }
}

void Session::on_connection_message(int id, std::uint16_t msg_id,
                                    std::span<const std::uint8_t> payload, base::TimePoint now) {
    Channel& ch = channels_[static_cast<std::size_t>(id)];
    auto bad = [&] { drop(DropReason::BadPayload, ch.address, now); };
    switch (static_cast<MessageId>(msg_id)) {
    case MessageId::JittBufSize: {
        auto m = proto::decode_jitt_buf_size(payload);
        if (!m.ok()) {
            return bad();
        }
        if (m->blocks >= kMinJitterBlocks && m->blocks <= kAutoJitterValue) {
            engine_.set_jitter_request(id, m->blocks);
        }
        return;
    }
    case MessageId::ChannelGain: {
        auto m = proto::decode_channel_gain(payload);
        if (!m.ok()) {
            return bad();
        }
        const int source = m->channel_id;
        if (source >= settings_.max_channels) {
            return;
        }
        const float old_gain = engine_.gain(id, source);
        const auto new_gain = static_cast<float>(m->value());
        engine_.set_gain(id, source, new_gain);
        // Tell the muted/unmuted client who changed their gain (§4.4).
        const Channel& target = channels_[static_cast<std::size_t>(source)];
        if (target.connected && (old_gain > 0) != (new_gain > 0)) {
            send(source, MessageId::MuteStateChanged,
                 proto::encode_payload(
                     proto::MuteStateChanged{static_cast<std::uint8_t>(id), new_gain == 0}),
                 now);
        }
        return;
    }
    case MessageId::ChannelPan: {
        auto m = proto::decode_channel_pan(payload);
        if (!m.ok()) {
            return bad();
        }
        if (m->channel_id < settings_.max_channels) {
            engine_.set_pan(id, m->channel_id, static_cast<float>(m->value()));
        }
        return;
    }
    case MessageId::ReqConnClientsList:
        send(id, MessageId::ConnClientsList, proto::encode_payload(client_list()), now);
        return;
    case MessageId::ChatText: {
        auto m = proto::decode_chat_text(payload);
        if (!m.ok()) {
            return bad();
        }
        broadcast_chat(id, m->text, now);
        return;
    }
    case MessageId::NetwTransportProps: {
        auto m = proto::decode_netw_transport_props(payload);
        if (!m.ok()) {
            return bad();
        }
        if (m->codec == static_cast<std::uint16_t>(proto::AudioCodingType::Celt)) {
            send(id, MessageId::OpusSupported, {}, now);
            return;
        }
        auto format = proto::AudioFormat::from_props(*m);
        if (!format || !engine_.set_format(id, *format)) {
            return bad();
        }
        log_.info("client format", {{"id", id},
                                    {"frame_samples", format->frame_samples},
                                    {"channels", format->channels},
                                    {"coded_bytes", format->coded_bytes},
                                    {"factor", format->block_factor},
                                    {"sequence", format->with_sequence ? 1 : 0}});
        return;
    }
    case MessageId::ChannelInfos: {
        auto m = proto::decode_channel_infos(payload);
        if (!m.ok()) {
            return bad();
        }
        if (ch.identified && ch.profile == *m) {
            return; // an identical repeat is only ACKed
        }
        ch.profile = std::move(m).value();
        ch.identified = true;
        engine_.set_identified(id);
        broadcast_client_list(now);
        return;
    }
    case MessageId::SplitMessSupported:
        ch.link.set_peer_supports_split(true);
        return;
    default:
        // REQ_CHANNEL_LEVEL_LIST (28), obsolete and unknown IDs: ACKed by the link, nothing else.
        return;
    }
}

void Session::on_tick(base::TimePoint now) {
    bool freed = false;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        Channel& ch = channels_[i];
        if (ch.connected && (ch.disconnect_pending || now - ch.last_audio >= kChannelTimeout)) {
            free_channel(static_cast<int>(i), now);
            freed = true;
        }
    }
    if (freed) {
        broadcast_client_list(now);
    }
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        if (!channels_[i].connected) {
            continue;
        }
        if (auto size = engine_.take_jitter_change(static_cast<int>(i))) {
            send(static_cast<int>(i), MessageId::JittBufSize,
                 proto::encode_payload(proto::JittBufSize{static_cast<std::uint16_t>(*size)}), now);
        }
        channels_[i].link.poll(now);
        flush_link(static_cast<int>(i));
    }
    admission_.poll(now);
    if (--ticks_until_levels_ == 0) {
        ticks_until_levels_ = level_interval_ticks_;
        send_level_list();
    }
}

std::optional<base::TimePoint> Session::next_deadline() const {
    std::optional<base::TimePoint> next = admission_.next_deadline();
    for (const auto& ch : channels_) {
        if (!ch.connected) {
            continue;
        }
        if (auto d = ch.link.next_deadline(); d && (!next || *d < *next)) {
            next = d;
        }
    }
    return next;
}

std::vector<Outgoing> Session::take_outgoing() {
    std::vector<Outgoing> out;
    out.swap(outgoing_);
    admission_.take_outgoing(out);
    return out;
}

void Session::disconnect_all() {
    for (const auto& ch : channels_) {
        if (ch.connected) {
            send_clm(ch.address, MessageId::ClmDisconnection, {});
        }
    }
}

std::vector<ClientInfo> Session::clients() const {
    std::vector<ClientInfo> out;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        const Channel& ch = channels_[i];
        if (!ch.connected) {
            continue;
        }
        const auto* format = engine_.format(static_cast<int>(i));
        out.push_back(ClientInfo{static_cast<int>(i), ch.address, ch.profile,
                                 engine_.jitter_size(static_cast<int>(i)),
                                 format ? format->channels : 1});
    }
    return out;
}

} // namespace jamfleet::mixer
