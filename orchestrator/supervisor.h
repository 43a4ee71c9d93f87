// The `jamfleet run` supervisor: starts the directory and one mixer per room (or
// adopts those an earlier supervisor left running, see child_record.h),
// restarts crashed children with backoff, retries failed ones on a long backoff,
// applies reloads as a diff, and stops everything in order. Children outlive the
// supervisor: no death signal, their output goes through a FIFO in the run
// directory. Runs on one io::Loop; commands arrive from signals and from the
// control socket (control_socket.h).
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
#include "orchestrator/child_record.h"
#include "orchestrator/fleet_bans.h"
#include "orchestrator/launch_spec.h"
#include "orchestrator/restart_policy.h"

namespace jamfleet::orchestrator {

struct SupervisorOptions {
    std::string fleet_file;
    // `jamfleet run --host NAME`: this host's part of a multi-host fleet file.
    std::string host;
    BinPaths bins;
    RestartPolicyOptions restart;
    // How long a child gets after SIGTERM before SIGKILL.
    base::Duration stop_timeout = std::chrono::seconds(5);
    // How long an adopted process gets to say hello on its control socket.
    base::Duration adopt_timeout = std::chrono::seconds(3);
    // The supervisor's version, shown in status.
    std::string version;
    // Adopted children whose binary was replaced restart at once instead of
    // when empty (`jamfleet upgrade --now`).
    bool restart_outdated_now = false;
};

// What a reload did, or every error that kept the old fleet.
struct ReloadReport {
    bool ok = false;
    std::vector<std::string> errors;
    std::vector<std::string> added, removed, changed, unchanged;
    // Rooms that took new live settings (name, city, country, welcome) without
    // a restart, and rooms that restart once their last musician has left.
    std::vector<std::string> live, waiting;
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

    // Writes srv.txt to the run directory, adopts every child an earlier
    // supervisor left running there and starts the others.
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

    // Fleet-wide bans (supervisor_bans.cpp): the control commands `ban` {address, seconds,
    // reason}, `unban` {address} and `bans`; persisted in RUN_DIR/fleet-bans.json and sent
    // to every room, also to rooms that start later.
    base::Result<nlohmann::json, std::string> fleet_ban(const nlohmann::json& request);
    base::Result<nlohmann::json, std::string> fleet_unban(const nlohmann::json& request);
    // [{"address", "secondsLeft" (null = until lifted), "reason"}].
    nlohmann::json fleet_bans_json() const;

private:
    Child* find(const std::string& name);
    std::unique_ptr<Child> make_child(LaunchSpec spec);
    void start_child(Child& child);
    // Adopts the process of `child`'s record if it is still that child, else
    // removes the record and starts the child.
    void adopt_or_start(Child& child);
    void on_adoption_hello(Child& child, const ChildRecord& record, const control::Hello& hello);
    // Records of children no longer in the fleet: adopt them to stop them.
    void retire_unknown_records(const std::vector<std::string>& wanted_paths);
    io::ChildProcess::ExitCallback exit_handler(Child& child);
    std::function<void(std::string_view)> output_handler(Child& child);
    void write_child_record(Child& child);
    void remove_child_record(const Child& child);
    void connect_control(Child& child, const std::string& socket);
    // Live settings through the room's control op; falls back to a restart
    // when the room is empty if it cannot take them.
    void apply_live_settings(Child& child, LaunchSpec next);
    // Restarts `child` with `next` now if it has no clients, else when it has
    // none; true when it waits.
    bool restart_when_empty(Child& child, LaunchSpec next);
    void restart_with_pending_spec(Child& child);
    void stop_child(Child& child, std::function<void()> done);
    void on_child_exit(Child& child, std::int64_t exit_status, int term_signal);
    void mark_failed(Child& child, std::string reason);
    void apply_failure(Child& child, Decision decision);
    void write_srv_file();
    // Starts the directory (if any) and the named rooms of the current fleet.
    void start_new_children(bool directory, const std::vector<std::string>& rooms);
    // Starts (or adopts) jamfleet-web when the fleet has `web:`, after making
    // the default token file (supervisor_web.cpp).
    void start_web();
    void schedule_cleanup();
    void poll_child_status();
    // Asks one child for its status document; a room waiting to restart
    // restarts when the answer shows no clients.
    void request_child_status(Child& child);
    std::string fleet_bans_path() const;
    void load_fleet_bans();
    void save_fleet_bans_file();
    void expire_fleet_bans();
    // After a room's hello: lifts fleet bans it holds that the fleet no longer has and sends
    // the current ones.
    void send_fleet_bans(Child& child);
    void send_room_op(Child& child, const std::string& op, nlohmann::json args);
    // Destroys exited process objects outside their own exit callback.
    void bury(std::unique_ptr<io::ChildProcess> process);

    io::Loop& loop_;
    SupervisorOptions options_;
    config::FleetConfig fleet_;
    const base::Clock& clock_;
    base::Logger& log_;
    std::unique_ptr<Child> directory_;
    std::unique_ptr<Child> web_;
    std::map<std::string, std::unique_ptr<Child>> rooms_;
    // Children taken out of the fleet (removed or replaced) until they have stopped.
    std::vector<std::unique_ptr<Child>> retired_;
    std::vector<std::unique_ptr<io::ChildProcess>> graveyard_;
    io::Timer graveyard_timer_;
    io::Timer status_poll_timer_;
    std::uint32_t next_seed_ = 1;
    bool stopping_ = false;
    bool reloading_ = false;
    bool adopting_ = false; // during start(): children are adopted where possible
    FleetBans fleet_bans_;
};

} // namespace jamfleet::orchestrator
