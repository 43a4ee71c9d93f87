// One datagram the directory wants sent: a small frame stored inline, or an
// encoded list shared with the list cache, so queueing a reply allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "directory/address.h"

namespace jamfleet::directory {

using SharedFrame = std::shared_ptr<const std::vector<std::uint8_t>>;

struct Outgoing {
    // Every frame the directory builds per datagram (pings, version, registration
    // replies, hole punches) fits; only lists are larger, and those are shared.
    static constexpr std::size_t kInlineBytes = 40;

    Address to;
    std::uint32_t from_ip = 0; // our address to send from (0: the kernel's choice)
    SharedFrame shared;        // when set, the datagram; kept alive until it is sent
    std::array<std::uint8_t, kInlineBytes> small{};
    std::uint8_t small_bytes = 0;

    std::span<const std::uint8_t> bytes() const {
        if (shared) {
            return *shared;
        }
        return std::span<const std::uint8_t>(small).first(small_bytes);
    }
};

} // namespace jamfleet::directory
