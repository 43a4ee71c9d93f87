// The `jamfleet run` supervisor: starts the directory and one mixer per room,
// restarts crashed children with backoff, applies reloads as a diff, and stops
// everything in order. Runs on one io::Loop; commands arrive from signals and
// from the control socket (control_socket_server.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/log.h"
#include "config/fleet_config.h"
#include "io/loop.h"
#include "io/timer.h"
#include "orchestrator/child.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/restart_policy.h"

namespace jamfleet::orchestrator {

struct SupervisorOptions {
    std::string fleet_file;
    BinPaths bins;
    RestartPolicyOptions restart;
    // How long a child gets after SIGTERM before SIGKILL.
    base::Duration stop_timeout = std::chrono::seconds(5);
};

// What a reload did, or every error that kept the old fleet.
struct ReloadReport {
    bool ok = false;
    std::vector<std::string> errors;
    std::vector<std::string> added, removed, changed, unchanged;
    bool directory_restarted = false;
    std::vector<std::string> notes;
};

class Supervisor {
public:
    Supervisor(io::Loop& loop, SupervisorOptions options, config::FleetConfig fleet,
               const base::Clock& clock, base::Logger& log);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Writes srv.txt to the run directory and starts every child.
    void start();
    ReloadReport reload();
    // Stops (if running) and starts one child again, also a failed one.
    bool restart(const std::string& name, std::string& error);
    // Orderly shutdown: rooms first (they unregister), then the directory;
    // `done` runs when every child has exited.
    void stop(std::function<void()> done);
    bool stopping() const { return stopping_; }
    // A reload is stopping children it replaces; the new ones start after.
    bool reloading() const { return reloading_; }

    nlohmann::json status() const;
    const config::FleetConfig& fleet() const { return fleet_; }

private:
    Child* find(const std::string& name);
    std::unique_ptr<Child> make_child(LaunchSpec spec);
    void start_child(Child& child);
    void stop_child(Child& child, std::function<void()> done);
    void on_child_exit(Child& child, std::int64_t exit_status, int term_signal);
    void mark_failed(Child& child, std::string reason);
    void write_srv_file();
    // Starts the directory (if any) and the named rooms of the current fleet.
    void start_new_children(bool directory, const std::vector<std::string>& rooms);
    void schedule_cleanup();
    void poll_child_status();
    // Destroys exited process objects outside their own exit callback.
    void bury(std::unique_ptr<io::ChildProcess> process);

    io::Loop& loop_;
    SupervisorOptions options_;
    config::FleetConfig fleet_;
    const base::Clock& clock_;
    base::Logger& log_;
    std::unique_ptr<Child> directory_;
    std::map<std::string, std::unique_ptr<Child>> rooms_;
    // Children taken out of the fleet (removed or replaced) until they have stopped.
    std::vector<std::unique_ptr<Child>> retired_;
    std::vector<std::unique_ptr<io::ChildProcess>> graveyard_;
    io::Timer graveyard_timer_;
    io::Timer status_poll_timer_;
    std::uint32_t next_seed_ = 1;
    bool stopping_ = false;
    bool reloading_ = false;
};

} // namespace jamfleet::orchestrator
