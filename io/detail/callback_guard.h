// Keeps exceptions from crossing into libuv: every callback into user code goes
// through guarded_call, which logs and swallows whatever escapes.
#pragma once

#include <exception>
#include <string_view>

#include "base/log.h"

namespace jamfleet::io::detail {

template <typename F>
void guarded_call(std::string_view what, F&& f) noexcept {
    try {
        f();
    } catch (const std::exception& e) {
        base::Logger("io").error("callback threw", {{"callback", what}, {"error", e.what()}});
    } catch (...) {
        base::Logger("io").error("callback threw", {{"callback", what}, {"error", "unknown"}});
    }
}

} // namespace jamfleet::io::detail
