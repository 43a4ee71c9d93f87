// Reload: the new file is validated, compared with the running fleet
// (config_diff.h), and applied with the least disruption: live settings go to
// the running room, rooms whose start-up settings changed restart once they are
// empty, removed rooms stop, new rooms start.
#include "config/config_diff.h"
#include "config/fleet_loader.h"
#include "config/placement_file.h"
#include "config/room_settings.h"
#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {
namespace {

std::size_t client_count(const Child& child) {
    const auto clients = child.child_status.find("clients");
    return clients != child.child_status.end() && clients->is_array() ? clients->size() : 0;
}

} // namespace

void Supervisor::restart_with_pending_spec(Child& child) {
    if (!child.pending_spec || child.state == ChildState::Stopping) {
        return;
    }
    log_.info("restarting with new settings", {{"child", child.spec.name}});
    Child* target = &child;
    stop_child(child, [this, target] {
        if (target->pending_spec) {
            target->spec = std::move(*target->pending_spec);
            target->pending_spec.reset();
        }
        if (!stopping_) {
            ++target->restarts;
            start_child(*target);
        }
    });
}

bool Supervisor::restart_when_empty(Child& child, LaunchSpec next) {
    if (child.state == ChildState::Adopting) {
        // Its hello is judged against the new settings (on_adoption_hello).
        child.spec = std::move(next);
        return false;
    }
    child.pending_spec = std::move(next);
    if (child.state != ChildState::Running || !child.control || !child.control->ready()) {
        restart_with_pending_spec(child);
        return false;
    }
    // The decision waits for a fresh client count (the last poll may be a second
    // old and miss a musician who just joined); the report uses the last one.
    const bool busy = child.child_status.is_null() || client_count(child) > 0;
    if (busy) {
        log_.info("waiting for the room to empty before restarting",
                  {{"child", child.spec.name}, {"clients", client_count(child)}});
    }
    request_child_status(child);
    return busy;
}

void Supervisor::apply_live_settings(Child& child, LaunchSpec next) {
    if (child.state != ChildState::Running || !child.control || !child.control->ready()) {
        // Not running: the next start uses the new settings.
        if (child.state == ChildState::Running || child.state == ChildState::Adopting) {
            restart_when_empty(child, std::move(next));
        } else {
            child.spec = std::move(next);
        }
        return;
    }
    const config::ServerConfig* server = fleet_.find_server(next.name);
    const std::string digest = settings_digest(next);
    nlohmann::json args = {{"serverinfo", server_info(server->name, server->city, server->country)},
                           {"welcome", server->options.welcome},
                           {"fleet", fleet_.fleet.name},
                           {"settings", digest}};
    if (!server->options.recording_dir.empty() && options_.bins.mixer_recording) {
        args["recording"] = !server->options.norecord;
    }
    Child* target = &child;
    child.control->request(
        "apply_settings", std::move(args),
        [this, target, next](base::Result<nlohmann::json, std::string> result) mutable {
            if (target->state != ChildState::Running || !target->process) {
                target->spec = std::move(next);
                return;
            }
            if (!result.ok()) {
                log_.warn("room cannot take live settings; restarting it when empty",
                          {{"child", target->spec.name}, {"error", result.error()}});
                restart_when_empty(*target, std::move(next));
                return;
            }
            target->spec = std::move(next);
            write_child_record(*target);
            log_.info("live settings applied", {{"child", target->spec.name}});
        });
}

ReloadReport Supervisor::reload() {
    ReloadReport report;
    if (stopping_ || reloading_) {
        report.errors.push_back(stopping_ ? "the fleet is stopping"
                                          : "a reload is still in progress");
        return report;
    }
    auto loaded = config::load_fleet_for_run(options_.fleet_file, options_.host);
    if (!loaded.ok()) {
        for (const auto& error : loaded.error()) {
            report.errors.push_back(error.to_string());
            log_.error("reload: " + error.to_string());
        }
        log_.error("reload rejected; the running fleet is unchanged",
                   {{"errors", loaded.error().size()}});
        return report;
    }
    config::FleetConfig next = std::move(loaded).value();
    const config::FleetDiff diff = config::diff_fleets(fleet_, next);
    report.ok = true;
    report.added = diff.added;
    report.removed = diff.removed;
    report.unchanged = diff.unchanged;
    report.live = diff.live_changed;
    report.directory_restarted = diff.directory_changed;
    if (diff.run_dir_changed) {
        // Sockets and files already live in the old run directory.
        next.fleet.run_dir = fleet_.fleet.run_dir;
        report.notes.push_back("run_dir changes take effect when jamfleet restarts");
    }
    log_.info("reload", {{"added", diff.added.size()},
                         {"removed", diff.removed.size()},
                         {"changed", diff.changed.size()},
                         {"live", diff.live_changed.size()},
                         {"unchanged", diff.unchanged.size()},
                         {"directory_restart", diff.directory_changed ? "yes" : "no"}});
    // Everything leaving stops first, so a new room can take a port a removed
    // one held; then the new children start.
    std::vector<std::unique_ptr<Child>> leaving;
    for (const auto& name : diff.removed) {
        leaving.push_back(std::move(rooms_[name]));
        rooms_.erase(name);
    }
    if (diff.directory_changed && directory_) {
        leaving.push_back(std::move(directory_));
    }
    // jamfleet-web restarts when anything it is started with changed (or goes/comes).
    const auto web_before = web_launch(fleet_, options_.bins);
    const auto web_after = web_launch(next, options_.bins);
    const bool web_changed = web_before != web_after;
    if (web_changed && web_) {
        leaving.push_back(std::move(web_));
    }
    if (web_changed) {
        report.notes.push_back(web_after ? "jamfleet-web restarts with the new web: settings"
                                         : "jamfleet-web stops (no web: section)");
    }
    // Renamed rooms keep their process under the new name.
    for (const auto& [old_name, new_name] : diff.renamed) {
        auto child = std::move(rooms_[old_name]);
        rooms_.erase(old_name);
        rooms_[new_name] = std::move(child);
    }
    fleet_ = std::move(next);
    write_srv_file();
    for (const auto& name : diff.live_changed) {
        apply_live_settings(*rooms_[name],
                            server_launch(fleet_, *fleet_.find_server(name), options_.bins));
    }
    // Start-up settings changed: an occupied room keeps its musicians until
    // they leave; an empty one restarts now.
    for (const auto& name : diff.changed) {
        Child& child = *rooms_[name];
        const bool waits = restart_when_empty(
            child, server_launch(fleet_, *fleet_.find_server(name), options_.bins));
        (waits ? report.waiting : report.changed).push_back(name);
    }
    const bool start_directory = diff.directory_changed;
    std::vector<std::string> to_start = diff.added;
    reloading_ = true;
    auto pending = std::make_shared<std::size_t>(leaving.size() + 1);
    auto finish = [this, pending, start_directory, to_start, web_changed] {
        if (--*pending == 0) {
            reloading_ = false;
            if (!stopping_) {
                start_new_children(start_directory, to_start);
                if (web_changed) {
                    start_web();
                }
            }
            schedule_cleanup();
        }
    };
    for (auto& child : leaving) {
        Child& ref = *child;
        retired_.push_back(std::move(child));
        stop_child(ref, finish);
    }
    // A reload also retries what had failed (a port that is free again, say).
    for (const auto& name : diff.unchanged) {
        Child& child = *rooms_[name];
        if (child.state == ChildState::Failed) {
            child.policy.reset();
            start_child(child);
        }
    }
    if (!start_directory && directory_ && directory_->state == ChildState::Failed) {
        directory_->policy.reset();
        start_child(*directory_);
    }
    finish();
    return report;
}

} // namespace jamfleet::orchestrator
