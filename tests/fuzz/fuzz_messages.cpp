// libFuzzer target: the first two bytes pick a message ID, the rest is its payload;
// every decoder sees the payload, and whatever decodes must survive
// encode -> decode unchanged. Also checks the UTF-16 string helpers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "proto/messages.h"
#include "proto/text.h"

namespace {

using namespace jamfleet::proto;

template <typename T>
void check_round_trip(const Decoded<T>& decoded, Decoded<T> (*decode)(Payload)) {
    if (!decoded) {
        return;
    }
    const Bytes encoded = encode_payload(*decoded);
    auto again = decode(encoded);
    if (!again || !(*again == *decoded)) {
        std::abort();
    }
}

void check_text(std::span<const std::uint8_t> data) {
    const std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
    const std::size_t limit = data.empty() ? 0 : data[0] % 40;
    const std::string cut = truncate_utf16(s, limit);
    if (cut.size() > s.size() || s.substr(0, cut.size()) != cut) {
        std::abort();
    }
    if (utf16_length(s)) {
        const auto units = utf16_length(cut);
        if (!units || *units > limit) {
            std::abort();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const auto id = static_cast<std::uint16_t>(bytes[0] | (bytes[1] << 8));
    const Payload payload(bytes + 2, size - 2);
    check_text(payload);

    auto message = decode_message(id, payload);
    if (message) {
        auto again = decode_message(id, encode_payload(message->body));
        if (!again || !(*again == *message)) {
            std::abort();
        }
    }

    check_round_trip(decode_empty(payload), decode_empty);
    check_round_trip(decode_server_features(payload), decode_server_features);
    check_round_trip(decode_welcome_message(payload), decode_welcome_message);
    check_round_trip(decode_ackn(payload), decode_ackn);
    check_round_trip(decode_jitt_buf_size(payload), decode_jitt_buf_size);
    check_round_trip(decode_channel_gain(payload), decode_channel_gain);
    check_round_trip(decode_chat_text(payload), decode_chat_text);
    check_round_trip(decode_netw_transport_props(payload), decode_netw_transport_props);
    check_round_trip(decode_conn_clients_list(payload), decode_conn_clients_list);
    check_round_trip(decode_channel_infos(payload), decode_channel_infos);
    check_round_trip(decode_licence_required(payload), decode_licence_required);
    check_round_trip(decode_req_channel_level_list(payload), decode_req_channel_level_list);
    check_round_trip(decode_version_and_os(payload), decode_version_and_os);
    check_round_trip(decode_channel_pan(payload), decode_channel_pan);
    check_round_trip(decode_mute_state_changed(payload), decode_mute_state_changed);
    check_round_trip(decode_client_id(payload), decode_client_id);
    check_round_trip(decode_recorder_state(payload), decode_recorder_state);
    check_round_trip(decode_clm_ping_ms(payload), decode_clm_ping_ms);
    check_round_trip(decode_clm_ping_ms_with_num_clients(payload),
                     decode_clm_ping_ms_with_num_clients);
    check_round_trip(decode_register_server(payload), decode_register_server);
    check_round_trip(decode_register_server_ex(payload), decode_register_server_ex);
    check_round_trip(decode_server_list(payload), decode_server_list);
    check_round_trip(decode_red_server_list(payload), decode_red_server_list);
    check_round_trip(decode_clm_send_empty_message(payload), decode_clm_send_empty_message);
    check_round_trip(decode_channel_level_list(payload), decode_channel_level_list);
    check_round_trip(decode_register_server_resp(payload), decode_register_server_resp);
    check_round_trip(decode_split_part(payload), decode_split_part);
    return 0;
}
