// SignalWatcher over uv_signal_t, freed in its close callback.
#include "io/signal_watcher.h"

#include <uv.h>

#include "io/detail/callback_guard.h"

namespace jamfleet::io {

SignalWatcher::SignalWatcher(Loop& loop, int signum, std::function<void()> on_signal)
    : handle_(new uv_signal_t), signum_(signum),
      on_signal_(std::make_shared<std::function<void()>>(std::move(on_signal))) {
    uv_signal_init(loop.raw(), handle_);
    handle_->data = this;
    uv_signal_start(
        handle_,
        [](uv_signal_t* s, int) {
            auto* self = static_cast<SignalWatcher*>(s->data);
            if (self == nullptr) {
                return;
            }
            auto fn = self->on_signal_;
            detail::guarded_call("signal", *fn);
        },
        signum);
}

SignalWatcher::~SignalWatcher() {
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_signal_t*>(h); });
}

} // namespace jamfleet::io
