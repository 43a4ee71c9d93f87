// libuv loop ownership, orderly teardown and a bounded run helper.
#include "io/loop.h"

#include <uv.h>

#include <chrono>
#include <cstdlib>

#include "base/log.h"

namespace jamfleet::io {

Loop::Loop() : loop_(new uv_loop_t) {
    if (const int rc = uv_loop_init(loop_); rc != 0) {
        // Only fails when the process is out of file descriptors or memory: start-up error.
        base::Logger("io").error("uv_loop_init failed", {{"error", uv_strerror(rc)}});
        std::abort();
    }
}

Loop::~Loop() {
    // Let closes already under way (graceful stream shutdowns, close callbacks that
    // free memory) finish first, without blocking on handles that stay active.
    for (int i = 0; i < 8 && uv_loop_alive(loop_) != 0; ++i) {
        uv_run(loop_, UV_RUN_NOWAIT);
    }
    // Handles whose owners leaked or were destroyed while the loop kept them alive
    // are closed here; owners free their memory in close callbacks, so run them.
    uv_walk(
        loop_,
        [](uv_handle_t* handle, void*) {
            if (!uv_is_closing(handle)) {
                uv_close(handle, nullptr);
            }
        },
        nullptr);
    uv_run(loop_, UV_RUN_DEFAULT);
    uv_loop_close(loop_);
    delete loop_;
}

void Loop::run() {
    uv_run(loop_, UV_RUN_DEFAULT);
}

void Loop::stop() {
    uv_stop(loop_);
}

bool Loop::run_once_nowait() {
    return uv_run(loop_, UV_RUN_NOWAIT) != 0;
}

bool Loop::run_until(const std::function<bool()>& done, Duration timeout) {
    if (done()) {
        return true;
    }
    // A private timer bounds the wait even when nothing else happens.
    struct State {
        bool timed_out = false;
    } state;
    auto* timer = new uv_timer_t;
    uv_timer_init(loop_, timer);
    timer->data = &state;
    uv_update_time(loop_);
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
    uv_timer_start(
        timer, [](uv_timer_t* t) { static_cast<State*>(t->data)->timed_out = true; },
        static_cast<std::uint64_t>(ms < 0 ? 0 : ms), 0);
    while (!done() && !state.timed_out) {
        uv_run(loop_, UV_RUN_ONCE);
    }
    timer->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(timer),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    return done();
}

} // namespace jamfleet::io
