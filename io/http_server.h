// HTTP/1.1 server on the io::Loop: GNU libmicrohttpd in its epoll mode without a
// thread of its own (docs/adr/0007-http-in-the-event-loop.md). The epoll fd MHD
// keeps is watched like any other fd; MHD_run runs when it is readable or when
// MHD's own timeout is due. A request whose answer needs another process (a
// control op) is suspended until the answer comes; a server-sent-events stream
// is suspended while it has nothing to send. Hostile-client limits (connections
// in total and per IP, idle timeout, header memory, body size, methods) are
// enforced here and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "io/loop.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace jamfleet::io {

struct HttpLimits {
    unsigned max_connections = 256;
    unsigned max_connections_per_ip = 32;
    // Idle seconds before MHD closes a connection (a slowloris client that sends
    // nothing, or too little to be "active", is cut off).
    unsigned idle_timeout_s = 10;
    // Memory per connection for the request line and headers: more is answered 431.
    std::size_t header_memory = 16 * 1024;
    std::size_t max_body = 64 * 1024;
};

struct HttpServerOptions {
    std::string bind = "127.0.0.1"; // an IPv4 or IPv6 literal
    std::uint16_t port = 0;         // 0 = any free port (see HttpServer::port())
    HttpLimits limits;
};

struct HttpRequest {
    std::string method;
    std::string path; // without the query string
    // Header names lower-case.
    std::map<std::string, std::string> headers;
    std::string body;
    std::string peer; // "127.0.0.1"
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
};

// Counters of what the server refused or cut off (status and logs).
struct HttpCounters {
    std::uint64_t requests = 0;
    std::uint64_t refused_connections = 0; // over the total or per-IP limit
    std::uint64_t oversized_bodies = 0;
    std::uint64_t bad_methods = 0;
    std::uint64_t timeouts = 0;    // idle connections closed
    std::uint64_t http_errors = 0; // malformed requests, oversized headers (MHD's own answers)
    std::uint64_t open_connections = 0;
    std::uint64_t open_streams = 0;
};

// A server-sent-events stream (text/event-stream). Held by the application;
// open() turns false once the client has gone.
class HttpStream {
public:
    virtual ~HttpStream() = default;
    // Queues bytes; a stream whose client reads too slowly (over 1 MiB queued) is closed.
    virtual void send(std::string_view bytes) = 0;
    virtual bool open() const = 0;
};

// Given to the handler for one request: answer at once or later, or turn the
// request into a stream. Exactly one of respond / open_stream, at most once.
class HttpExchange {
public:
    virtual ~HttpExchange() = default;
    virtual void respond(HttpResponse response) = 0;
    virtual std::shared_ptr<HttpStream> open_stream(std::string content_type) = 0;
};

class HttpServer {
public:
    using Handler = std::function<void(const HttpRequest&, std::shared_ptr<HttpExchange>)>;

    // Errors: "http: cannot listen on 127.0.0.1:8124 (...)".
    static base::Result<std::unique_ptr<HttpServer>, std::string>
    start(Loop& loop, HttpServerOptions options, Handler handler, base::Logger log);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const { return port_; }
    const HttpCounters& counters() const;

    // Implementation (MHD's callbacks and the exchange objects reach these).
    struct Impl;

private:
    HttpServer() = default;
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
};

} // namespace jamfleet::io
