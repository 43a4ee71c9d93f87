// TickSource: timerfd armed with TFD_TIMER_ABSTIME and an interval; the kernel
// keeps the deadlines on the absolute grid and counts missed ones for us.
#include "io/tick_source.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "io/detail/callback_guard.h"
#include "io/udp_socket.h"

namespace jamfleet::io {
namespace {

timespec to_timespec(std::int64_t ns) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1000000000);
    ts.tv_nsec = static_cast<long>(ns % 1000000000);
    return ts;
}

} // namespace

TickSource::TickSource(Loop& loop, Duration period,
                       std::function<void(std::uint64_t expirations)> on_tick)
    : fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)), period_(period),
      on_tick_(std::move(on_tick)) {
    if (fd_ < 0) {
        base::Logger("io").error("timerfd_create failed", {{"error", errno_text(errno)}});
        std::abort();
    }
    watcher_ = std::make_unique<FdWatcher>(loop, fd_, [this] { on_readable(); });
}

TickSource::~TickSource() {
    watcher_.reset(); // stop polling before the fd goes away
    ::close(fd_);
}

void TickSource::start() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const std::int64_t period_ns = period_.count() > 0 ? period_.count() : 1;
    const std::int64_t first = static_cast<std::int64_t>(now.tv_sec) * 1000000000 +
                               static_cast<std::int64_t>(now.tv_nsec) + period_ns;
    itimerspec spec{};
    spec.it_value = to_timespec(first);
    spec.it_interval = to_timespec(period_ns);
    ::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void TickSource::stop() {
    itimerspec spec{};
    ::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void TickSource::on_readable() {
    std::uint64_t expirations = 0;
    if (::read(fd_, &expirations, sizeof expirations) != sizeof expirations || expirations == 0) {
        return; // spurious wake-up (EAGAIN) or the timer was disarmed meanwhile
    }
    ticks_ += expirations;
    if (expirations > 1) {
        ++overruns_;
        missed_ += expirations - 1;
    }
    detail::guarded_call("tick", [&] { on_tick_(expirations); });
}

} // namespace jamfleet::io
