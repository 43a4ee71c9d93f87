// libFuzzer target: JSON-RPC request lines and control-channel messages. Every
// input must be handled without crashing, and every reply must itself be valid
// JSON that a Jamulus client could parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "control/control_messages.h"
#include "control/jsonrpc_dispatcher.h"

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
    std::string_view input(reinterpret_cast<const char*>(data), size);
    bool authenticated = false;
    while (!input.empty()) {
        const auto nl = input.find('\n');
        const std::string_view line = input.substr(0, nl);
        input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

        const auto outcome = dispatcher().handle_line(authenticated, line);
        if (outcome.reply) {
            const auto parsed = nlohmann::json::parse(*outcome.reply, nullptr, false);
            if (parsed.is_discarded() || outcome.reply->find('\n') != std::string::npos) {
                std::abort(); // a reply that is not one line of JSON breaks the client
            }
        }
        if (const auto request = jamfleet::control::decode_request(line); request.ok()) {
            // What decodes must re-encode and decode to the same request.
            const auto again =
                jamfleet::control::decode_request(jamfleet::control::encode(*request));
            if (!again.ok() || again->id != request->id || again->op != request->op) {
                std::abort();
            }
        }
        (void)jamfleet::control::decode_child_message(line);
        if (outcome.close) {
            break;
        }
    }
    return 0;
}
