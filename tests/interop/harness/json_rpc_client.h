// A JSON-RPC 2.0 client for Jamulus-compatible endpoints (TCP 127.0.0.1, one JSON object per
// line): authenticates, matches responses by id, and keeps every notification it reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace jamfleet::interop {

class JsonRpcClient {
public:
    using Params = nlohmann::json;
    using Predicate = std::function<bool(const nlohmann::json& params)>;

    // Connects (retrying until `connect_timeout`) and, unless `secret` is empty, authenticates
    // with jamulus/apiAuth. Throws std::runtime_error when either fails.
    JsonRpcClient(std::uint16_t port, const std::string& secret,
                  std::chrono::milliseconds connect_timeout = std::chrono::seconds(15));
    ~JsonRpcClient();
    JsonRpcClient(const JsonRpcClient&) = delete;
    JsonRpcClient& operator=(const JsonRpcClient&) = delete;

    // Sends a request and returns the whole response object ({"id", "result"|"error"}).
    // Throws std::runtime_error on timeout or when the connection closes first.
    nlohmann::json request(const std::string& method, const Params& params = Params::object(),
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Like request(), but returns "result" and throws when the response carries "error".
    nlohmann::json call(const std::string& method, const Params& params = Params::object(),
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Waits for a notification `method` whose params satisfy `predicate`, looking at every
    // notification received so far from index `from` on, then reading more until `timeout`.
    std::optional<nlohmann::json>
    wait_for_notification(const std::string& method, const Predicate& predicate = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(15),
                          std::size_t from = 0);
    // Reads whatever arrives during `duration` (collecting notifications).
    void pump(std::chrono::milliseconds duration);
    const std::vector<nlohmann::json>& notifications() const { return notifications_; }

    // Raw access, for conformance tests of the JSON-RPC layer itself.
    void send_line(const std::string& line);
    // The next line as JSON (a notification is also stored), or nullopt on timeout or when the
    // peer closed the connection (then closed() is true); a non-JSON line comes back as a string.
    std::optional<nlohmann::json> read_message(std::chrono::milliseconds timeout);
    bool closed() const { return closed_; }

private:
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);

    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::string buffer_;
    std::vector<nlohmann::json> notifications_;
    std::int64_t next_id_ = 1;
    bool closed_ = false;
};

} // namespace jamfleet::interop
