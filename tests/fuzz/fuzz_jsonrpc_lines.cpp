// libFuzzer target: the JSON-RPC server's line handling — a byte stream split
// into lines under the server's limit, each line through the dispatcher with the
// per-connection authentication state. Every reply must be one line of JSON, and
// the connection stops at the first reply that closes it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "control/jsonrpc_dispatcher.h"
#include "io/line_server.h"
#include "tests/fuzz/line_feed.h"

namespace {

using jamfleet::control::JsonRpcDispatcher;

const JsonRpcDispatcher& dispatcher() {
    static const JsonRpcDispatcher rpc = [] {
        JsonRpcDispatcher d("fuzz-secret-0123456789");
        d.add_method("jamulus/getMode", [](const nlohmann::json& params) {
            return jamfleet::base::Result<nlohmann::json, jamfleet::control::RpcError>(
                nlohmann::json{{"mode", "server"}, {"echo", params}});
        });
        return d;
    }();
    return rpc;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bool authenticated = false;
    const std::size_t limit = jamfleet::io::LineServerOptions{}.max_line_bytes;
    jamfleet::fuzz::feed_lines(data, size, limit, [&](std::string_view line) {
        const auto outcome = dispatcher().handle_line(authenticated, line);
        if (outcome.reply) {
            if (outcome.reply->find('\n') != std::string::npos ||
                nlohmann::json::parse(*outcome.reply, nullptr, false).is_discarded()) {
                std::abort(); // a reply that is not one line of JSON breaks the client
            }
        }
        return !outcome.close;
    });
    return 0;
}
