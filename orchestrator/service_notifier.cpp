// ServiceNotifier: readiness polling and the watchdog timer; see service_notifier.h.
#include "orchestrator/service_notifier.h"

namespace jamfleet::orchestrator {

ServiceNotifier::ServiceNotifier(io::Loop& loop, const Supervisor& supervisor,
                                 ReadinessExpectations expect, SystemdNotify notify,
                                 base::Logger& log)
    : supervisor_(supervisor), expect_(expect), notify_(std::move(notify)), log_(log),
      poll_timer_(loop), watchdog_timer_(loop) {}

void ServiceNotifier::send(const std::string& state) {
    auto sent = notify_.send(state);
    if (!sent.ok() && !reported_error_) {
        reported_error_ = true; // once: a watchdog ping fails the same way every time
        log_.warn("cannot notify systemd", {{"error", sent.error()}});
    }
}

void ServiceNotifier::started() {
    if (const auto interval = notify_.watchdog_interval()) {
        // Half the interval, as sd_watchdog_enabled(3) recommends.
        const auto period = std::chrono::duration_cast<base::Duration>(*interval / 2);
        watchdog_timer_.start(period, period, [this] { send(SystemdNotify::watchdog()); });
        log_.info("systemd watchdog enabled",
                  {{"interval_ms",
                    std::chrono::duration_cast<std::chrono::milliseconds>(*interval).count()}});
    }
    wait_for_ready();
}

void ServiceNotifier::reloading() {
    if (stopping_) {
        return;
    }
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
    send(SystemdNotify::reloading(now));
    wait_for_ready();
}

void ServiceNotifier::stopping() {
    stopping_ = true;
    poll_timer_.stop();
    send(SystemdNotify::stopping());
}

void ServiceNotifier::wait_for_ready() {
    ready_deadline_ = std::chrono::steady_clock::now() + kReadyDeadline;
    poll_timer_.start(std::chrono::milliseconds(100), std::chrono::milliseconds(200),
                      [this] { check_ready(); });
}

void ServiceNotifier::check_ready() {
    if (stopping_ || supervisor_.reloading()) {
        return;
    }
    const Readiness r = fleet_readiness(supervisor_.status(), expect_);
    const bool late = std::chrono::steady_clock::now() >= ready_deadline_;
    if (!r.settled && !late) {
        return;
    }
    poll_timer_.stop();
    const std::string summary = r.summary();
    if (r.settled && r.failed == 0) {
        log_.info("fleet ready", {{"children", summary}});
    } else {
        log_.warn(r.settled ? "fleet ready with failures" : "fleet not settled; reporting ready",
                  {{"children", summary}});
    }
    send(SystemdNotify::ready(summary));
}

} // namespace jamfleet::orchestrator
