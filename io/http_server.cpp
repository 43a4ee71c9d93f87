// libmicrohttpd glue: the daemon runs in MHD_USE_EPOLL mode without an internal
// thread; its epoll fd is watched by an FdWatcher and MHD's timeout by a Timer,
// so every callback runs on the loop thread like the rest of the process.
#include "io/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>

#include "io/fd_watcher.h"
#include "io/timer.h"

namespace jamfleet::io {

namespace {

constexpr std::size_t kMaxQueuedStreamBytes = 1u << 20;

std::string ip_text(const sockaddr* addr) {
    char text[INET6_ADDRSTRLEN] = {};
    if (addr == nullptr) {
        return {};
    }
    if (addr->sa_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text,
                    sizeof text);
    } else if (addr->sa_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
                    sizeof text);
    }
    return text;
}

// What MHD's per-socket context holds: the peer and whether a request got through.
struct SocketInfo {
    std::string ip;
    bool had_request = false;
};

} // namespace

struct StreamState;

struct HttpServer::Impl {
    Loop& loop;
    HttpCounters counters;
    HttpServerOptions options;
    Handler handler;
    base::Logger log;
    MHD_Daemon* daemon = nullptr;
    std::unique_ptr<FdWatcher> watcher;
    std::unique_ptr<Timer> timer;
    std::map<std::string, unsigned> per_ip;
    std::set<MHD_Connection*> suspended;
    base::RateLimit refusal_log{std::chrono::seconds(5)};
    base::RateLimit error_log{std::chrono::seconds(5)};
    base::SteadyClock clock;
    bool running = false;

    Impl(Loop& l, HttpServerOptions opts, Handler h, base::Logger lg)
        : loop(l), options(std::move(opts)), handler(std::move(h)), log(std::move(lg)) {}

    void run() {
        if (daemon == nullptr || running) {
            return;
        }
        running = true;
        MHD_run(daemon);
        running = false;
        reschedule();
    }
    void reschedule() {
        MHD_UNSIGNED_LONG_LONG ms = 0;
        if (MHD_get_timeout(daemon, &ms) == MHD_YES) {
            timer->start(std::chrono::milliseconds(ms), base::Duration::zero(), [this] { run(); });
        } else {
            timer->stop();
        }
    }
    // After a resume outside MHD_run: run soon (MHD's ITC also wakes the epoll fd).
    void kick() {
        if (!running) {
            timer->start(base::Duration::zero(), base::Duration::zero(), [this] { run(); });
        }
    }
    void suspend(MHD_Connection* c) {
        MHD_suspend_connection(c);
        suspended.insert(c);
    }
    void resume(MHD_Connection* c) {
        if (suspended.erase(c) != 0) {
            MHD_resume_connection(c);
            kick();
        }
    }
};

struct StreamState final : HttpStream {
    HttpServer::Impl* impl = nullptr;
    MHD_Connection* connection = nullptr; // null once the connection is gone
    std::string queued;
    bool ended = false;
    bool waiting = false; // suspended for lack of data

    void send(std::string_view bytes) override {
        if (!open()) {
            return;
        }
        if (queued.size() + bytes.size() > kMaxQueuedStreamBytes) {
            ended = true; // a client that does not read: end its stream
        } else {
            queued.append(bytes);
        }
        wake();
    }
    bool open() const override { return connection != nullptr && !ended; }
    void wake() {
        if (waiting && connection != nullptr) {
            waiting = false;
            impl->resume(connection);
        }
    }
};

namespace {

struct RequestState;

class Exchange final : public HttpExchange {
public:
    explicit Exchange(std::weak_ptr<RequestState> state) : state_(std::move(state)) {}
    void respond(HttpResponse response) override;
    std::shared_ptr<HttpStream> open_stream(std::string content_type) override;

private:
    std::weak_ptr<RequestState> state_;
};

struct RequestState {
    HttpServer::Impl* impl = nullptr;
    MHD_Connection* connection = nullptr;
    HttpRequest request;
    bool body_too_large = false;
    bool dispatched = false;
    bool waiting = false; // suspended until respond/open_stream
    std::optional<HttpResponse> answer;
    std::shared_ptr<StreamState> stream;
    std::string stream_type;

    void ready() {
        if (waiting) {
            waiting = false;
            impl->resume(connection);
        }
    }
};

void Exchange::respond(HttpResponse response) {
    auto state = state_.lock();
    if (!state || state->answer || state->stream) {
        return;
    }
    state->answer = std::move(response);
    state->ready();
}

std::shared_ptr<HttpStream> Exchange::open_stream(std::string content_type) {
    auto state = state_.lock();
    if (!state || state->answer || state->stream) {
        return std::make_shared<StreamState>(); // closed: the request is gone
    }
    state->stream = std::make_shared<StreamState>();
    state->stream->impl = state->impl;
    state->stream->connection = state->connection;
    state->stream_type = std::move(content_type);
    state->ready();
    return state->stream;
}

MHD_Result queue(MHD_Connection* connection, const HttpResponse& answer) {
    MHD_Response* response = MHD_create_response_from_buffer(
        answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) {
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", answer.content_type.c_str());
    MHD_add_response_header(response, "Cache-Control", "no-store");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    const MHD_Result r =
        MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
    MHD_destroy_response(response);
    return r;
}

ssize_t read_stream(void* cls, std::uint64_t, char* buf, std::size_t max) {
    auto& stream = **static_cast<std::shared_ptr<StreamState>*>(cls);
    if (!stream.queued.empty()) {
        const std::size_t n = std::min(max, stream.queued.size());
        std::copy_n(stream.queued.data(), n, buf);
        stream.queued.erase(0, n);
        return static_cast<ssize_t>(n);
    }
    if (stream.ended || stream.connection == nullptr) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    // Nothing to send: sleep until send() (MHD's documented use of returning 0).
    stream.waiting = true;
    stream.impl->suspend(stream.connection);
    return 0;
}

void free_stream(void* cls) {
    auto* holder = static_cast<std::shared_ptr<StreamState>*>(cls);
    (*holder)->connection = nullptr;
    (*holder)->waiting = false;
    delete holder;
}

MHD_Result queue_stream(RequestState& state) {
    auto* holder = new std::shared_ptr<StreamState>(state.stream);
    MHD_Response* response =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_stream, holder, free_stream);
    if (response == nullptr) {
        delete holder;
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", state.stream_type.c_str());
    MHD_add_response_header(response, "Cache-Control", "no-store");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    const MHD_Result r = MHD_queue_response(state.connection, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    return r;
}

HttpResponse error_response(int status, const std::string& text) {
    return HttpResponse{status, "application/json", "{\"error\":\"" + text + "\"}"};
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto& headers = *static_cast<std::map<std::string, std::string>*>(cls);
    std::string name = key != nullptr ? key : "";
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    headers[std::move(name)] = value != nullptr ? value : "";
    return MHD_YES;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char*, const char* upload_data, std::size_t* upload_size,
                      void** con_cls) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    HttpCounters& counters = impl.counters;
    if (*con_cls == nullptr) {
        auto state = std::make_shared<RequestState>();
        state->impl = &impl;
        state->connection = connection;
        state->request.method = method != nullptr ? method : "";
        state->request.path = url != nullptr ? url : "";
        *con_cls = new std::shared_ptr<RequestState>(state);
        ++counters.requests;
        if (const auto* info =
                MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
            info != nullptr && info->socket_context != nullptr) {
            static_cast<SocketInfo*>(info->socket_context)->had_request = true;
            state->request.peer = static_cast<SocketInfo*>(info->socket_context)->ip;
        }
        const std::string& m = state->request.method;
        if (m != "GET" && m != "HEAD" && m != "POST") {
            ++counters.bad_methods;
            return queue(connection, error_response(405, "method not allowed"));
        }
        const char* length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length != nullptr &&
            std::strtoull(length, nullptr, 10) > impl.options.limits.max_body) {
            ++counters.oversized_bodies;
            return queue(connection, error_response(413, "request body over 64 KiB"));
        }
        return MHD_YES;
    }
    auto& state = **static_cast<std::shared_ptr<RequestState>*>(*con_cls);
    if (*upload_size != 0) {
        if (!state.body_too_large) {
            if (state.request.body.size() + *upload_size > impl.options.limits.max_body) {
                state.body_too_large = true;
                state.request.body.clear();
            } else {
                state.request.body.append(upload_data, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (!state.dispatched) {
        state.dispatched = true;
        if (state.body_too_large) {
            ++counters.oversized_bodies;
            return queue(connection, error_response(413, "request body over 64 KiB"));
        }
        MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header,
                                  &state.request.headers);
        auto holder = *static_cast<std::shared_ptr<RequestState>*>(*con_cls);
        impl.handler(state.request, std::make_shared<Exchange>(holder));
    }
    if (state.answer) {
        return queue(connection, *state.answer);
    }
    if (state.stream) {
        return queue_stream(state);
    }
    state.waiting = true;
    impl.suspend(connection);
    return MHD_YES;
}

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    auto* holder = static_cast<std::shared_ptr<RequestState>*>(*con_cls);
    if (holder != nullptr) {
        (*holder)->connection = nullptr;
        delete holder;
        *con_cls = nullptr;
    }
}

MHD_Result on_accept(void* cls, const sockaddr* addr, socklen_t) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    HttpCounters& counters = impl.counters;
    const std::string ip = ip_text(addr);
    const auto it = impl.per_ip.find(ip);
    const unsigned from_ip = it != impl.per_ip.end() ? it->second : 0;
    if (counters.open_connections < impl.options.limits.max_connections &&
        from_ip < impl.options.limits.max_connections_per_ip) {
        return MHD_YES;
    }
    ++counters.refused_connections;
    std::uint64_t suppressed = 0;
    if (impl.refusal_log.allow(impl.clock.now(), suppressed)) {
        impl.log.warn("connection refused: over the limit",
                      {{"peer", ip},
                       {"suppressed", suppressed},
                       {"open", counters.open_connections},
                       {"from_peer", from_ip},
                       {"refused_total", counters.refused_connections}});
    }
    return MHD_NO;
}

void on_connection(void* cls, MHD_Connection* connection, void** socket_context,
                   MHD_ConnectionNotificationCode code) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    HttpCounters& counters = impl.counters;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        auto* socket = new SocketInfo{ip_text(info != nullptr ? info->client_addr : nullptr)};
        *socket_context = socket;
        ++impl.per_ip[socket->ip];
        ++counters.open_connections;
        return;
    }
    auto* socket = static_cast<SocketInfo*>(*socket_context);
    if (socket == nullptr) {
        return;
    }
    if (auto it = impl.per_ip.find(socket->ip); it != impl.per_ip.end() && --it->second == 0) {
        impl.per_ip.erase(it);
    }
    --counters.open_connections;
    if (!socket->had_request) {
        ++counters.timeouts; // idle, junk or given up before a whole request
    }
    delete socket;
    *socket_context = nullptr;
}

void on_mhd_log(void* cls, const char* format, va_list args) {
    auto& impl = *static_cast<HttpServer::Impl*>(cls);
    HttpCounters& counters = impl.counters;
    ++counters.http_errors;
    std::uint64_t suppressed = 0;
    if (!impl.error_log.allow(impl.clock.now(), suppressed)) {
        return;
    }
    char text[256];
    std::vsnprintf(text, sizeof text, format, args);
    std::string line = text;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
    }
    impl.log.warn(
        "http",
        {{"mhd", line}, {"errors_total", counters.http_errors}, {"suppressed", suppressed}});
}

} // namespace

base::Result<std::unique_ptr<HttpServer>, std::string>
HttpServer::start(Loop& loop, HttpServerOptions options, Handler handler, base::Logger log) {
    const std::string where = options.bind + ":" + std::to_string(options.port);
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    const sockaddr* address = nullptr;
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (::inet_pton(AF_INET, options.bind.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(options.port);
        address = reinterpret_cast<const sockaddr*>(&v4);
    } else if (::inet_pton(AF_INET6, options.bind.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(options.port);
        address = reinterpret_cast<const sockaddr*>(&v6);
        flags |= MHD_USE_IPv6;
    } else {
        return base::Err{"http: bind address is not an IP literal: " + options.bind};
    }
    std::unique_ptr<HttpServer> server(new HttpServer());
    server->impl_ =
        std::make_unique<Impl>(loop, std::move(options), std::move(handler), std::move(log));
    Impl& impl = *server->impl_;
    const HttpLimits& limits = impl.options.limits;
    impl.daemon = MHD_start_daemon(
        flags, impl.options.port, on_accept, &impl, on_request, &impl,
        // The logger first, so MHD prints nothing of its own to stderr.
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, &impl, MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_CONNECTION_LIMIT, limits.max_connections + 1, MHD_OPTION_CONNECTION_TIMEOUT,
        limits.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits.header_memory,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &impl, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, &impl, MHD_OPTION_END);
    if (impl.daemon == nullptr) {
        return base::Err{"http: cannot listen on " + where + " (address in use or not local?)"};
    }
    const MHD_DaemonInfo* fd = MHD_get_daemon_info(impl.daemon, MHD_DAEMON_INFO_EPOLL_FD);
    const MHD_DaemonInfo* port = MHD_get_daemon_info(impl.daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (fd == nullptr || port == nullptr) {
        return base::Err{"http: libmicrohttpd has no epoll fd (built without epoll?)"};
    }
    server->port_ = port->port;
    impl.timer = std::make_unique<Timer>(loop);
    impl.watcher = std::make_unique<FdWatcher>(loop, fd->epoll_fd, [&impl] { impl.run(); });
    impl.reschedule();
    return server;
}

const HttpCounters& HttpServer::counters() const {
    return impl_->counters;
}

HttpServer::~HttpServer() {
    if (!impl_ || impl_->daemon == nullptr) {
        return;
    }
    impl_->watcher.reset();
    // MHD refuses to stop with suspended connections: wake them so they close.
    for (MHD_Connection* c : impl_->suspended) {
        MHD_resume_connection(c);
    }
    impl_->suspended.clear();
    MHD_stop_daemon(impl_->daemon);
    impl_->daemon = nullptr;
}

} // namespace jamfleet::io
