// JsonRpcServer: the dispatcher bound to an io::LineServer; closing after a reply
// goes through LineServer::close, which flushes the reply first.
#include "control/jsonrpc_server.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "base/log.h"

namespace jamfleet::control {

base::Result<std::string, std::string> load_jsonrpc_secret(const std::string& path) {
    const std::string what = "jsonrpc secret file " + path + ": ";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::string cause = std::strerror(errno);
        if (!cause.empty()) {
            cause[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(cause[0])));
        }
        return base::Err{what + "cannot open: " + cause};
    }
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') {
        secret.pop_back();
    }
    // Jamulus counts QString characters (UTF-16 code units); for the ASCII secrets
    // people use this equals the byte count, and multi-byte text only counts higher.
    std::size_t chars = 0;
    for (const char c : secret) {
        if ((static_cast<unsigned char>(c) & 0xc0u) != 0x80u) {
            ++chars;
        }
    }
    if (chars < kMinSecretChars) {
        return base::Err{what + "the secret (first line) must be at least " +
                         std::to_string(kMinSecretChars) + " characters, got " +
                         std::to_string(chars)};
    }
    return secret;
}

base::Result<std::unique_ptr<JsonRpcServer>, std::string>
JsonRpcServer::start(io::Loop& loop, io::SocketAddress address, std::string secret) {
    std::unique_ptr<JsonRpcServer> self(new JsonRpcServer(std::move(secret)));
    auto listening = io::LineServer::listen_tcp(loop, address);
    if (!listening.ok()) {
        return base::Err{"jsonrpc: " + listening.error()};
    }
    self->server_ = std::move(listening).value();
    auto* raw = self.get();
    self->server_->set_on_connected([raw](io::ConnectionId id) {
        raw->authenticated_[id] = false;
        base::Logger("jsonrpc").debug("connection", {{"peer", raw->server_->peer(id)}});
    });
    self->server_->set_on_closed([raw](io::ConnectionId id) { raw->authenticated_.erase(id); });
    self->server_->set_on_line(
        [raw](io::ConnectionId id, std::string_view line) { raw->on_line(id, line); });
    base::Logger("jsonrpc").info("listening",
                                 {{"address", self->server_->local_address().to_string()}});
    return self;
}

void JsonRpcServer::on_line(io::ConnectionId id, std::string_view line) {
    auto it = authenticated_.find(id);
    if (it == authenticated_.end()) {
        return;
    }
    const bool was_authenticated = it->second;
    const auto outcome = dispatcher_.handle_line(it->second, line);
    if (!was_authenticated && it->second) {
        base::Logger("jsonrpc").info("accepted authentication", {{"peer", server_->peer(id)}});
    }
    if (outcome.reply) {
        server_->send(id, *outcome.reply);
    }
    if (outcome.close) {
        server_->close(id);
    }
}

void JsonRpcServer::broadcast_notification(const std::string& method,
                                           const nlohmann::json& params) {
    const std::string line = JsonRpcDispatcher::notification(method, params);
    for (const auto& [id, authenticated] : authenticated_) {
        if (authenticated) {
            server_->send(id, line);
        }
    }
}

} // namespace jamfleet::control
