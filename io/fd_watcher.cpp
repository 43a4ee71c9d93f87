// FdWatcher over uv_poll_t, freed in its close callback.
#include "io/fd_watcher.h"

#include <uv.h>

#include <cstdlib>

#include "io/detail/callback_guard.h"

namespace jamfleet::io {

FdWatcher::FdWatcher(Loop& loop, int fd, std::function<void()> on_readable)
    : handle_(new uv_poll_t),
      on_readable_(std::make_shared<std::function<void()>>(std::move(on_readable))) {
    if (const int rc = uv_poll_init(loop.raw(), handle_, fd); rc != 0) {
        // Only a closed or unpollable fd gets here: a programming error.
        base::Logger("io").error("uv_poll_init failed", {{"fd", fd}, {"error", uv_strerror(rc)}});
        std::abort();
    }
    handle_->data = this;
    start();
}

FdWatcher::~FdWatcher() {
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
}

void FdWatcher::start() {
    uv_poll_start(handle_, UV_READABLE, [](uv_poll_t* p, int status, int) {
        auto* self = static_cast<FdWatcher*>(p->data);
        if (self == nullptr) {
            return;
        }
        if (status < 0) {
            base::Logger("io").warn("poll error", {{"error", uv_strerror(status)}});
        }
        auto fn = self->on_readable_;
        detail::guarded_call("fd watcher", *fn);
    });
}

void FdWatcher::stop() {
    uv_poll_stop(handle_);
}

} // namespace jamfleet::io
