// The sd_notify(3) protocol spoken by hand: one datagram of `KEY=VALUE` lines to
// the unix socket named by $NOTIFY_SOCKET. Written here rather than linking
// libsystemd because the protocol is small and documented as stable, the build
// then needs no libsystemd-dev, and tests can stand in for systemd with a socket
// of their own. Without $NOTIFY_SOCKET (not started by systemd) every call is a no-op.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace jamfleet::orchestrator {

class SystemdNotify {
public:
    // Reads $NOTIFY_SOCKET ("/path" or "@abstract") and $WATCHDOG_USEC/$WATCHDOG_PID.
    static SystemdNotify from_environment();
    // For tests: notify `socket_path`, with an optional watchdog interval.
    SystemdNotify(std::string socket_path, std::optional<std::chrono::microseconds> watchdog);

    bool enabled() const { return !socket_path_.empty(); }
    // The interval systemd expects WATCHDOG=1 within (WatchdogSec), when set for us.
    std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

    // Sends `state` ("READY=1\nSTATUS=..."). Errors are returned, never thrown.
    base::Status<std::string> send(std::string_view state) const;

    // The state lines for the phases of the supervisor's life.
    static std::string ready(std::string_view status);
    static std::string reloading(std::chrono::microseconds monotonic_now);
    static std::string stopping();
    static std::string watchdog();

private:
    std::string socket_path_;
    std::optional<std::chrono::microseconds> watchdog_;
};

} // namespace jamfleet::orchestrator
