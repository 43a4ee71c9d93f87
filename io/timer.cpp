// Timer over uv_timer_t; the handle is freed in its close callback so the
// destructor is safe while the loop runs (even from inside on_fire).
#include "io/timer.h"

#include <uv.h>

#include <chrono>

#include "io/detail/callback_guard.h"

namespace jamfleet::io {
namespace {

std::uint64_t to_ms(Duration d) {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return ms < 0 ? 0 : static_cast<std::uint64_t>(ms);
}

} // namespace

Timer::Timer(Loop& loop) : handle_(new uv_timer_t) {
    uv_timer_init(loop.raw(), handle_);
    handle_->data = this;
}

Timer::~Timer() {
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

void Timer::start(Duration delay, Duration repeat, std::function<void()> on_fire) {
    on_fire_ = std::make_shared<std::function<void()>>(std::move(on_fire));
    // libuv measures from its cached loop time, which may be stale when start() is
    // called long after the loop last woke: refresh it so the delay is honoured.
    uv_update_time(handle_->loop);
    uv_timer_start(
        handle_,
        [](uv_timer_t* t) {
            auto* self = static_cast<Timer*>(t->data);
            if (self == nullptr) {
                return;
            }
            // Keep the callback alive even if it destroys or restarts this timer.
            auto fn = self->on_fire_;
            if (fn && *fn) {
                detail::guarded_call("timer", *fn);
            }
        },
        to_ms(delay), repeat.count() > 0 ? std::max<std::uint64_t>(1, to_ms(repeat)) : 0);
}

void Timer::stop() {
    uv_timer_stop(handle_);
}

bool Timer::active() const {
    return uv_is_active(reinterpret_cast<const uv_handle_t*>(handle_)) != 0;
}

} // namespace jamfleet::io
