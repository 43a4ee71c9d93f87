// AsyncNotifier over uv_async_t, freed in its close callback.
#include "io/async_notifier.h"

#include <uv.h>

#include "io/detail/callback_guard.h"

namespace jamfleet::io {

AsyncNotifier::AsyncNotifier(Loop& loop, std::function<void()> on_notify)
    : handle_(new uv_async_t),
      on_notify_(std::make_shared<std::function<void()>>(std::move(on_notify))) {
    uv_async_init(loop.raw(), handle_, [](uv_async_t* a) {
        auto* self = static_cast<AsyncNotifier*>(a->data);
        if (self == nullptr) {
            return;
        }
        auto fn = self->on_notify_;
        detail::guarded_call("async", *fn);
    });
    handle_->data = this;
}

AsyncNotifier::~AsyncNotifier() {
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
}

void AsyncNotifier::notify() {
    uv_async_send(handle_);
}

} // namespace jamfleet::io
