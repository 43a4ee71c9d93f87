#include "tests/interop/web/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <sstream>

namespace jamfleet::interop {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(0, left));
}

bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

nlohmann::json HttpResult::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

int tcp_connect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool closed_by_peer(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return false;
        }
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            return true;
        }
    }
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::map<std::string, std::string>& headers, const std::string& body,
                        std::chrono::milliseconds timeout) {
    HttpResult result;
    const int fd = tcp_connect(port);
    if (fd < 0) {
        return result;
    }
    std::string request = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) {
        request += name + ": " + value + "\r\n";
    }
    if (!body.empty() || method == "POST") {
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    std::string raw;
    if (send_all(fd, request)) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
                raw.clear(); // timed out: no whole answer
                break;
            }
            char buf[8192];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                break;
            }
            raw.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos || raw.size() < 12) {
        return result;
    }
    result.status = std::atoi(raw.substr(9, 3).c_str());
    std::istringstream head(raw.substr(0, end));
    std::string line;
    std::getline(head, line); // the status line
    while (std::getline(head, line)) {
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            if (!value.empty() && value.back() == '\r') {
                value.pop_back();
            }
            result.headers[lower(line.substr(0, colon))] = value;
        }
    }
    result.body = raw.substr(end + 4);
    return result;
}

HttpResult http_get(std::uint16_t port, const std::string& path) {
    return http_request(port, "GET", path);
}

HttpResult http_post(std::uint16_t port, const std::string& path, const nlohmann::json& body,
                     const std::string& token) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (!token.empty()) {
        headers["Authorization"] = "Bearer " + token;
    }
    return http_request(port, "POST", path, headers, body.dump());
}

SseReader::SseReader(std::uint16_t port) : fd_(tcp_connect(port)) {
    if (fd_ >= 0 && !send_all(fd_, "GET /api/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: "
                                   "text/event-stream\r\n\r\n")) {
        ::close(fd_);
        fd_ = -1;
    }
}

SseReader::~SseReader() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool SseReader::wait_for(
    const std::function<bool(const std::string& event, const nlohmann::json& data)>& accept,
    std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (fd_ >= 0) {
        if (!head_done_) {
            const auto end = buffer_.find("\r\n\r\n");
            if (end != std::string::npos) {
                head_ = buffer_.substr(0, end);
                buffer_.erase(0, end + 4);
                head_done_ = true;
            }
        }
        while (head_done_) {
            const auto end = buffer_.find("\n\n");
            if (end == std::string::npos) {
                break;
            }
            const std::string block = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            std::string event;
            std::string data;
            std::istringstream lines(block);
            std::string line;
            while (std::getline(lines, line)) {
                if (line.starts_with("event: ")) {
                    event = line.substr(7);
                } else if (line.starts_with("data: ")) {
                    data += line.substr(6);
                }
            }
            if (!event.empty() && accept(event, nlohmann::json::parse(data, nullptr, false))) {
                return true;
            }
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return false;
        }
        char buf[16384];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            ::close(fd_);
            fd_ = -1;
            return false;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
    return false;
}

} // namespace jamfleet::interop
