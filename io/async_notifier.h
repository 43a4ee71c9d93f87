// Wakes the loop from another thread (uv_async): e.g. the mixer's real-time
// thread posts fixed-size commands to a queue, then notify()s the control loop.
// Several notify() calls before the loop runs coalesce into one callback.
#pragma once

#include <functional>
#include <memory>

#include "io/loop.h"

struct uv_async_s;

namespace jamfleet::io {

class AsyncNotifier {
public:
    AsyncNotifier(Loop& loop, std::function<void()> on_notify);
    // Must run on the loop thread, after other threads stopped calling notify().
    ~AsyncNotifier();
    AsyncNotifier(const AsyncNotifier&) = delete;
    AsyncNotifier& operator=(const AsyncNotifier&) = delete;

    // Safe from any thread; never blocks and never allocates.
    void notify();

private:
    uv_async_s* handle_;
    std::shared_ptr<std::function<void()>> on_notify_;
};

} // namespace jamfleet::io
