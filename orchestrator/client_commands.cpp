// Control-socket client commands (see client_commands.h and control_socket.h).
#include "orchestrator/client_commands.h"

#include "metrics/prometheus_text.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <thread>

#include "config/fleet_config.h"
#include "config/fleet_loader.h"
#include "io/line_client.h"
#include "io/loop.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/offline_commands.h"

namespace jamfleet::orchestrator {

std::optional<nlohmann::json> ask_supervisor(const std::string& run_dir,
                                             const nlohmann::json& request, bool wait_for_close,
                                             base::Duration timeout, std::string& error) {
    io::Loop loop;
    io::LineClient client(loop);
    std::optional<nlohmann::json> reply;
    bool connected = false;
    bool closed = false;
    bool failed = false;
    client.set_on_line([&](std::string_view line) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        if (!reply) {
            reply = parsed.is_discarded() ? nlohmann::json{{"ok", false}, {"error", "bad reply"}}
                                          : parsed;
        }
    });
    client.set_on_closed([&] { closed = true; });
    const std::string path = supervisor_socket_path(run_dir);
    client.connect_unix(path, [&](base::Status<std::string> result) {
        if (!result.ok()) {
            error = result.error() + " (is jamfleet running with run_dir " + run_dir + "?)";
            failed = true;
            return;
        }
        connected = true;
        client.send(request.dump());
    });
    loop.run_until([&] { return failed || closed || (reply && !wait_for_close); }, timeout);
    if (failed) {
        return std::nullopt;
    }
    if (!reply) {
        error = connected ? "no reply from the supervisor within the time limit"
                          : "connect unix " + path + ": timed out";
        return std::nullopt;
    }
    if (wait_for_close && !closed) {
        error = "the supervisor did not finish stopping within the time limit";
        return std::nullopt;
    }
    return reply;
}

namespace {

using namespace std::chrono_literals;

// The short name the commands below use.
std::optional<nlohmann::json> ask(const std::string& run_dir, const nlohmann::json& request,
                                  bool wait_for_close, base::Duration timeout, std::string& error) {
    return ask_supervisor(run_dir, request, wait_for_close, timeout, error);
}

std::string join(const nlohmann::json& list) {
    std::string text;
    for (const auto& item : list) {
        text += (text.empty() ? "" : ", ") + item.get<std::string>();
    }
    return text.empty() ? "-" : text;
}

// "; live A, B", or "" for an empty list.
std::string optional_list(const char* label, const nlohmann::json& list) {
    return list.empty() ? std::string() : label + join(list);
}

std::string text_of(const nlohmann::json& value) {
    if (value.is_null()) {
        return "-";
    }
    return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace

std::string resolve_run_dir(const std::string& run_dir_flag, const std::string& fleet_file,
                            std::string& error) {
    if (!run_dir_flag.empty()) {
        return run_dir_flag;
    }
    if (fleet_file.empty()) {
        // The packaged service's run directory, when a supervisor listens there.
        std::error_code ec;
        if (std::filesystem::exists(supervisor_socket_path(kServiceRunDir), ec)) {
            return kServiceRunDir;
        }
        return config::FleetSettings{}.run_dir;
    }
    auto fleet = config::load_fleet_file(fleet_file);
    if (!fleet.ok()) {
        for (const auto& e : fleet.error()) {
            error += e.to_string() + "\n";
        }
        return {};
    }
    return fleet->fleet.run_dir;
}

std::string format_status(const nlohmann::json& status) {
    std::string out = "fleet \"" + status.value("fleet", "") + "\" (" + status.value("file", "") +
                      "), supervisor pid " + text_of(status.value("pid", nlohmann::json())) +
                      (status.contains("version") ? " version " + text_of(status["version"]) : "") +
                      (status.value("stopping", false) ? ", stopping" : "") + "\n";
    for (const auto& child : status.value("children", nlohmann::json::array())) {
        out += "  " + child.value("name", "?") + "  " + child.value("kind", "?") + "  port " +
               text_of(child.value("port", nlohmann::json())) + "  pid " +
               text_of(child.value("pid", nlohmann::json())) + "  " + child.value("state", "?") +
               "  restarts " + text_of(child.value("restarts", nlohmann::json()));
        const nlohmann::json details = child.value("child", nlohmann::json::object());
        if (details.is_object()) {
            if (details.contains("clients")) {
                const auto& clients = details["clients"];
                out += "  clients " +
                       (clients.is_array() ? std::to_string(clients.size()) : text_of(clients));
            }
            if (details.contains("registration")) {
                out += "  registration " + text_of(details["registration"]);
            }
            // A mixer's dropped datagrams and limited answers, summed (docs/admission.md).
            if (const auto drops = details.find("drops");
                drops != details.end() && drops->is_object()) {
                std::uint64_t total = 0;
                for (const auto& [reason, count] : drops->items()) {
                    total += count.is_number_unsigned() ? count.get<std::uint64_t>() : 0;
                }
                out += "  dropped " + std::to_string(total);
            }
            if (details.contains("entries")) {
                out += "  entries " + text_of(details["entries"]);
            }
        }
        if (!child.value("last_exit", "").empty()) {
            out += "  last exit: " + child.value("last_exit", "");
        }
        if (child.value("adopted", false)) {
            out += "  adopted";
        }
        if (child.contains("failure_reason")) {
            out += "  failed: " + text_of(child["failure_reason"]);
        }
        if (child.contains("next_try")) {
            out += "  next try " + text_of(child["next_try"]) + " (in " +
                   text_of(child.value("next_try_in_s", nlohmann::json())) + " s)";
        }
        out += "\n";
        // What a failed or backing-off child said last is usually why.
        for (const auto& line : child.value("last_lines", nlohmann::json::array())) {
            out += "    | " + text_of(line) + "\n";
        }
    }
    for (const auto& record : status.value("srv", nlohmann::json::array())) {
        out += "  srv " + text_of(record) + "\n";
    }
    return out;
}

std::string format_reload(const nlohmann::json& reply) {
    if (!reply.value("ok", false)) {
        std::string out;
        for (const auto& error : reply.value("errors", nlohmann::json::array())) {
            out += text_of(error) + "\n";
        }
        return out + "reload rejected; the running fleet is unchanged\n";
    }
    std::string out = "reloaded: added " + join(reply.value("added", nlohmann::json::array())) +
                      "; removed " + join(reply.value("removed", nlohmann::json::array())) +
                      "; changed " + join(reply.value("changed", nlohmann::json::array())) +
                      "; unchanged " + join(reply.value("unchanged", nlohmann::json::array())) +
                      optional_list("; live ", reply.value("live", nlohmann::json::array())) +
                      optional_list("; waiting to restart when empty ",
                                    reply.value("waiting", nlohmann::json::array())) +
                      (reply.value("directory_restarted", false) ? "; directory restarted" : "") +
                      "\n";
    for (const auto& note : reply.value("notes", nlohmann::json::array())) {
        out += "note: " + text_of(note) + "\n";
    }
    return out;
}

int command_status(const std::string& run_dir, bool json, std::ostream& out, std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "status"}}, false, 10s, error);
    if (!reply) {
        err << "jamfleet status: " << error << "\n";
        return kExitFailure;
    }
    out << (json ? reply->dump(2) + "\n" : format_status(*reply));
    return kExitOk;
}

int command_metrics(const std::string& run_dir, std::ostream& out, std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "status"}}, false, 10s, error);
    if (!reply) {
        err << "jamfleet metrics: " << error << "\n";
        return kExitFailure;
    }
    out << metrics::render_prometheus(*reply);
    return kExitOk;
}

int command_reload(const std::string& run_dir, std::ostream& out, std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "reload"}}, false, 30s, error);
    if (!reply) {
        err << "jamfleet reload: " << error << "\n";
        return kExitFailure;
    }
    const bool ok = reply->value("ok", false);
    (ok ? out : err) << format_reload(*reply);
    return ok ? kExitOk : kExitUsage;
}

int command_restart(const std::string& run_dir, const std::string& name, std::ostream& out,
                    std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "restart"}, {"name", name}}, false, 30s, error);
    if (!reply) {
        err << "jamfleet restart: " << error << "\n";
        return kExitFailure;
    }
    if (!reply->value("ok", false)) {
        err << "jamfleet restart: " << reply->value("error", "failed") << "\n";
        return kExitFailure;
    }
    out << "restarting " << name << "\n";
    return kExitOk;
}

int command_upgrade(const std::string& run_dir, bool now, std::ostream& out, std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "upgrade"}, {"now", now}}, false, 10s, error);
    if (!reply) {
        err << "jamfleet upgrade: " << error << "\n";
        return kExitFailure;
    }
    if (!reply->value("ok", false)) {
        err << "jamfleet upgrade: " << reply->value("error", "failed") << "\n";
        return kExitFailure;
    }
    const std::string old_pid_version = reply->value("version", "");
    // The old image answers until it re-executes; wait for the new one's status.
    std::this_thread::sleep_for(400ms);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        std::string ignored;
        if (const auto status = ask(run_dir, {{"command", "status"}}, false, 2s, ignored)) {
            out << "upgraded: supervisor pid " << text_of(status->value("pid", nlohmann::json()))
                << " version " << status->value("version", "?") << " (was " << old_pid_version
                << ")\n";
            return kExitOk;
        }
        std::this_thread::sleep_for(100ms);
    }
    err << "jamfleet upgrade: the supervisor did not answer after re-executing\n";
    return kExitFailure;
}

int command_stop(const std::string& run_dir, std::ostream& out, std::ostream& err) {
    std::string error;
    const auto reply = ask(run_dir, {{"command", "stop"}}, true, 60s, error);
    if (!reply) {
        err << "jamfleet stop: " << error << "\n";
        return kExitFailure;
    }
    out << "fleet stopped\n";
    return kExitOk;
}

} // namespace jamfleet::orchestrator
