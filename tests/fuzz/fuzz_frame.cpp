// libFuzzer target: any datagram through frame parsing and, when it is a frame,
// the typed decoder for its ID; a decoded message must re-encode to bytes that
// decode to the same message. Audio helpers get the same bytes as a packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/audio_format.h"
#include "proto/messages.h"

namespace {

using namespace jamfleet::proto;

void check_audio(std::span<const std::uint8_t> data) {
    if (data.size() < 8) {
        return;
    }
    NetwTransportProps props;
    props.base_frame_bytes = data[0] | (data[1] << 8);
    props.block_factor = data[2];
    props.channels = data[3];
    props.codec = data[4];
    props.flags = data[5];
    const auto format = AudioFormat::from_props(props);
    (void)is_valid_audio_packet_size(data.size());
    if (!format) {
        return;
    }
    if (format->packet_bytes() != props.base_frame_bytes * props.block_factor) {
        std::abort();
    }
    for (std::size_t i = 0; i <= format->block_factor; ++i) {
        const auto frame = coded_frame(*format, data, i);
        if (!frame.empty() && frame.size() != format->coded_bytes) {
            std::abort();
        }
        (void)sequence_byte(*format, data, i);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    const std::span<const std::uint8_t> data(bytes, size);
    check_audio(data);
    auto frame = parse_frame(data);
    if (!frame) {
        return 0;
    }
    auto decoded = decode_message(*frame);
    if (!decoded) {
        return 0;
    }
    const auto again = encode_message_frame(*decoded, frame->counter);
    auto reparsed = parse_frame(again);
    if (!reparsed) {
        std::abort();
    }
    auto redecoded = decode_message(*reparsed);
    if (!redecoded || !(*redecoded == *decoded)) {
        std::abort();
    }
    return 0;
}
