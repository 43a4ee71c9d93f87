// Supervisor side of `jamfleet status|reload|restart|stop` (see control_socket.h).
#include "orchestrator/control_socket.h"

namespace jamfleet::orchestrator {

nlohmann::json reload_report_json(const ReloadReport& report) {
    return nlohmann::json{{"ok", report.ok},
                          {"errors", report.errors},
                          {"added", report.added},
                          {"removed", report.removed},
                          {"changed", report.changed},
                          {"unchanged", report.unchanged},
                          {"live", report.live},
                          {"waiting", report.waiting},
                          {"directory_restarted", report.directory_restarted},
                          {"notes", report.notes}};
}

base::Result<std::unique_ptr<ControlSocket>, std::string>
ControlSocket::listen(io::Loop& loop, const std::string& path, Supervisor& supervisor,
                      std::function<void()> on_stop_requested,
                      std::function<void(bool now)> on_upgrade_requested) {
    std::unique_ptr<ControlSocket> socket(new ControlSocket(
        supervisor, std::move(on_stop_requested), std::move(on_upgrade_requested)));
    auto server = io::LineServer::listen_unix(loop, path);
    if (!server.ok()) {
        return base::Err{"control socket: " + server.error()};
    }
    socket->server_ = std::move(server).value();
    ControlSocket* self = socket.get();
    socket->server_->set_on_line(
        [self](io::ConnectionId id, std::string_view line) { self->on_line(id, line); });
    return socket;
}

void ControlSocket::on_line(io::ConnectionId id, std::string_view line) {
    const auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
        !request["command"].is_string()) {
        server_->send(id, nlohmann::json{{"ok", false}, {"error", "bad request"}}.dump());
        return;
    }
    const std::string command = request["command"];
    if (command == "status") {
        server_->send(id, supervisor_.status().dump());
    } else if (command == "reload") {
        server_->send(id, reload_report_json(supervisor_.reload()).dump());
    } else if (command == "restart") {
        std::string error;
        const std::string name = request.value("name", "");
        const bool ok = supervisor_.restart(name, error);
        nlohmann::json reply = {{"ok", ok}};
        if (!ok) {
            reply["error"] = error;
        }
        server_->send(id, reply.dump());
    } else if (command == "ban" || command == "unban") {
        auto reply =
            command == "ban" ? supervisor_.fleet_ban(request) : supervisor_.fleet_unban(request);
        server_->send(id, reply.ok()
                              ? reply->dump()
                              : nlohmann::json{{"ok", false}, {"error", reply.error()}}.dump());
    } else if (command == "bans") {
        server_->send(id,
                      nlohmann::json{{"ok", true}, {"bans", supervisor_.fleet_bans_json()}}.dump());
    } else if (command == "stop") {
        server_->send(id, nlohmann::json{{"ok", true}}.dump());
        if (on_stop_requested_) {
            on_stop_requested_();
        }
    } else if (command == "upgrade" && on_upgrade_requested_) {
        if (supervisor_.stopping()) {
            server_->send(id,
                          nlohmann::json{{"ok", false}, {"error", "the fleet is stopping"}}.dump());
            return;
        }
        server_->send(
            id, nlohmann::json{{"ok", true}, {"version", supervisor_.status().value("version", "")}}
                    .dump());
        const auto now = request.find("now");
        on_upgrade_requested_(now != request.end() && now->is_boolean() && now->get<bool>());
    } else {
        server_->send(
            id, nlohmann::json{{"ok", false}, {"error", "unknown command " + command}}.dump());
    }
}

} // namespace jamfleet::orchestrator
