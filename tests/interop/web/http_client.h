// A minimal blocking HTTP/1.0 client for the web interop tests (the product's
// HTTP is libmicrohttpd; this only reads what a test needs): one request per
// connection, the body read until the server closes. Also a reader of a
// server-sent-events stream, and raw sockets for the hostile-client tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace jamfleet::interop {

struct HttpResult {
    int status = 0;                             // 0: no answer (refused, closed early, timed out)
    std::map<std::string, std::string> headers; // names lower-case
    std::string body;
    nlohmann::json json() const; // the body parsed (discarded value when not JSON)
};

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::map<std::string, std::string>& headers = {},
                        const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
HttpResult http_get(std::uint16_t port, const std::string& path);
// POST with a JSON body; `token` "" sends no Authorization header.
HttpResult http_post(std::uint16_t port, const std::string& path, const nlohmann::json& body,
                     const std::string& token);

// A TCP connection to 127.0.0.1:port (-1 when refused).
int tcp_connect(std::uint16_t port);
// Whether the server closed `fd` within `timeout` (reads and drops what comes).
bool closed_by_peer(int fd, std::chrono::milliseconds timeout);

// GET /api/events, then events as they come.
class SseReader {
public:
    explicit SseReader(std::uint16_t port);
    ~SseReader();
    SseReader(const SseReader&) = delete;
    SseReader& operator=(const SseReader&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Reads events until `accept(event, data)` returns true or `timeout` passes.
    bool wait_for(
        const std::function<bool(const std::string& event, const nlohmann::json& data)>& accept,
        std::chrono::milliseconds timeout);
    std::string head() const { return head_; } // status line and headers

private:
    int fd_ = -1;
    std::string buffer_;
    std::string head_;
    bool head_done_ = false;
};

} // namespace jamfleet::interop
