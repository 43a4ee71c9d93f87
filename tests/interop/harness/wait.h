// Bounded polling: every wait in the interop tests has a deadline.
#pragma once

#include <chrono>
#include <thread>

namespace jamfleet::interop {

// Polls `condition` every `poll` until it holds (true) or `timeout` passes (false).
template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(poll);
    }
}

} // namespace jamfleet::interop
