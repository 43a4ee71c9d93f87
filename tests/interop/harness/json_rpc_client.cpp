// JsonRpcClient: blocking TCP with poll() deadlines; notifications are kept in arrival order.
#include "tests/interop/harness/json_rpc_client.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace jamfleet::interop {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left_until(Clock::time_point deadline) {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

int connect_once(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        return fd;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return -1;
}

} // namespace

JsonRpcClient::JsonRpcClient(std::uint16_t port, const std::string& secret,
                             std::chrono::milliseconds connect_timeout)
    : port_(port) {
    const auto deadline = Clock::now() + connect_timeout;
    while ((fd_ = connect_once(port)) < 0) {
        if (Clock::now() >= deadline) {
            throw std::runtime_error("connect json-rpc 127.0.0.1:" + std::to_string(port) + ": " +
                                     std::strerror(errno));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!secret.empty()) {
        call("jamulus/apiAuth", {{"secret", secret}});
    }
}

JsonRpcClient::~JsonRpcClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void JsonRpcClient::send_line(const std::string& line) {
    std::string data = line + "\n";
    std::size_t sent = 0;
    while (sent < data.size()) {
        const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            throw std::runtime_error("send json-rpc 127.0.0.1:" + std::to_string(port_) + ": " +
                                     std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
}

std::optional<std::string> JsonRpcClient::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (const auto end = buffer_.find('\n'); end != std::string::npos) {
            std::string line = buffer_.substr(0, end);
            buffer_.erase(0, end + 1);
            return line;
        }
        if (closed_) {
            return std::nullopt;
        }
        pollfd watch{fd_, POLLIN, 0};
        if (::poll(&watch, 1, static_cast<int>(left_until(deadline).count())) <= 0) {
            return std::nullopt;
        }
        char chunk[65536];
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            closed_ = true;
        } else {
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }
}

std::optional<nlohmann::json> JsonRpcClient::read_message(std::chrono::milliseconds timeout) {
    auto line = read_line(timeout);
    if (!line) {
        return std::nullopt;
    }
    auto message = nlohmann::json::parse(*line, nullptr, false);
    if (message.is_discarded()) {
        return nlohmann::json(*line);
    }
    if (message.is_object() && !message.contains("id") && message.contains("method")) {
        notifications_.push_back(message);
    }
    return message;
}

nlohmann::json JsonRpcClient::request(const std::string& method, const Params& params,
                                      std::chrono::milliseconds timeout) {
    const auto id = next_id_++;
    send_line(nlohmann::json{{"id", id}, {"jsonrpc", "2.0"}, {"method", method}, {"params", params}}
                  .dump());
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (closed_) {
            throw std::runtime_error("json-rpc " + method + ": connection closed by the peer");
        }
        auto message = read_message(left_until(deadline));
        if (message && message->is_object() && message->value("id", nlohmann::json()) == id) {
            return *message;
        }
    }
    throw std::runtime_error("json-rpc " + method + ": no response within " +
                             std::to_string(timeout.count()) + " ms");
}

nlohmann::json JsonRpcClient::call(const std::string& method, const Params& params,
                                   std::chrono::milliseconds timeout) {
    auto response = request(method, params, timeout);
    if (response.contains("error")) {
        throw std::runtime_error("json-rpc " + method + " failed: " + response["error"].dump());
    }
    return response.value("result", nlohmann::json());
}

std::optional<nlohmann::json>
JsonRpcClient::wait_for_notification(const std::string& method, const Predicate& predicate,
                                     std::chrono::milliseconds timeout, std::size_t from) {
    const auto deadline = Clock::now() + timeout;
    std::size_t checked = from;
    while (true) {
        for (; checked < notifications_.size(); ++checked) {
            const auto& note = notifications_[checked];
            const auto params = note.value("params", nlohmann::json::object());
            if (note.value("method", "") == method && (!predicate || predicate(params))) {
                return params;
            }
        }
        if (Clock::now() >= deadline || closed_) {
            return std::nullopt;
        }
        read_message(std::min(left_until(deadline), std::chrono::milliseconds(200)));
    }
}

void JsonRpcClient::pump(std::chrono::milliseconds duration) {
    const auto deadline = Clock::now() + duration;
    while (Clock::now() < deadline && !closed_) {
        read_message(left_until(deadline));
    }
}

} // namespace jamfleet::interop
