// Tells systemd (Type=notify) where the supervisor is in its life: READY=1 once
// the fleet has settled (fleet_readiness.h), again after each reload, RELOADING=1
// while a reload runs, STOPPING=1 on shutdown, and WATCHDOG=1 from a loop timer,
// so a stuck loop stops the pings and systemd's WatchdogSec restarts the service.
// Logs "fleet ready" whether or not systemd listens.
#pragma once

#include "base/log.h"
#include "io/loop.h"
#include "io/timer.h"
#include "orchestrator/fleet_readiness.h"
#include "orchestrator/supervisor.h"
#include "orchestrator/systemd_notify.h"

namespace jamfleet::orchestrator {

class ServiceNotifier {
public:
    // READY=1 is sent after this long even when children are still pending, so a
    // directory that never answers cannot hold systemd's start job until it times out.
    static constexpr base::Duration kReadyDeadline = std::chrono::seconds(60);

    ServiceNotifier(io::Loop& loop, const Supervisor& supervisor, ReadinessExpectations expect,
                    SystemdNotify notify, base::Logger& log);

    // After Supervisor::start(): begins the watchdog and waits for readiness.
    void started();
    // Before Supervisor::reload() (and after it returns: the fleet settles again).
    void reloading();
    // When the shutdown begins.
    void stopping();

private:
    void wait_for_ready();
    void check_ready();
    void send(const std::string& state);

    const Supervisor& supervisor_;
    ReadinessExpectations expect_;
    SystemdNotify notify_;
    base::Logger& log_;
    io::Timer poll_timer_;
    io::Timer watchdog_timer_;
    std::chrono::steady_clock::time_point ready_deadline_{};
    bool stopping_ = false;
    bool reported_error_ = false;
};

} // namespace jamfleet::orchestrator
