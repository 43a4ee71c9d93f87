// The supervisor's child lifecycle: start with a port pre-check, restart with
// backoff, reload as stop-then-start of exactly the affected children, and
// orderly shutdown (rooms first so they unregister, then the directory).
#include "orchestrator/supervisor.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/log_style.h"
#include "config/config_diff.h"
#include "config/fleet_loader.h"
#include "config/srv_records.h"
#include "io/socket_address.h"
#include "io/udp_socket.h"

namespace jamfleet::orchestrator {

Supervisor::Supervisor(io::Loop& loop, SupervisorOptions options, config::FleetConfig fleet,
                       const base::Clock& clock, base::Logger& log)
    : loop_(loop), options_(std::move(options)), fleet_(std::move(fleet)), clock_(clock), log_(log),
      graveyard_timer_(loop), status_poll_timer_(loop) {}

Supervisor::~Supervisor() = default;

std::unique_ptr<Child> Supervisor::make_child(LaunchSpec spec) {
    return std::make_unique<Child>(loop_, std::move(spec), options_.restart, next_seed_++);
}

void Supervisor::start() {
    write_srv_file();
    std::vector<std::string> names;
    for (const auto& server : fleet_.servers) {
        names.push_back(server.name);
    }
    start_new_children(true, names);
    // Client counts and registration state come from the children; poll them so
    // `jamfleet status` answers at once.
    status_poll_timer_.start(std::chrono::milliseconds(500), std::chrono::seconds(1),
                             [this] { poll_child_status(); });
}

void Supervisor::poll_child_status() {
    auto poll = [](Child& child) {
        if (!child.control || !child.control->ready()) {
            return;
        }
        Child* target = &child;
        child.control->request("status", nlohmann::json::object(),
                               [target](base::Result<nlohmann::json, std::string> result) {
                                   if (result.ok()) {
                                       target->child_status = std::move(result).value();
                                   }
                               });
    };
    if (directory_) {
        poll(*directory_);
    }
    for (auto& [name, child] : rooms_) {
        poll(*child);
    }
}

void Supervisor::start_new_children(bool directory, const std::vector<std::string>& rooms) {
    if (directory) {
        if (auto spec = directory_launch(fleet_, options_.bins)) {
            directory_ = make_child(std::move(*spec));
            start_child(*directory_);
        } else {
            directory_.reset();
        }
    }
    for (const auto& name : rooms) {
        const config::ServerConfig* server = fleet_.find_server(name);
        if (server == nullptr) {
            continue;
        }
        auto child = make_child(server_launch(fleet_, *server, options_.bins));
        Child& ref = *child;
        rooms_[name] = std::move(child);
        start_child(ref);
    }
}

void Supervisor::write_srv_file() {
    std::error_code ec;
    std::filesystem::create_directories(fleet_.fleet.run_dir, ec);
    const std::string path = fleet_.fleet.run_dir + "/srv.txt";
    std::ofstream out(path, std::ios::trunc);
    out << config::srv_zone_text(fleet_);
    if (!out) {
        log_.warn("cannot write SRV records", {{"path", path}});
    }
}

Child* Supervisor::find(const std::string& name) {
    if (auto it = rooms_.find(name); it != rooms_.end()) {
        return it->second.get();
    }
    if (name == kDirectoryChildName && directory_) {
        return directory_.get();
    }
    return nullptr;
}

void Supervisor::mark_failed(Child& child, std::string reason) {
    child.state = ChildState::Failed;
    child.failure_reason = std::move(reason);
    log_.error("child failed", {{"child", child.spec.name}, {"reason", child.failure_reason}});
}

void Supervisor::start_child(Child& child) {
    child.restart_timer.stop();
    // A port held by a foreign process would make the child exit at once and
    // crash-loop; check first so the reason is precise and the others start.
    const auto ip = io::SocketAddress::parse_ip(child.spec.bind);
    if (ip) {
        auto probe = io::UdpSocket::bind(io::SocketAddress{*ip, child.spec.port});
        if (!probe.ok()) {
            mark_failed(child, probe.error());
            return;
        }
    }
    io::ChildOptions options;
    options.path = child.spec.program;
    options.args = child.spec.args;
    options.new_process_group = true;
    options.death_signal = SIGTERM;
    options.log_name = child.spec.name;
    // Children write plain lines; this process labels and styles them (base/log_style.h).
    options.env[base::kLogStyleVariable] = "plain";
    options.on_output_line = [this, name = child.spec.name](std::string_view line) {
        log_.write_line(label_child_line(name, line));
    };
    Child* target = &child;
    auto process =
        io::ChildProcess::spawn(loop_, options, [this, target](std::int64_t status, int signal) {
            on_child_exit(*target, status, signal);
        });
    if (!process.ok()) {
        mark_failed(child, process.error());
        return;
    }
    child.process = std::move(process).value();
    if (!child.spec.control_socket.empty()) {
        child.control = std::make_unique<control::ControlClient>(loop_, child.spec.control_socket);
        child.control->start();
    }
    child.state = ChildState::Running;
    child.started_at = clock_.now();
    child.failure_reason.clear();
    log_.info("child started", {{"child", child.spec.name},
                                {"pid", static_cast<long long>(child.process->pid())},
                                {"port", child.spec.port}});
}

void Supervisor::bury(std::unique_ptr<io::ChildProcess> process) {
    if (process) {
        graveyard_.push_back(std::move(process));
    }
    schedule_cleanup();
}

void Supervisor::schedule_cleanup() {
    graveyard_timer_.start(base::Duration::zero(), base::Duration::zero(), [this] {
        graveyard_.clear();
        std::erase_if(retired_, [](const auto& child) {
            return child->state == ChildState::Stopped || child->state == ChildState::Failed;
        });
    });
}

void Supervisor::on_child_exit(Child& child, std::int64_t exit_status, int term_signal) {
    child.kill_timer.stop();
    bury(std::move(child.process));
    child.control.reset();
    child.child_status = nlohmann::json();
    child.last_exit = describe_exit(exit_status, term_signal);
    if (child.state == ChildState::Stopping) {
        child.state = ChildState::Stopped;
        log_.info("child stopped", {{"child", child.spec.name}, {"exit", child.last_exit}});
        auto callbacks = std::move(child.on_stopped);
        child.on_stopped.clear();
        for (auto& callback : callbacks) {
            callback();
        }
        return;
    }
    const RestartDecision decision = child.policy.on_exit(child.started_at, clock_.now());
    if (decision.failed) {
        mark_failed(child, "crashed " + std::to_string(child.policy.crashes_in_window()) +
                               " times within the restart window; last: " + child.last_exit);
        return;
    }
    child.state = ChildState::Backoff;
    log_.warn("child exited; restarting",
              {{"child", child.spec.name},
               {"exit", child.last_exit},
               {"delay_ms",
                std::chrono::duration_cast<std::chrono::milliseconds>(decision.delay).count()}});
    Child* target = &child;
    child.restart_timer.start(decision.delay, base::Duration::zero(), [this, target] {
        if (target->state == ChildState::Backoff && !stopping_) {
            ++target->restarts;
            start_child(*target);
        }
    });
}

void Supervisor::stop_child(Child& child, std::function<void()> done) {
    child.restart_timer.stop();
    if (child.state == ChildState::Stopping) {
        if (done) {
            child.on_stopped.push_back(std::move(done));
        }
        return;
    }
    if (child.state != ChildState::Running || !child.process) {
        // Backoff, Failed or Stopped: nothing runs; a failed child keeps its reason.
        if (child.state == ChildState::Backoff) {
            child.state = ChildState::Stopped;
        }
        if (done) {
            done();
        }
        return;
    }
    if (done) {
        child.on_stopped.push_back(std::move(done));
    }
    child.state = ChildState::Stopping;
    child.process->kill(SIGTERM);
    Child* target = &child;
    child.kill_timer.start(options_.stop_timeout, base::Duration::zero(), [this, target] {
        if (target->process) {
            log_.warn("child ignored SIGTERM; killing", {{"child", target->spec.name}});
            target->process->kill(SIGKILL);
        }
    });
}

bool Supervisor::restart(const std::string& name, std::string& error) {
    if (stopping_) {
        error = "the fleet is stopping";
        return false;
    }
    Child* child = find(name);
    if (child == nullptr) {
        error = "no child named '" + name + "'";
        return false;
    }
    child->policy.reset();
    log_.info("restart requested", {{"child", name}});
    stop_child(*child, [this, child] {
        ++child->restarts;
        start_child(*child);
    });
    return true;
}

ReloadReport Supervisor::reload() {
    ReloadReport report;
    if (stopping_ || reloading_) {
        report.errors.push_back(stopping_ ? "the fleet is stopping"
                                          : "a reload is still in progress");
        return report;
    }
    auto loaded = config::load_fleet_file(options_.fleet_file);
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
    report.changed = diff.changed;
    report.unchanged = diff.unchanged;
    report.directory_restarted = diff.directory_changed;
    if (diff.run_dir_changed) {
        // Sockets and files already live in the old run directory.
        next.fleet.run_dir = fleet_.fleet.run_dir;
        report.notes.push_back("run_dir changes take effect when jamfleet restarts");
    }
    log_.info("reload", {{"added", diff.added.size()},
                         {"removed", diff.removed.size()},
                         {"changed", diff.changed.size()},
                         {"unchanged", diff.unchanged.size()},
                         {"directory_restart", diff.directory_changed ? "yes" : "no"}});
    // Everything leaving stops first, so a changed room can take a port a removed
    // one held; then the new children start.
    std::vector<std::unique_ptr<Child>> leaving;
    for (const auto& name : diff.removed) {
        leaving.push_back(std::move(rooms_[name]));
        rooms_.erase(name);
    }
    for (const auto& name : diff.changed) {
        leaving.push_back(std::move(rooms_[name]));
        rooms_.erase(name);
    }
    if (diff.directory_changed && directory_) {
        leaving.push_back(std::move(directory_));
    }
    fleet_ = std::move(next);
    write_srv_file();
    std::vector<std::string> to_start = diff.added;
    to_start.insert(to_start.end(), diff.changed.begin(), diff.changed.end());
    const bool start_directory = diff.directory_changed;
    reloading_ = true;
    auto pending = std::make_shared<std::size_t>(leaving.size() + 1);
    auto finish = [this, pending, start_directory, to_start] {
        if (--*pending == 0) {
            reloading_ = false;
            if (!stopping_) {
                start_new_children(start_directory, to_start);
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

void Supervisor::stop(std::function<void()> done) {
    if (stopping_) {
        return;
    }
    stopping_ = true;
    status_poll_timer_.stop();
    log_.info("stopping the fleet");
    auto rooms_left = std::make_shared<std::size_t>(rooms_.size() + retired_.size() + 1);
    auto after_rooms = [this, rooms_left, done] {
        if (--*rooms_left != 0) {
            return;
        }
        auto finish = [this, done] {
            log_.info("fleet stopped");
            if (done) {
                done();
            }
        };
        if (directory_) {
            stop_child(*directory_, finish);
        } else {
            finish();
        }
    };
    for (auto& [name, child] : rooms_) {
        stop_child(*child, after_rooms);
    }
    for (auto& child : retired_) {
        stop_child(*child, after_rooms);
    }
    after_rooms();
}

nlohmann::json Supervisor::status() const {
    nlohmann::json children = nlohmann::json::array();
    auto describe = [&](const Child& child) {
        nlohmann::json entry = {
            {"name", child.spec.name},
            {"kind", child.spec.kind == ChildKind::Directory ? "directory" : "mixer"},
            {"port", child.spec.port},
            {"state", to_string(child.state)},
            {"restarts", child.restarts},
            {"last_exit", child.last_exit},
        };
        entry["pid"] = child.process ? nlohmann::json(child.process->pid()) : nlohmann::json();
        if (!child.failure_reason.empty()) {
            entry["failure_reason"] = child.failure_reason;
        }
        if (!child.child_status.is_null()) {
            entry["child"] = child.child_status;
        }
        children.push_back(std::move(entry));
    };
    if (directory_) {
        describe(*directory_);
    }
    for (const auto& server : fleet_.servers) {
        if (auto it = rooms_.find(server.name); it != rooms_.end()) {
            describe(*it->second);
        }
    }
    return nlohmann::json{{"fleet", fleet_.fleet.name},
                          {"file", options_.fleet_file},
                          {"run_dir", fleet_.fleet.run_dir},
                          {"pid", static_cast<long long>(::getpid())},
                          {"stopping", stopping_},
                          {"children", children},
                          {"srv", config::srv_records(fleet_)}};
}

} // namespace jamfleet::orchestrator
