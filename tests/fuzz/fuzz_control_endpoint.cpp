// libFuzzer target: a child's control endpoint's request decoding — a byte
// stream split into lines under the endpoint's limit, each line through the
// nesting guard and decode_request as ControlEndpoint does, and every decoded
// request answered with an encoded response that must decode back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "control/control_messages.h"
#include "control/json_nesting.h"
#include "io/line_server.h"
#include "tests/fuzz/line_feed.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace jamfleet::control;
    const std::size_t limit = jamfleet::io::LineServerOptions{}.max_line_bytes;
    jamfleet::fuzz::feed_lines(data, size, limit, [](std::string_view line) {
        if (!json_nesting_within(line)) {
            return false; // closed, like a request that does not decode
        }
        const auto request = decode_request(line);
        if (!request.ok()) {
            return false;
        }
        // The endpoint echoes the id and may put the request's args in its result.
        const ControlResponse response{request->id, true, request->args, ""};
        const auto decoded = decode_child_message(encode(response));
        if (!decoded.ok() || !std::holds_alternative<ControlResponse>(*decoded) ||
            std::get<ControlResponse>(*decoded).id != request->id) {
            std::abort();
        }
        return true;
    });
    return 0;
}
