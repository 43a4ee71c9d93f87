// jamfleet-web's I/O: polls the supervisor's status every second, keeps a
// control connection to every room and to the directory (the supervisor keeps
// its own; a control socket takes several clients), answers HTTP from the
// latest documents, and runs actions as control ops.
#include "web/web_app.h"

#include <unistd.h>

#include <csignal>
#include <ctime>
#include <variant>

#include "base/version.h"
#include "metrics/prometheus_text.h"
#include "web/page/dashboard_page.h"
#include "web/token.h"

namespace jamfleet::web {

using nlohmann::json;

namespace {

constexpr auto kFleetPoll = std::chrono::seconds(1);
constexpr auto kLevelsPoll = std::chrono::milliseconds(200);

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string sse_event(const std::string& event, const json& data) {
    return "event: " + event +
           "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// A control op's error: the child's own message is the client's fault (400);
// "control PATH: timed out" or "connection closed" is the room's (503).
io::HttpResponse control_error(const std::string& text) {
    return error_response(text.starts_with("control ") ? 503 : 400, text);
}

} // namespace

WebApp::WebApp(io::Loop& loop, WebOptions options, base::Logger log)
    : loop_(loop), options_(std::move(options)), log_(std::move(log)),
      supervisor_(loop, options_.supervisor_socket), fleet_timer_(loop), levels_timer_(loop) {}

WebApp::~WebApp() {
    *alive_ = false;
}

base::Result<std::unique_ptr<WebApp>, std::string> WebApp::start(io::Loop& loop, WebOptions options,
                                                                 base::Logger log) {
    auto token = read_token_file(options.token_file);
    if (!token.ok()) {
        return base::Err{token.error()};
    }
    std::unique_ptr<WebApp> app(new WebApp(loop, std::move(options), std::move(log)));
    WebApp& self = *app;
    self.token_ = std::move(token).value();
    io::HttpServerOptions http{self.options_.bind, self.options_.port, self.options_.limits};
    auto server = io::HttpServer::start(
        loop, http,
        [&self](const io::HttpRequest& request, std::shared_ptr<io::HttpExchange> exchange) {
            self.on_request(request, std::move(exchange));
        },
        base::Logger(self.log_.component()));
    if (!server.ok()) {
        return base::Err{server.error()};
    }
    self.http_ = std::move(server).value();
    if (!self.options_.control_socket.empty()) {
        control::Hello hello;
        hello.kind = "web";
        hello.name = "web";
        hello.pid = static_cast<std::int64_t>(::getpid());
        hello.port = self.http_->port();
        hello.version = base::kJamfleetVersion;
        auto endpoint = control::ControlEndpoint::listen(loop, self.options_.control_socket, hello);
        if (!endpoint.ok()) {
            return base::Err{endpoint.error()};
        }
        self.control_ = std::move(endpoint).value();
        self.control_->set_status_provider([&self] { return self.own_status(); });
        self.control_->set_on_stop([&self] { self.shutdown(); });
    }
    self.sigterm_ =
        std::make_unique<io::SignalWatcher>(loop, SIGTERM, [&self] { self.shutdown(); });
    self.sigint_ = std::make_unique<io::SignalWatcher>(loop, SIGINT, [&self] { self.shutdown(); });
    self.fleet_timer_.start(base::Duration::zero(), kFleetPoll, [&self] { self.poll_fleet(); });
    self.log_.info("listening", {{"bind", self.options_.bind}, {"port", self.http_->port()}});
    return app;
}

void WebApp::shutdown() {
    log_.info("shutting down");
    fleet_timer_.stop();
    levels_timer_.stop();
    loop_.stop();
}

json WebApp::own_status() const {
    const io::HttpCounters& c = http_->counters();
    return json{{"port", http_->port()},
                {"bind", options_.bind},
                {"requests", c.requests},
                {"openConnections", c.open_connections},
                {"refusedConnections", c.refused_connections},
                {"abandonedConnections", c.timeouts},
                {"oversizedBodies", c.oversized_bodies},
                {"badMethods", c.bad_methods},
                {"httpErrors", c.http_errors},
                {"eventStreams", streams_.size()},
                {"actions", actions_},
                {"refusedActions", refused_actions_},
                {"supervisorConnected", supervisor_.connected()}};
}

void WebApp::on_request(const io::HttpRequest& request,
                        std::shared_ptr<io::HttpExchange> exchange) {
    const RouterContext context{token_,
                                document_.is_null() ? nullptr : &document_,
                                dashboard_html(),
                                &room_names_,
                                directory_ != nullptr,
                                true};
    Route route = web::route(request, context);
    if (auto* response = std::get_if<io::HttpResponse>(&route)) {
        if (response->status == 401) {
            ++refused_actions_;
            log_.warn("action refused: no valid token",
                      {{"peer", request.peer}, {"path", request.path}});
        }
        exchange->respond(std::move(*response));
    } else if (std::holds_alternative<OpenEvents>(route)) {
        auto stream = exchange->open_stream("text/event-stream");
        stream->send("retry: 2000\n\n");
        if (!document_.is_null()) {
            stream->send(sse_event("fleet", document_));
        }
        streams_.push_back(std::move(stream));
        if (!levels_timer_.active()) {
            levels_timer_.start(kLevelsPoll, kLevelsPoll, [this] { poll_levels(); });
        }
    } else if (std::holds_alternative<ServeMetrics>(route)) {
        serve_metrics(std::move(exchange));
    } else {
        const auto& call = std::get<ControlCall>(route);
        ++actions_;
        log_.info("action", {{"peer", request.peer}, {"path", request.path}, {"op", call.op}});
        run_call(call, std::move(exchange));
    }
}

// A fresh supervisor status each time: a scrape sees the counters of now.
void WebApp::serve_metrics(std::shared_ptr<io::HttpExchange> exchange) {
    supervisor_.ask("status", json::object(), [exchange](base::Result<json, std::string> r) {
        if (!r.ok() || !r->is_object()) {
            exchange->respond(
                error_response(503, "no status from the supervisor: " +
                                        (r.ok() ? std::string("not an object") : r.error())));
            return;
        }
        exchange->respond(io::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                                           metrics::render_prometheus(*r)});
    });
}

control::ControlClient* WebApp::room_control(const std::string& room) {
    const auto it = rooms_.find(room);
    return it != rooms_.end() ? it->second.control.get() : nullptr;
}

void WebApp::run_call(const ControlCall& call, std::shared_ptr<io::HttpExchange> exchange) {
    // The reply callback holds a Pending: if the callback is dropped unanswered (a
    // room link removed by a reload), the request still gets an answer.
    struct Pending {
        std::shared_ptr<io::HttpExchange> exchange;
        bool ok_only = false;
        ~Pending() {
            if (exchange) {
                exchange->respond(error_response(503, "the child went away"));
            }
        }
    };
    const auto make_answer = [&exchange, &call] {
        auto pending = std::make_shared<Pending>(); // in place: a copy would answer early
        pending->exchange = exchange;
        pending->ok_only = call.reply_ok_only;
        return [pending](base::Result<json, std::string> result) {
            if (!result.ok()) {
                pending->exchange->respond(control_error(result.error()));
            } else {
                pending->exchange->respond(
                    json_response(pending->ok_only ? json{{"ok", true}} : *result));
            }
        };
    };
    switch (call.target) {
    case Target::Supervisor:
        supervisor_.ask(call.op, call.args,
                        [answer = make_answer()](base::Result<json, std::string> reply) {
                            if (!reply.ok()) {
                                answer(base::Err{"control supervisor: " + reply.error()});
                            } else if (reply->is_object() && reply->value("ok", true) == false) {
                                answer(base::Err{reply->value("error", std::string("refused"))});
                            } else {
                                answer(std::move(reply));
                            }
                        });
        return;
    case Target::Room:
    case Target::Directory: {
        control::ControlClient* client =
            call.target == Target::Room ? room_control(call.room) : directory_.get();
        if (client == nullptr || !client->ready()) {
            exchange->respond(error_response(503, "not connected to " + (call.target == Target::Room
                                                                             ? "room " + call.room
                                                                             : "the directory")));
            return;
        }
        client->request(call.op, call.args, make_answer()); // else Pending answers 503
        return;
    }
    case Target::EveryRoom: {
        // Answers when the last room's callback is done with it (or dropped).
        struct Fanout {
            std::shared_ptr<io::HttpExchange> exchange;
            json results = json::object();
            ~Fanout() {
                if (!exchange) {
                    return;
                }
                bool all = true;
                for (auto& [name, r] : results.items()) {
                    if (r.is_null()) {
                        r = json{{"error", "no answer"}};
                    }
                    all = all && !r.contains("error");
                }
                exchange->respond(json_response(json{{"ok", all}, {"rooms", results}}));
            }
        };
        auto fanout = std::make_shared<Fanout>();
        fanout->exchange = exchange;
        for (auto& [name, link] : rooms_) {
            const std::string room = name;
            fanout->results[room] = nullptr;
            auto record = [fanout, room](base::Result<json, std::string> r) {
                fanout->results[room] = r.ok() ? *r : json{{"error", r.error()}};
            };
            if (!link.control->request(call.op, call.args, record)) {
                record(base::Err{std::string("not connected")});
            }
        }
        return;
    }
    }
}

void WebApp::poll_fleet() {
    std::weak_ptr<bool> alive = alive_;
    supervisor_.ask("status", json::object(), [this, alive](base::Result<json, std::string> r) {
        if (alive.expired()) {
            return;
        }
        if (r.ok() && r->is_object() && r->contains("children")) {
            on_supervisor_status(std::move(r).value());
        }
    });
    // Fleet-wide bans (a supervisor without the command answers ok:false: stays null).
    supervisor_.ask("bans", json::object(), [this, alive](base::Result<json, std::string> r) {
        if (!alive.expired()) {
            data_.fleet_bans = r.ok() && r->value("ok", false) ? *r : json(nullptr);
        }
    });
}

void WebApp::on_supervisor_status(json status) {
    data_.supervisor = std::move(status);
    sync_room_links();
    poll_children();
    rebuild_document();
    broadcast("fleet", document_);
}

void WebApp::sync_room_links() {
    const auto ports = room_ports(data_.supervisor);
    room_names_.clear();
    for (auto it = rooms_.begin(); it != rooms_.end();) {
        const auto p = ports.find(it->first);
        if (p == ports.end() || p->second != it->second.port) {
            data_.rooms.erase(it->first);
            it = rooms_.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& [name, port] : ports) {
        room_names_.insert(name);
        if (rooms_.count(name) == 0) {
            RoomLink link;
            link.port = port;
            link.control = std::make_unique<control::ControlClient>(
                loop_, options_.run_dir + "/server-" + std::to_string(port) + ".sock");
            link.control->start();
            rooms_.emplace(name, std::move(link));
        }
    }
    bool has_directory = false;
    for (const auto& child : data_.supervisor["children"]) {
        has_directory = has_directory || child.value("kind", "") == "directory";
    }
    if (has_directory && !directory_) {
        directory_ =
            std::make_unique<control::ControlClient>(loop_, options_.run_dir + "/directory.sock");
        directory_->start();
    } else if (!has_directory) {
        directory_.reset();
        data_.directory_entries = nullptr;
        data_.directory_bans = nullptr;
    }
}

void WebApp::poll_children() {
    std::weak_ptr<bool> alive = alive_;
    for (auto& [name, link] : rooms_) {
        const std::string room = name;
        auto store = [this, alive, room](json RoomData::*field) {
            return [this, alive, room, field](base::Result<json, std::string> r) {
                if (!alive.expired() && rooms_.count(room) != 0) {
                    data_.rooms[room].*field = r.ok() ? *r : json(nullptr);
                }
            };
        };
        if (!link.control->ready()) {
            data_.rooms[room] = RoomData{};
            continue;
        }
        link.control->request("clients", json::object(), store(&RoomData::clients));
        link.control->request("getBans", json::object(), store(&RoomData::bans));
    }
    if (directory_ && directory_->ready()) {
        directory_->request("entries", json::object(),
                            [this, alive](base::Result<json, std::string> r) {
                                if (!alive.expired()) {
                                    data_.directory_entries = r.ok() ? *r : json(nullptr);
                                }
                            });
        directory_->request("getBans", json::object(),
                            [this, alive](base::Result<json, std::string> r) {
                                if (!alive.expired()) {
                                    data_.directory_bans = r.ok() ? *r : json(nullptr);
                                }
                            });
    }
}

void WebApp::poll_levels() {
    std::erase_if(streams_, [](const auto& s) { return !s->open(); });
    if (streams_.empty()) {
        levels_timer_.stop(); // levels are polled only while someone watches
        return;
    }
    broadcast("levels", levels_document(data_));
    std::weak_ptr<bool> alive = alive_;
    for (auto& [name, link] : rooms_) {
        if (!link.control->ready()) {
            continue;
        }
        const std::string room = name;
        link.control->request("clients", json::object(),
                              [this, alive, room](base::Result<json, std::string> r) {
                                  if (!alive.expired() && rooms_.count(room) != 0 && r.ok()) {
                                      data_.rooms[room].clients = std::move(r).value();
                                  }
                              });
    }
}

void WebApp::rebuild_document() {
    document_ = fleet_document(data_, utc_now());
}

void WebApp::broadcast(const std::string& event, const json& data) {
    std::erase_if(streams_, [](const auto& s) { return !s->open(); });
    if (streams_.empty()) {
        return;
    }
    const std::string text = sse_event(event, data);
    for (auto& stream : streams_) {
        stream->send(text);
    }
}

} // namespace jamfleet::web
