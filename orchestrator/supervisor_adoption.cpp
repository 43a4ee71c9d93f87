// The supervisor's side of children outliving it: records in the run directory,
// the log FIFO, and adopting what an earlier supervisor left running (pidfd +
// start time + a hello naming the same fleet, child and settings).
#include <unistd.h>

#include <cstdio>

#include "orchestrator/supervisor.h"

namespace jamfleet::orchestrator {

io::ChildProcess::ExitCallback Supervisor::exit_handler(Child& child) {
    Child* target = &child;
    return
        [this, target](std::int64_t status, int signal) { on_child_exit(*target, status, signal); };
}

std::function<void(std::string_view)> Supervisor::output_handler(Child& child) {
    Child* target = &child;
    return [this, target](std::string_view line) {
        target->remember_line(line);
        log_.write_line(label_child_line(target->spec.name, line));
    };
}

void Supervisor::connect_control(Child& child, const std::string& socket) {
    child.control = std::make_unique<control::ControlClient>(loop_, socket);
    child.control->start();
}

void Supervisor::write_child_record(Child& child) {
    ChildRecord record;
    record.fleet = fleet_.fleet.name;
    record.name = child.spec.name;
    record.kind = kind_name(child.spec.kind);
    record.pid = child.process->pid();
    record.start_time = child.process->start_time();
    record.program = child.spec.program;
    record.args = child.spec.args;
    record.control_socket = child.spec.control_socket;
    record.log_fifo = log_fifo_path(fleet_.fleet.run_dir, child.spec);
    record.settings = settings_digest(child.spec);
    record.program_id = child.program_id;
    if (const config::ServerConfig* server = fleet_.find_server(child.spec.name);
        server != nullptr && child.spec.kind == ChildKind::Mixer) {
        record.live = config::live_settings(*server);
    }
    std::string error;
    if (!write_record(record_path(fleet_.fleet.run_dir, child.spec), record, error)) {
        log_.warn("cannot write child record; a later supervisor cannot adopt it",
                  {{"child", child.spec.name}, {"error", error}});
    }
}

void Supervisor::remove_child_record(const Child& child) {
    if (!child.spec.control_socket.empty()) {
        remove_record(record_path(fleet_.fleet.run_dir, child.spec));
        // The FIFO too (a new one is made at the next start); readers keep theirs.
        ::unlink(log_fifo_path(fleet_.fleet.run_dir, child.spec).c_str());
    }
}

void Supervisor::adopt_or_start(Child& child) {
    const std::string path = record_path(fleet_.fleet.run_dir, child.spec);
    const auto record = child.spec.control_socket.empty() ? std::nullopt : read_record(path);
    if (!record) {
        start_child(child);
        return;
    }
    auto process = io::ChildProcess::adopt(loop_, static_cast<pid_t>(record->pid),
                                           record->start_time, child.spec.name, record->log_fifo,
                                           output_handler(child), exit_handler(child));
    if (!process.ok()) {
        log_.info("recorded child is gone; starting it",
                  {{"child", child.spec.name}, {"error", process.error()}});
        remove_record(path);
        if (!child.retire_when_adopted) {
            start_child(child);
        }
        return;
    }
    child.process = std::move(process).value();
    child.state = ChildState::Adopting;
    child.started_at = clock_.now();
    connect_control(child, record->control_socket);
    Child* target = &child;
    child.control->set_on_hello([this, target, record = *record](const control::Hello& hello) {
        if (target->state == ChildState::Adopting) {
            on_adoption_hello(*target, record, hello);
        }
    });
    // pid and start time matched, so it is the process we started; one that
    // cannot say hello is hung: replace it.
    child.adopt_timer.start(options_.adopt_timeout, base::Duration::zero(), [this, target] {
        if (target->state != ChildState::Adopting) {
            return;
        }
        log_.warn("adopted child did not say hello; replacing it", {{"child", target->spec.name}});
        stop_child(*target, [this, target] {
            if (!stopping_ && !target->retire_when_adopted) {
                start_child(*target);
            }
        });
    });
}

void Supervisor::on_adoption_hello(Child& child, const ChildRecord& record,
                                   const control::Hello& hello) {
    child.adopt_timer.stop();
    const AdoptionVerdict verdict = judge_adoption(record, hello, child.spec, fleet_.fleet.name);
    const bool replaced =
        !record.program_id.empty() && record.program_id != program_identity(child.spec.program);
    // Would the wanted room, with the recorded live settings, be what runs?
    const config::ServerConfig* server = fleet_.find_server(child.spec.name);
    const bool only_live =
        record.live && server != nullptr && record.fleet == fleet_.fleet.name &&
        settings_digest(server_launch(fleet_, config::with_live_settings(*server, *record.live),
                                      options_.bins)) == record.settings;
    const AdoptionPlan plan = plan_adoption(verdict, child.retire_when_adopted, replaced,
                                            options_.restart_outdated_now, only_live);
    if (plan == AdoptionPlan::LeaveAlone) {
        log_.warn("recorded pid is someone else's process; leaving it alone",
                  {{"child", child.spec.name},
                   {"pid", record.pid},
                   {"hello_name", hello.name},
                   {"hello_fleet", hello.fleet}});
        child.process->forget();
        bury(std::move(child.process));
        child.control.reset();
        remove_record(record_path(fleet_.fleet.run_dir, child.spec));
        child.state = ChildState::Stopped;
        if (!child.retire_when_adopted) {
            start_child(child);
        }
        schedule_cleanup();
        return;
    }
    child.state = ChildState::Running;
    child.adopted = true;
    child.program_id = record.program_id;
    log_.info("child adopted",
              {{"child", child.spec.name},
               {"pid", record.pid},
               {"settings", verdict == AdoptionVerdict::Adopt ? "current" : "outdated"},
               {"binary", replaced ? "replaced" : "current"}});
    switch (plan) {
    case AdoptionPlan::Stop:
        stop_child(child, [this] { schedule_cleanup(); });
        break;
    case AdoptionPlan::RestartNow:
        child.pending_spec = child.spec;
        restart_with_pending_spec(child);
        break;
    case AdoptionPlan::ApplyLive:
        // As a reload would: nobody is disconnected.
        apply_live_settings(child, child.spec);
        break;
    case AdoptionPlan::RestartWhenEmpty:
        // Older settings or a new binary: its musicians stay until they leave. After an
        // upgrade (new binary) the room also leaves the list meanwhile, so nobody new
        // joins a room about to restart; the restarted mixer registers again.
        if (restart_when_empty(child, child.spec) && replaced && child.control) {
            const std::string name = child.spec.name;
            child.control->request(
                "drain", {{"drain", true}},
                [this, name](base::Result<nlohmann::json, std::string> result) {
                    if (result.ok()) {
                        log_.info("drained until empty", {{"child", name}});
                    } else {
                        log_.warn("room cannot leave the list (older mixer); it stays listed",
                                  {{"child", name}, {"error", result.error()}});
                    }
                });
        }
        break;
    case AdoptionPlan::Keep:
    case AdoptionPlan::LeaveAlone:
        break;
    }
}

void Supervisor::retire_unknown_records(const std::vector<std::string>& wanted_paths) {
    for (auto& entry : read_records(fleet_.fleet.run_dir)) {
        // Plain references: clang cannot capture structured bindings in lambdas.
        const std::string& path = entry.first;
        const ChildRecord& record = entry.second;
        if (std::find(wanted_paths.begin(), wanted_paths.end(), path) != wanted_paths.end()) {
            continue;
        }
        // A child of an older fleet definition whose room is gone: stop it if it
        // is still ours.
        LaunchSpec spec;
        spec.name = record.name;
        spec.kind = record.kind == "directory" ? ChildKind::Directory : ChildKind::Mixer;
        spec.program = record.program;
        spec.args = record.args;
        spec.control_socket = record.control_socket;
        auto child = make_child(std::move(spec));
        child->retire_when_adopted = true;
        Child& ref = *child;
        retired_.push_back(std::move(child));
        // Its record path is keyed by kind and port, which this spec lacks.
        remove_record(path);
        auto process = io::ChildProcess::adopt(loop_, static_cast<pid_t>(record.pid),
                                               record.start_time, ref.spec.name, record.log_fifo,
                                               output_handler(ref), exit_handler(ref));
        if (!process.ok()) {
            ref.state = ChildState::Stopped;
            continue;
        }
        ref.process = std::move(process).value();
        ref.state = ChildState::Adopting;
        connect_control(ref, record.control_socket);
        Child* target = &ref;
        ref.control->set_on_hello([this, target, record](const control::Hello& hello) {
            if (target->state == ChildState::Adopting) {
                on_adoption_hello(*target, record, hello);
            }
        });
        ref.adopt_timer.start(options_.adopt_timeout, base::Duration::zero(), [this, target] {
            if (target->state == ChildState::Adopting) {
                stop_child(*target, [this] { schedule_cleanup(); });
            }
        });
    }
}

} // namespace jamfleet::orchestrator
