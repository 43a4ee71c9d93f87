// The supervisor's child lifecycle: start (or adopt, supervisor_adoption.cpp)
// with a port pre-check, restart with backoff, retry a failed child later, and
// orderly shutdown (rooms first so they unregister, then the directory). The
// decisions come from reconciler.h; reloads are in supervisor_reload.cpp.
#include "orchestrator/supervisor.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/log_style.h"
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
    load_fleet_bans();
    std::vector<std::string> names;
    for (const auto& server : fleet_.servers) {
        names.push_back(server.name);
    }
    std::vector<std::string> wanted_paths;
    if (directory_launch(fleet_, options_.bins)) {
        wanted_paths.push_back(
            record_path(fleet_.fleet.run_dir, *directory_launch(fleet_, options_.bins)));
    }
    for (const auto& server : fleet_.servers) {
        wanted_paths.push_back(
            record_path(fleet_.fleet.run_dir, server_launch(fleet_, server, options_.bins)));
    }
    if (auto web = web_launch(fleet_, options_.bins)) {
        wanted_paths.push_back(record_path(fleet_.fleet.run_dir, *web));
    }
    retire_unknown_records(wanted_paths);
    adopting_ = true;
    start_new_children(true, names);
    start_web();
    adopting_ = false;
    // Client counts and registration state come from the children; poll them so
    // `jamfleet status` answers at once.
    status_poll_timer_.start(std::chrono::milliseconds(500), std::chrono::seconds(1),
                             [this] { poll_child_status(); });
}

void Supervisor::request_child_status(Child& child) {
    const auto pending = [this](Child& c, std::optional<std::size_t> clients) {
        return decide_pending_restart(PendingRestart{c.pending_spec.has_value(), c.state,
                                                     c.control && c.control->ready(), clients,
                                                     stopping_});
    };
    if (!child.control || !child.control->ready()) {
        if (pending(child, std::nullopt) == PendingAction::RestartNow) {
            restart_with_pending_spec(child);
        }
        return;
    }
    Child* target = &child;
    child.control->request(
        "status", nlohmann::json::object(),
        [this, target, pending](base::Result<nlohmann::json, std::string> result) {
            if (!result.ok()) {
                return;
            }
            target->child_status = std::move(result).value();
            const auto clients = target->child_status.find("clients");
            const std::size_t count =
                clients != target->child_status.end() && clients->is_array() ? clients->size() : 0;
            if (pending(*target, count) == PendingAction::RestartNow) {
                restart_with_pending_spec(*target);
            }
        });
}

void Supervisor::poll_child_status() {
    expire_fleet_bans();
    if (directory_) {
        request_child_status(*directory_);
    }
    for (auto& [name, child] : rooms_) {
        request_child_status(*child);
    }
    if (web_) {
        request_child_status(*web_);
    }
}

void Supervisor::start_new_children(bool directory, const std::vector<std::string>& rooms) {
    if (directory) {
        if (auto spec = directory_launch(fleet_, options_.bins)) {
            directory_ = make_child(std::move(*spec));
            adopting_ ? adopt_or_start(*directory_) : start_child(*directory_);
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
        adopting_ ? adopt_or_start(ref) : start_child(ref);
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
    if (name == kWebChildName && web_) {
        return web_.get();
    }
    return nullptr;
}

void Supervisor::mark_failed(Child& child, std::string reason) {
    apply_failure(child, decide_failure(std::move(reason), child.policy, clock_.now(), stopping_,
                                        child.retire_when_adopted));
}

void Supervisor::apply_failure(Child& child, Decision decision) {
    child.state = ChildState::Failed;
    child.failure_reason = std::move(decision.failure_reason);
    remove_child_record(child);
    child.next_try = decision.next_try;
    if (child.next_try) {
        Child* target = &child;
        child.restart_timer.start(
            *child.next_try - clock_.now(), base::Duration::zero(), [this, target] {
                if (target->state == ChildState::Failed && !stopping_) {
                    log_.info("retrying failed child", {{"child", target->spec.name}});
                    target->policy.reset_window();
                    ++target->restarts;
                    start_child(*target);
                }
            });
    }
    log_.error("child failed",
               {{"child", child.spec.name},
                {"reason", child.failure_reason},
                {"retry_in_s", child.next_try ? std::chrono::duration_cast<std::chrono::seconds>(
                                                    *child.next_try - clock_.now())
                                                    .count()
                                              : -1}});
}

void Supervisor::start_child(Child& child) {
    child.restart_timer.stop();
    child.next_try.reset();
    child.adopted = false;
    child.first_line.clear();
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
    options.log_name = child.spec.name;
    // Children write plain lines; this process labels and styles them (base/log_style.h).
    options.env[base::kLogStyleVariable] = "plain";
    options.on_output_line = output_handler(child);
    // A child with a control socket can be adopted by a later supervisor, so it
    // outlives this one: no death signal, output through a FIFO that survives us,
    // SIGPIPE ignored so an unread log never kills it. One without (an old
    // binary) cannot prove who it is, so it still dies with us.
    const bool adoptable = !child.spec.control_socket.empty();
    child.program_id = program_identity(child.spec.program);
    options.death_signal = adoptable ? 0 : SIGTERM;
    options.ignore_sigpipe = true;
    if (adoptable) {
        std::error_code ec;
        std::filesystem::create_directories(fleet_.fleet.run_dir + "/children", ec);
        options.log_fifo = log_fifo_path(fleet_.fleet.run_dir, child.spec);
        options.env[control::kFleetEnv] = fleet_.fleet.name;
        options.env[control::kSettingsEnv] = settings_digest(child.spec);
    }
    auto process = io::ChildProcess::spawn(loop_, options, exit_handler(child));
    if (!process.ok()) {
        mark_failed(child, process.error());
        return;
    }
    child.process = std::move(process).value();
    if (adoptable) {
        write_child_record(child);
        connect_control(child, child.spec.control_socket);
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
    child.adopt_timer.stop();
    bury(std::move(child.process));
    child.control.reset();
    child.child_status = nlohmann::json();
    child.last_exit = describe_exit(exit_status, term_signal);
    remove_child_record(child);
    const Decision decision =
        decide_exit(ExitEvent{child.state, child.retire_when_adopted, exit_status, term_signal,
                              child.started_at, child.first_line, child.last_exit},
                    child.policy, clock_.now(), stopping_);
    if (decision.next == ChildState::Stopped) {
        child.state = ChildState::Stopped;
        log_.info("child stopped", {{"child", child.spec.name}, {"exit", child.last_exit}});
        auto callbacks = std::move(child.on_stopped);
        child.on_stopped.clear();
        for (auto& callback : callbacks) {
            callback();
        }
        return;
    }
    if (child.pending_spec) {
        // It was waiting to restart with new settings anyway.
        child.spec = std::move(*child.pending_spec);
        child.pending_spec.reset();
    }
    if (decision.next == ChildState::Failed) {
        apply_failure(child, decision);
        return;
    }
    child.state = ChildState::Backoff;
    log_.warn(
        "child exited; restarting",
        {{"child", child.spec.name},
         {"exit", child.last_exit},
         {"delay_ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(decision.restart_delay).count()}});
    Child* target = &child;
    child.restart_timer.start(decision.restart_delay, base::Duration::zero(), [this, target] {
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
    if ((child.state != ChildState::Running && child.state != ChildState::Adopting) ||
        !child.process) {
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
    child.adopt_timer.stop();
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
        if (child->pending_spec) {
            // `restart` forces what was waiting for the room to empty.
            child->spec = std::move(*child->pending_spec);
            child->pending_spec.reset();
        }
        ++child->restarts;
        start_child(*child);
    });
    return true;
}

void Supervisor::stop(std::function<void()> done) {
    if (stopping_) {
        return;
    }
    stopping_ = true;
    status_poll_timer_.stop();
    log_.info("stopping the fleet");
    // The web child goes with the rooms: it only watches them.
    auto rooms_left =
        std::make_shared<std::size_t>(rooms_.size() + retired_.size() + 1 + (web_ ? 1 : 0));
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
    if (web_) {
        stop_child(*web_, after_rooms);
    }
    after_rooms();
}

} // namespace jamfleet::orchestrator
